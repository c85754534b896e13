// SmtpProcess: a real SMTP server for tests, Debian's python3-aiosmtpd on a
// loopback port, delivering into a Maildir in the test's directory. With TLS it
// offers STARTTLS with a fresh self-signed certificate for 127.0.0.1 and
// refuses mail before STARTTLS (aiosmtpd's require_starttls), so a delivered
// message proves the client used it. Stopped (SIGTERM, then SIGKILL) by the
// destructor, also when the test fails.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

namespace mkt::testing {

class SmtpProcess {
  public:
    /// Starts the server under `dir` and waits until it accepts connections.
    /// Aborts the test binary when it does not start within 20 s.
    SmtpProcess(const std::filesystem::path& dir, bool starttls);
    ~SmtpProcess();
    SmtpProcess(const SmtpProcess&) = delete;
    SmtpProcess& operator=(const SmtpProcess&) = delete;

    uint16_t port() const { return port_; }
    /// The certificate clients must trust (empty without TLS).
    std::string ca_file() const { return ca_file_; }
    /// Every message delivered so far, as received (headers and body).
    std::vector<std::string> Messages() const;
    /// Stops the server now (to test a mail server that is down).
    void Stop();

  private:
    std::filesystem::path maildir_;
    std::string ca_file_;
    pid_t pid_ = -1;
    uint16_t port_ = 0;
};

}  // namespace mkt::testing
