// Federation pull rate: entries/s that `marketplace-server --sync-from` pulls
// from a peer over HTTP into an empty SQLite store / entries/s of local
// Registry ingest of the same documents (in process, the same trust and store
// settings, SubmitOrigin::kReplication), same run. Goal >= 0.8.
//
// The peer is a real server on N generated entries (bench/scale.hpp, default
// 10,000). The pull is the real binary, so its figure includes the HTTP pages,
// the JSON and the process start. Afterwards the pulled store must hold exactly
// the peer's (key, signed bytes), in the peer's order: the run fails otherwise.
//
//   federation_pull [--count N] [--db FILE] [common options]
#include <chrono>
#include <cstdio>
#include <regex>

#include "bench/report.hpp"
#include "bench/scale.hpp"
#include "registry/clock.hpp"
#include "registry/redland/rdfxml_checker.hpp"
#include "registry/redland/world.hpp"
#include "registry/registry.hpp"
#include "registry/store/sqlite_store.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "registry/xmlsec/trust_store.hpp"
#include "registry/xmlsec/xmldsig_verifier.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::bench {
namespace {

Result<ScaleOptions> ParseArgs(int argc, char** argv) {
    ScaleOptions o;
    o.count = 10000;
    for (int i = 1; i < argc; ++i) {
        MKT_ASSIGN_OR_RETURN(bool used, ParseScaleOption(argc, argv, i, o));
        if (!used) return Status::InvalidArgument("unknown option " + std::string(argv[i]));
    }
    return o;
}

Result<std::vector<Entry>> WholeFeed(const EntryStore& store) {
    std::vector<Entry> all;
    for (;;) {
        MKT_ASSIGN_OR_RETURN(auto page, store.ChangesSince(all.empty() ? 0 : all.back().seq, 1000));
        if (page.empty()) return all;
        for (Entry& e : page) all.push_back(std::move(e));
    }
}

// Local ingest of `documents` into a fresh SQLite file: entries per second.
Result<double> LocalIngestPerSecond(const std::vector<std::string>& documents,
                                    const std::filesystem::path& pki,
                                    const std::filesystem::path& db) {
    MKT_ASSIGN_OR_RETURN(auto world, redland::World::Create());
    xmlsec::TrustStoreOptions trust_options;
    trust_options.ca_dir = pki / "ca";
    trust_options.endorsers_file = pki / "endorsers";
    MKT_ASSIGN_OR_RETURN(auto trust, xmlsec::TrustStore::Open(trust_options));
    xmlsec::XmldsigVerifier verifier({TrustMode::kStrict, trust.get()});
    xmlsec::XmlMetadataParser parser;
    redland::RaptorRdfChecker rdf(*world);
    MKT_ASSIGN_OR_RETURN(auto store, store::SqliteEntryStore::Open(db));
    SystemClock clock;
    Registry registry({}, parser, rdf, verifier, *store, clock);
    const auto t0 = std::chrono::steady_clock::now();
    for (const std::string& d : documents) {
        MKT_ASSIGN_OR_RETURN(auto result, registry.Submit(d, SubmitOrigin::kReplication));
        if (!result.created) return Status::Internal("local ingest: a document was already there");
    }
    return static_cast<double>(documents.size()) / SecondsSince(t0);
}

Status Run(const ScaleOptions& o) {
    std::printf("federation_pull: %s\n", MachineSummary().c_str());
    testing::TempDir work;
    MKT_ASSIGN_OR_RETURN(auto peer, StartOnGeneratedEntries(o, work.path()));
    MKT_ASSIGN_OR_RETURN(std::filesystem::path source_db, GenerateScaleDatabase(o, work.path()));
    MKT_ASSIGN_OR_RETURN(auto source, store::SqliteEntryStore::Open(source_db));
    MKT_ASSIGN_OR_RETURN(std::vector<Entry> feed, WholeFeed(*source));
    std::vector<std::string> documents;
    for (const Entry& e : feed) documents.push_back(e.document);

    MKT_ASSIGN_OR_RETURN(double local,
                         LocalIngestPerSecond(documents, o.driver.pki, work.path() / "local.db"));

    const auto pulled_db = work.path() / "pulled.db";
    std::vector<std::string> argv = {o.driver.server.string(), "--sync-from", peer->Url("/")};
    for (const std::string& s : ServerSettings(work.path(), o.driver.pki, "full", false,
                                               {"store.sqlite.path=" + pulled_db.string()})) {
        argv.push_back("--set");
        argv.push_back(s);
    }
    const auto t0 = std::chrono::steady_clock::now();
    MKT_ASSIGN_OR_RETURN(CommandOutput out, RunCommand(argv, work.path(), "sync-from"));
    const double pull_seconds = SecondsSince(t0);
    if (out.exit_code != 0) {
        return Status::Internal("--sync-from exited " + std::to_string(out.exit_code) + ": " +
                                out.err.substr(0, 500));
    }
    std::smatch summary;
    if (std::regex_search(out.out, summary, std::regex("sync-from: done: [^\n]*"))) {
        std::printf("%s\n", summary.str().c_str());
    }
    MKT_ASSIGN_OR_RETURN(auto pulled, store::SqliteEntryStore::Open(pulled_db));
    MKT_ASSIGN_OR_RETURN(std::vector<Entry> copy, WholeFeed(*pulled));
    if (copy.size() != feed.size()) {
        return Status::Internal("pulled " + std::to_string(copy.size()) +
                                " entries, the peer has " + std::to_string(feed.size()));
    }
    for (size_t i = 0; i < feed.size(); ++i) {
        if (!(copy[i].key == feed[i].key) || copy[i].document != feed[i].document) {
            return Status::Internal("entry " + std::to_string(i) +
                                    " differs: " + feed[i].key.ToPath());
        }
    }
    std::printf("pulled store: %zu entries, same keys and signed bytes in the same order\n",
                copy.size());
    const double pull = static_cast<double>(feed.size()) / pull_seconds;
    std::printf("local Registry ingest: %zu entries in %.2f s = %s entries/s\n", feed.size(),
                static_cast<double>(feed.size()) / local, FormatRate(local).c_str());
    std::printf("--sync-from over HTTP: %zu entries in %.2f s = %s entries/s\n", feed.size(),
                pull_seconds, FormatRate(pull).c_str());
    std::printf(
        "federation_pull: entries/s pulled over HTTP %s / local ingest %s = %.2f "
        "(goal >= 0.8: %s)\n",
        FormatRate(pull).c_str(), FormatRate(local).c_str(), pull / local,
        pull / local >= 0.8 ? "met" : "NOT met");
    std::printf("federation_pull: %s\n", MachineSummary().c_str());
    return Status::Ok();
}

}  // namespace
}  // namespace mkt::bench

int main(int argc, char** argv) {
    auto options = mkt::bench::ParseArgs(argc, argv);
    if (!options.ok()) {
        std::fprintf(stderr, "federation_pull: %s\n%s%s", options.status().message().c_str(),
                     mkt::bench::ScaleUsage(0).c_str(), mkt::bench::CommonUsage().c_str());
        return 2;
    }
    return mkt::bench::RunDriver("federation_pull", [&] { return mkt::bench::Run(*options); });
}
