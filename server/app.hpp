// App: the composition root. It builds every concrete part from a Config (store,
// trust store, verifier, parser, RDF checker, Registry, routes, HTTP server) in
// dependency order and owns them; nothing else in the project constructs
// adapters. Library-wide initialisation (libxml2/xmlsec, Raptor, libcurl) is
// done by main() before an App exists.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "conf/config.hpp"
#include "registry/clock.hpp"
#include "registry/federation/peer_sync.hpp"
#include "registry/redland/world.hpp"
#include "registry/registry.hpp"

namespace mkt::server {

class App {
  public:
    /// Errors: kInvalidArgument/kUnavailable naming the part that could not be
    /// built (unreadable CA directory, database that cannot be opened, ...).
    /// `clock` and `rdf_world` (created once in main) must outlive the App.
    static Result<std::unique_ptr<App>> Create(const conf::Config& config, const Clock& clock,
                                               const redland::World& rdf_world);
    ~App();

    /// Starts serving. Errors: kUnavailable (address in use, TLS files).
    Status Start();
    /// Graceful stop (drains in-flight requests). Idempotent.
    void Stop();
    uint16_t port() const;
    /// The port of the separate metrics listener (metrics.listen); 0 when
    /// /metrics is served on the main port or is off.
    uint16_t metrics_port() const;

    /// What a reload did, one line per part, for the log.
    struct ReloadReport {
        bool ok = true;  // false: a part kept its previous content
        std::vector<std::string> lines;
    };
    /// Reloads what can change without a restart (SIGHUP): the trust store (CA
    /// directory, CRLs, endorser list) and the site policies named by
    /// `fresh.site_policies` (the configuration as re-read now). A part that
    /// fails keeps its previous content and says why. Keys of `fresh` that
    /// differ from the running configuration otherwise are named as needing a
    /// restart. Thread-safe against serving; one reload at a time.
    ReloadReport Reload(const conf::Config& fresh);
    /// --sync-from: pulls the whole change feed of the peer at `peer_url` into
    /// this configuration's store through a Registry like the server's (same
    /// trust and rules, SubmitOrigin::kReplication), without serving. Progress
    /// and refusals go to stderr, the summary is returned. Errors: the first
    /// failure that stopped the pull (peer unreachable, garbage page, store).
    struct SyncReport {
        federation::PeerTotals totals;
        int64_t cursor = 0, peer_last_seq = 0;
    };
    Result<SyncReport> SyncFrom(const std::string& peer_url, const std::string& ca_file);
    Registry& registry();
    /// One line for the start-up message: store, trust mode, base URL.
    std::string Describe() const;

    struct Parts;

  private:
    explicit App(std::unique_ptr<Parts> parts);
    std::unique_ptr<Parts> parts_;
};

}  // namespace mkt::server
