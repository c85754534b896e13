// The SPARQL endpoint's query text: the gate that refuses what a read-only
// endpoint over one default graph does not answer (updates, LOAD, SERVICE,
// FROM, DESCRIBE), rasqal's parser, and evaluation over a small graph of real
// StratusLab entries, under tight limits. Invariants: a refusal names its
// reason; an answer never exceeds the row cap and every row has one cell per
// variable; no error but the documented ones.
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "registry/redland/entry_graph.hpp"
#include "registry/redland/sparql_engine.hpp"
#include "registry/redland/world.hpp"
#include "registry/store/memory_store.hpp"
#include "registry/xmlsec/library.hpp"
#include "registry/xmlsec/metadata_parser.hpp"

namespace {

constexpr size_t kMaxRows = 200;
constexpr const char* kDocuments[] = {
    "production/LHfKVPoHcv4oMirHU0KuOQc-TvI.entry.xml",
    "marketplace-server/valid-indate-signature.xml",
    "marketplace-server/valid-indate-newer-signature.xml",
    "marketplace-server/valid-two-locations.xml",
};

std::string ReadFixture(const std::string& name) {
    std::ifstream in(std::string(MKT_FUZZ_FIXTURES) + "/" + name, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Built once per process and never destroyed (libFuzzer exits without unwinding).
struct Fixture {
    mkt::xmlsec::XmlSecLibrary library;
    std::unique_ptr<mkt::redland::World> world = std::move(mkt::redland::World::Create()).value();
    mkt::store::MemoryEntryStore store;
    std::unique_ptr<mkt::redland::EntryGraph> graph;
    std::unique_ptr<mkt::redland::SparqlEngine> engine;

    Fixture() {
        const mkt::xmlsec::XmlMetadataParser parser;
        for (const char* name : kDocuments) {
            const std::string document = ReadFixture(name);
            auto parsed = parser.Parse(document);
            FUZZ_CHECK(parsed.ok());
            const mkt::EntryMetadata& md = (*parsed)->metadata();
            mkt::Entry entry;
            entry.key = {md.identifier, md.endorsement.email, md.endorsement.created};
            entry.metadata = md;
            entry.document = document;
            (void)store.Put(entry);  // the older of two by one endorser may be refused
        }
        graph = std::make_unique<mkt::redland::EntryGraph>(*world, 1);
        graph->Start(store);
        FUZZ_CHECK(graph->WaitUntilSettled(30000) == mkt::redland::EntryGraph::State::kReady);
        auto created = mkt::redland::SparqlEngine::Create(
            *graph, {.timeout_ms = 50, .max_rows = kMaxRows, .max_concurrent = 1});
        FUZZ_CHECK(created.ok());
        engine = std::move(created).value();
    }
};

const Fixture& TheFixture() {
    static const Fixture* fixture = new Fixture();
    return *fixture;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using mkt::StatusCode;
    auto result = TheFixture().engine->Execute(mkt::fuzz::AsText(data, size));
    if (!result.ok()) {
        const StatusCode code = result.status().code();
        if (code != StatusCode::kInvalidArgument && code != StatusCode::kDeadlineExceeded) {
            std::fprintf(stderr, "unexpected error: %s\n", result.status().ToString().c_str());
        }
        FUZZ_CHECK(code == StatusCode::kInvalidArgument || code == StatusCode::kDeadlineExceeded);
        FUZZ_CHECK(!result.status().message().empty());
        return 0;
    }
    FUZZ_CHECK(result->rows.size() <= kMaxRows);
    FUZZ_CHECK(result->triples.size() <= kMaxRows);
    for (const auto& row : result->rows) FUZZ_CHECK(row.size() == result->variables.size());
    return 0;
}
