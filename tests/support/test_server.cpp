#include "tests/support/test_server.hpp"

#include <cstdio>
#include <cstdlib>

#include "tests/support/paths.hpp"
#include "tests/support/rdf_world.hpp"

namespace mkt::testing {
namespace {

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "TestServer: %s\n", what.c_str());
    std::abort();
}

}  // namespace

TestServer::TestServer(std::vector<std::string> overrides, Timestamp now) : clock_(now) {
    std::vector<std::string> settings = {
        "http.address=127.0.0.1",
        "http.port=0",
        "http.threads=4",
        "http.access_log=off",
        "http.shutdown_grace_seconds=2",
        "store.type=sqlite",
        "store.sqlite.path=" + (dir_.path() / "marketplace.db").string(),
        "trust.mode=strict",
        "trust.ca_dir=" + (TestPki() / "ca").string(),
        "trust.endorsers_file=" + (TestPki() / "endorsers").string(),
    };
    settings.insert(settings.end(), overrides.begin(), overrides.end());
    auto config = conf::Load(std::nullopt, {}, settings);
    if (!config.ok()) Die(config.status().ToString());
    auto app = server::App::Create(*config, clock_, RdfWorld());
    if (!app.ok()) Die(app.status().ToString());
    app_ = std::move(app).value();
    if (Status s = app_->Start(); !s.ok()) Die(s.ToString());
}

TestServer::~TestServer() { app_->Stop(); }

std::string TestServer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(app_->port()) + "/" + path;
}

client::HttpResponse TestServer::Upload(const std::string& document,
                                        const std::string& content_type) {
    auto r = client_.Post(url("metadata"), content_type, document);
    if (!r.ok()) Die(r.status().ToString());
    return std::move(r).value();
}

client::HttpResponse TestServer::Get(const std::string& path, const std::string& accept) {
    auto r = client_.Get(url(path), accept);
    if (!r.ok()) Die(r.status().ToString());
    return std::move(r).value();
}

}  // namespace mkt::testing
