// pipeline_bench: in-process cost of each step of the upload pipeline (and of
// the store operations behind uploads and reads), with Google Benchmark. This is
// where to look to see where an upload's time goes.
//
//   pipeline_bench [--pki=DIR] [Google Benchmark flags, e.g. --benchmark_filter=Verify]
//
// Input: one realistic signed document (tests/support/documents.hpp: four
// checksums, OS fields, location, validity; about 4.8 KB signed) per test-PKI
// endorser: alice (RSA 2048, rsa-sha256), carol (RSA under an intermediate CA in
// KeyInfo), erin (ECDSA P-256). Benchmarks, in pipeline order:
//   IdentifierFromSha1Hex        identifier encode of a SHA-1
//   ParseMetadata                XmlMetadataParser::Parse (safe libxml2 parse + constraints +
//   fields) UnsignedXml                  ParsedDocument::UnsignedXml (the RDF check's input)
//   RdfCheck                     RaptorRdfChecker::Check of that input
//   VerifyCompat/<endorser>      XmldsigVerifier::Verify, compat mode (signature + DN binding)
//   VerifyStrict/<endorser>      strict mode, TrustStore verdict cache on (as the server runs)
//   VerifyStrictUncached/<e>     strict mode, verdict cache off: chain + CRLs every time
//   SignDocument/<endorser>      the CLI's signing (not on the server's path)
//   RegistrySubmitDistinct       Registry::Submit into a MemoryEntryStore (ManualClock),
//                                a different pre-signed document every iteration (new entry)
//   RegistrySubmitReupload       Registry::Submit of the same stored document (created=false)
//   EntryCodecEncode/Decode      the stored typed-fields codec (read path: Decode per Get)
//   SqlitePut/<synchronous>      SqliteEntryStore::Put of a new entry, one writer thread
//   SqlitePutConcurrent/threads:16  16 threads putting at once (group commit), real time
//   SqliteGet                    SqliteEntryStore::Get by key over 1000 stored entries (rotating)
//   CachedGet                    the same through CachingEntryStore (the server's read path), warm
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/corpus.hpp"
#include "registry/clock.hpp"
#include "registry/identifier.hpp"
#include "registry/redland/rdfxml_checker.hpp"
#include "registry/redland/world.hpp"
#include "registry/registry.hpp"
#include "registry/store/caching_store.hpp"
#include "registry/store/entry_codec.hpp"
#include "registry/store/memory_store.hpp"
#include "registry/store/sqlite_store.hpp"
#include "registry/xmlsec/library.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "registry/xmlsec/trust_store.hpp"
#include "registry/xmlsec/xmldsig_signer.hpp"
#include "registry/xmlsec/xmldsig_verifier.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::bench {
namespace {

constexpr size_t kPoolSize = 1000;  // distinct documents / entries
constexpr size_t kSqlitePutIterations = 400;
constexpr int kConcurrentPutThreads = 16;
const std::vector<std::string> kEndorsers = {"alice", "carol", "erin"};

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "pipeline_bench: %s\n", what.c_str());
    std::exit(1);
}

template <typename T>
T Check(Result<T> result, const std::string& what) {
    if (!result.ok()) Die(what + ": " + result.status().ToString());
    return std::move(result).value();
}

// Everything the benchmarks read, built once in main (cheap parts) or on first
// use (the pools), and destroyed before the libraries shut down.
class Inputs {
  public:
    Inputs(std::filesystem::path pki, const redland::World& world)
        : pki_(std::move(pki)), created_(SystemClock().Now()), clock_(created_ + 10), rdf_(world) {
        UseTestPki(pki_);
        trust_ = OpenTrust(60);
        trust_uncached_ = OpenTrust(0);
        for (const auto& e : kEndorsers) {
            signed_[e] = testing::SignedDocument(e, testing::DocumentSpec{}, created_);
        }
    }

    const std::filesystem::path& pki() const { return pki_; }
    Timestamp created() const { return created_; }
    Timestamp now() const { return clock_.Now(); }
    const ManualClock& clock() const { return clock_; }
    const std::string& Signed(const std::string& e) const { return signed_.at(e); }
    std::string Unsigned() const { return testing::UnsignedDocument({}, created_); }
    const xmlsec::XmlMetadataParser& parser() const { return parser_; }
    const redland::RaptorRdfChecker& rdf() const { return rdf_; }
    const xmlsec::TrustStore& trust(bool cached) const {
        return cached ? *trust_ : *trust_uncached_;
    }

