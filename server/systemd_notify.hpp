// The service manager's readiness protocol (sd_notify(3)), without libsystemd:
// one datagram of newline-separated "KEY=value" assignments sent to the
// AF_UNIX socket named by $NOTIFY_SOCKET (a path, or "@name" for the abstract
// namespace). The unit (Type=notify) is "started" on READY=1; RELOADING=1 and
// STOPPING=1 tell systemctl that a reload or a stop is under way.
#pragma once

#include <string>
#include <string_view>

#include "registry/result.hpp"

namespace mkt::server {

/// Sends `state` (e.g. "READY=1\nSTATUS=listening") to $NOTIFY_SOCKET.
/// Returns false when NOTIFY_SOCKET is unset (not started by systemd with
/// Type=notify): nothing to do. Errors: kInvalidArgument for a malformed
/// socket name, kUnavailable when the datagram cannot be sent (with errno text).
Result<bool> NotifyServiceManager(std::string_view state);

/// "RELOADING=1\nMONOTONIC_USEC=<now>": the start of a reload as systemd 253+
/// expects it (older versions ignore the timestamp).
std::string ReloadingState();

}  // namespace mkt::server
