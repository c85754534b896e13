// TestServer: the real server (App: real store, verifier, HTTP on an
// ephemeral loopback port) inside the test process, with a ManualClock.
// Needs the mkt_library_main test main. Defaults: SQLite in a fresh temporary directory, strict
// trust against the test PKI (with its endorser list), access log off.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "client/http_client.hpp"
#include "registry/clock.hpp"
#include "server/app.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::testing {

class TestServer {
  public:
    /// `overrides` are "key=value" configuration settings applied last.
    explicit TestServer(std::vector<std::string> overrides = {},
                        Timestamp now = SystemClock().Now());
    ~TestServer();

    std::string url(const std::string& path = "") const;  // "http://127.0.0.1:<port>/" + path
    uint16_t port() const { return app_->port(); }
    ManualClock& clock() { return clock_; }
    Registry& registry() { return app_->registry(); }
    const TempDir& dir() const { return dir_; }

    /// POSTs a document as application/rdf+xml.
    client::HttpResponse Upload(const std::string& document,
                                const std::string& content_type = "application/rdf+xml");
    client::HttpResponse Get(const std::string& path, const std::string& accept = "");

  private:
    TempDir dir_;
    ManualClock clock_;
    std::unique_ptr<server::App> app_;
    client::HttpClient client_;
};

}  // namespace mkt::testing
