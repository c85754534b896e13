// App: the composition root. It builds every concrete part from a Config (store,
// trust store, verifier, parser, RDF checker, Registry, routes, HTTP server) in
// dependency order and owns them; nothing else in the project constructs
// adapters. Library-wide initialisation (libxml2/xmlsec, Raptor, libcurl) is
// done by main() before an App exists.
#pragma once

#include <memory>

#include "conf/config.hpp"
#include "registry/clock.hpp"
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
    Registry& registry();
    /// One line for the start-up message: store, trust mode, base URL.
    std::string Describe() const;

    struct Parts;

  private:
    explicit App(std::unique_ptr<Parts> parts);
    std::unique_ptr<Parts> parts_;
};

}  // namespace mkt::server