    /// kPoolSize distinct signed documents (signed on first use).
    const std::vector<CorpusDocument>& Pool() {
        std::call_once(pool_once_, [this] {
            pool_ = SignCorpus(kPoolSize, created_, StrictEndorsers(), "pipeline", 2);
        });
        return pool_;
    }

    /// The Pool's documents as accepted entries (through Registry::Submit).
    const std::vector<Entry>& Entries() {
        std::call_once(entries_once_, [this] {
            store::MemoryEntryStore memory;
            const xmlsec::XmldsigVerifier verifier({TrustMode::kStrict, trust_.get()});
            Registry registry({}, parser_, rdf_, verifier, memory, clock_);
            for (const auto& doc : Pool()) {
                entries_.push_back(
                    Check(registry.Submit(doc.bytes), "submit " + doc.endorser).entry);
            }
        });
        return entries_;
    }

    /// A SQLite store holding Entries() (built on first use).
    const store::SqliteEntryStore& ReadStore() {
        std::call_once(read_store_once_, [this] {
            store::SqliteOptions options;
            options.synchronous = store::SqliteOptions::Synchronous::kOff;
            read_store_ = Check(store::SqliteEntryStore::Open(read_dir_ / "read.db", options),
                                "open SQLite store");
            for (Entry e : Entries()) Check(read_store_->Put(e), "put");
        });
        return *read_store_;
    }

  private:
    std::unique_ptr<xmlsec::TrustStore> OpenTrust(int64_t verdict_cache_seconds) const {
        xmlsec::TrustStoreOptions options;
        options.ca_dir = pki_ / "ca";
        options.endorsers_file = pki_ / "endorsers";
        options.verdict_cache_seconds = verdict_cache_seconds;
        return Check(xmlsec::TrustStore::Open(options), "open trust store " + pki_.string());
    }

    std::filesystem::path pki_;
    Timestamp created_;
    ManualClock clock_;
    xmlsec::XmlMetadataParser parser_;
    redland::RaptorRdfChecker rdf_;
    std::unique_ptr<xmlsec::TrustStore> trust_, trust_uncached_;
    std::map<std::string, std::string> signed_;
    std::once_flag pool_once_, entries_once_, read_store_once_;
    std::vector<CorpusDocument> pool_;
    std::vector<Entry> entries_;
    testing::TempDir read_dir_;
    std::unique_ptr<store::SqliteEntryStore> read_store_;
};

Inputs* g_inputs = nullptr;

std::unique_ptr<xmlsec::MetadataDocument> ParseOrDie(std::string_view bytes) {
    return Check(g_inputs->parser().ParseMetadata(bytes), "parse");
}

// ---- pipeline steps ----------------------------------------------------------

