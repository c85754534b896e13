// main() for tests that use libxml2/xmlsec or Raptor: initialises them once,
// as marketplace-server's main does, then runs the tests.
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>

#include "client/http_client.hpp"
#include "registry/redland/world.hpp"
#include "registry/xmlsec/library.hpp"
#include "tests/support/rdf_world.hpp"

namespace mkt::testing {
namespace {
const redland::World* g_rdf_world = nullptr;
}  // namespace

const redland::World& RdfWorld() {
    if (!g_rdf_world) {
        std::fprintf(stderr, "RdfWorld() needs the mkt_library_main test main\n");
        std::abort();
    }
    return *g_rdf_world;
}

}  // namespace mkt::testing

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    std::signal(SIGPIPE, SIG_IGN);
    // Raptor's world calls xmlCleanupParser() when it goes: first in, last out.
    auto rdf_world = mkt::redland::World::Create();
    if (!rdf_world.ok()) {
        std::fprintf(stderr, "%s\n", rdf_world.status().message().c_str());
        return 1;
    }
    mkt::testing::g_rdf_world = rdf_world->get();
    mkt::xmlsec::XmlSecLibrary xmlsec_library;
    if (!xmlsec_library.ok()) {
        std::fprintf(stderr, "%s\n", xmlsec_library.status().message().c_str());
        return 1;
    }
    mkt::client::CurlGlobal curl;
    return RUN_ALL_TESTS();
}