void IdentifierFromSha1Hex(benchmark::State& state) {
    const std::string hex = "8d2c8f4e47e65d8a41a41af4e4e1ad1a2dcbc3d5";
    for (auto _ : state) benchmark::DoNotOptimize(identifier::FromSha1Hex(hex));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(IdentifierFromSha1Hex);

void ParseMetadata(benchmark::State& state) {
    const std::string& doc = g_inputs->Signed("alice");
    for (auto _ : state) {
        auto parsed = g_inputs->parser().Parse(doc);
        if (!parsed.ok()) state.SkipWithError(parsed.status().ToString().c_str());
        benchmark::DoNotOptimize(parsed);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(doc.size()));
}
BENCHMARK(ParseMetadata);

void UnsignedXml(benchmark::State& state) {
    const auto parsed = ParseOrDie(g_inputs->Signed("alice"));
    for (auto _ : state) benchmark::DoNotOptimize(parsed->UnsignedXml());
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(UnsignedXml);

void RdfCheck(benchmark::State& state) {
    const std::string input = ParseOrDie(g_inputs->Signed("alice"))->UnsignedXml();
    for (auto _ : state) {
        Status s = g_inputs->rdf().Check(input);
        if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(RdfCheck);

void Verify(benchmark::State& state, const std::string& endorser, TrustMode mode, bool cached) {
    const auto parsed = ParseOrDie(g_inputs->Signed(endorser));
    const xmlsec::XmldsigVerifier verifier({mode, &g_inputs->trust(cached)});
    const Timestamp now = g_inputs->now();
    for (auto _ : state) {
        auto signer = verifier.VerifyMetadata(*parsed, now);
        if (!signer.ok()) state.SkipWithError(signer.status().ToString().c_str());
    }
    state.SetItemsProcessed(state.iterations());
}

void Sign(benchmark::State& state, const std::string& endorser) {
    std::vector<std::filesystem::path> chain;
    if (endorser == "carol") chain.push_back(g_inputs->pki() / "intermediate.pem");
    const auto key =
        Check(xmlsec::SigningKey::FromPem(g_inputs->pki() / (endorser + ".key"),
                                          g_inputs->pki() / (endorser + ".pem"), chain),
              "load key of " + endorser);
    xmlsec::SignOptions options;
    options.profile = xmlsec::DefaultProfileFor(key);
    options.created = g_inputs->created();
    const std::string unsigned_doc = g_inputs->Unsigned();
    for (auto _ : state) {
        auto signed_doc = xmlsec::SignDocument(unsigned_doc, key, options);
        if (!signed_doc.ok()) state.SkipWithError(signed_doc.status().ToString().c_str());
    }
    state.SetItemsProcessed(state.iterations());
}

void RegisterPerEndorser() {
    for (const auto& e : kEndorsers) {
        benchmark::RegisterBenchmark(("VerifyCompat/" + e).c_str(), Verify, e, TrustMode::kCompat,
                                     true);
        benchmark::RegisterBenchmark(("VerifyStrict/" + e).c_str(), Verify, e, TrustMode::kStrict,
                                     true);
        benchmark::RegisterBenchmark(("VerifyStrictUncached/" + e).c_str(), Verify, e,
                                     TrustMode::kStrict, false);
    }
    for (const auto& e : kEndorsers)
        benchmark::RegisterBenchmark(("SignDocument/" + e).c_str(), Sign, e);
}

// ---- the whole Submit --------------------------------------------------------

void RegistrySubmitDistinct(benchmark::State& state) {
    const auto& pool = g_inputs->Pool();
    store::MemoryEntryStore memory;
    const xmlsec::XmldsigVerifier verifier({TrustMode::kStrict, &g_inputs->trust(true)});
    Registry registry({}, g_inputs->parser(), g_inputs->rdf(), verifier, memory, g_inputs->clock());
    size_t i = 0;
    for (auto _ : state) {
        auto result = registry.Submit(pool[i++ % pool.size()].bytes);
        if (!result.ok() || !result->created) {
            state.SkipWithError(result.ok() ? "document was not new"
                                            : result.status().ToString().c_str());
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(RegistrySubmitDistinct)->Iterations(kPoolSize);

void RegistrySubmitReupload(benchmark::State& state) {
    store::MemoryEntryStore memory;
    const xmlsec::XmldsigVerifier verifier({TrustMode::kStrict, &g_inputs->trust(true)});
    Registry registry({}, g_inputs->parser(), g_inputs->rdf(), verifier, memory, g_inputs->clock());
    const std::string& doc = g_inputs->Signed("alice");
    Check(registry.Submit(doc), "first upload");
    for (auto _ : state) {
        auto result = registry.Submit(doc);
        if (!result.ok() || result->created) {
            state.SkipWithError(result.ok() ? "re-upload created an entry"
                                            : result.status().ToString().c_str());
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(RegistrySubmitReupload);

// ---- store -------------------------------------------------------------------

void EntryCodecEncode(benchmark::State& state) {
    const Entry& e = g_inputs->Entries().front();
    for (auto _ : state) benchmark::DoNotOptimize(store::EncodeEntryFields(e.metadata, e.signer));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(EntryCodecEncode);

void EntryCodecDecode(benchmark::State& state) {
    const Entry& e = g_inputs->Entries().front();
    const std::string text = Check(store::EncodeEntryFields(e.metadata, e.signer), "encode");
    EntryMetadata metadata;
    SignerInfo signer;
    for (auto _ : state) {
        Status s = store::DecodeEntryFields(text, metadata, signer);
        if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["codec_bytes"] = static_cast<double>(text.size());
}
BENCHMARK(EntryCodecDecode);

void SqlitePut(benchmark::State& state) {
    using Sync = store::SqliteOptions::Synchronous;
    const auto& entries = g_inputs->Entries();
    testing::TempDir dir;
    store::SqliteOptions options;
    options.synchronous = static_cast<Sync>(state.range(0));
    auto db = Check(store::SqliteEntryStore::Open(dir / "put.db", options), "open SQLite store");
    size_t i = 0;
    for (auto _ : state) {
        Entry e = entries[i++ % entries.size()];
        auto outcome = db->Put(e);
        if (!outcome.ok()) state.SkipWithError(outcome.status().ToString().c_str());
    }
    state.SetItemsProcessed(state.iterations());
    state.SetLabel(state.range(0) == static_cast<int64_t>(Sync::kFull) ? "synchronous=full"
                                                                       : "synchronous=normal");
}
BENCHMARK(SqlitePut)
    ->Arg(static_cast<int64_t>(store::SqliteOptions::Synchronous::kFull))
    ->Arg(static_cast<int64_t>(store::SqliteOptions::Synchronous::kNormal))
    ->Iterations(kSqlitePutIterations)
    ->Unit(benchmark::kMicrosecond);

// 16 threads put distinct entries into one store at once: what group commit makes of them.
std::unique_ptr<testing::TempDir> g_put_dir;
std::unique_ptr<store::SqliteEntryStore> g_put_store;
std::atomic<size_t> g_put_next{0};

void SqlitePutConcurrent(benchmark::State& state) {
    const auto& entries = g_inputs->Entries();  // every thread: call_once waits for the first
    if (state.thread_index() == 0) {
        g_put_dir = std::make_unique<testing::TempDir>();
        g_put_store =
            Check(store::SqliteEntryStore::Open(*g_put_dir / "put.db", {}), "open SQLite store");
        g_put_next = 0;
    }
    for (auto _ : state) {
        Entry e = entries[g_put_next++ % entries.size()];
        auto outcome = g_put_store->Put(e);
        if (!outcome.ok()) state.SkipWithError(outcome.status().ToString().c_str());
    }
    state.SetItemsProcessed(state.iterations());
    if (state.thread_index() == 0) {
        const auto stats = g_put_store->write_stats();
        state.counters["entries_per_commit"] =
            stats.transactions == 0
                ? 0.0
                : static_cast<double>(stats.inserted) / static_cast<double>(stats.transactions);
    }
}
BENCHMARK(SqlitePutConcurrent)
    ->Threads(kConcurrentPutThreads)
    ->Iterations(kPoolSize / kConcurrentPutThreads)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

void SqliteGet(benchmark::State& state) {
    const auto& store = g_inputs->ReadStore();
    const auto& entries = g_inputs->Entries();
    size_t i = 0;
    for (auto _ : state) {
        auto e = store.Get(entries[i++ % entries.size()].key);
        if (!e.ok()) state.SkipWithError(e.status().ToString().c_str());
        benchmark::DoNotOptimize(e);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(SqliteGet)->Unit(benchmark::kMicrosecond);

void CachedGet(benchmark::State& state) {
    auto& inner = const_cast<store::SqliteEntryStore&>(g_inputs->ReadStore());
    const auto& entries = g_inputs->Entries();
    store::CachingEntryStore cache(inner, size_t{32} << 20);
    for (const auto& e : entries) Check(cache.Get(e.key), "warm the cache");
    size_t i = 0;
    for (auto _ : state) {
        auto e = cache.Get(entries[i++ % entries.size()].key);
        if (!e.ok()) state.SkipWithError(e.status().ToString().c_str());
        benchmark::DoNotOptimize(e);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(CachedGet)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace mkt::bench

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    std::filesystem::path pki = MKT_BENCH_TEST_PKI;
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.starts_with("--pki=")) {
            pki = std::string(arg.substr(6));
        } else {
            argv[kept++] = argv[i];
        }
    }
    argc = kept;
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
    if (!std::filesystem::exists(pki / "ca")) {
        std::fprintf(stderr,
                     "pipeline_bench: no test PKI in %s; build target mkt_test_pki or pass "
                     "--pki=DIR (scripts/make-test-pki DIR)\n",
                     pki.c_str());
        return 1;
    }
    mkt::xmlsec::XmlSecLibrary xmlsec_library;
    if (!xmlsec_library.ok()) {
        std::fprintf(stderr, "pipeline_bench: %s\n", xmlsec_library.status().message().c_str());
        return 1;
    }
    auto world = mkt::redland::World::Create();
    if (!world.ok()) {
        std::fprintf(stderr, "pipeline_bench: %s\n", world.status().message().c_str());
        return 1;
    }
    {
        mkt::bench::Inputs inputs(pki, **world);
        mkt::bench::g_inputs = &inputs;
        mkt::bench::RegisterPerEndorser();
        benchmark::RunSpecifiedBenchmarks();
        benchmark::Shutdown();
        mkt::bench::g_put_store.reset();
        mkt::bench::g_put_dir.reset();
        mkt::bench::g_inputs = nullptr;
    }
    return 0;
}
