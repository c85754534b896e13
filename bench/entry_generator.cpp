#include "bench/entry_generator.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/corpus.hpp"
#include "registry/clock.hpp"
#include "registry/redland/rdfxml_checker.hpp"
#include "registry/registry.hpp"
#include "registry/store/sqlite_store.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "registry/xmlsec/trust_store.hpp"
#include "registry/xmlsec/xmldsig_verifier.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"

namespace mkt::bench {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kSpanSeconds = 5 * 365 * kDay;

struct OsFamily {
    const char* name;
    std::vector<const char*> versions;
};

const std::vector<OsFamily>& OsFamilies() {
    static const std::vector<OsFamily> kFamilies = {
        {"ubuntu", {"14.04", "16.04", "18.04", "20.04", "22.04", "24.04"}},
        {"debian", {"9", "10", "11", "12"}},
        {"centos", {"6", "7", "8"}},
        {"rocky", {"8", "9"}},
        {"almalinux", {"8", "9"}},
        {"fedora", {"38", "39", "40"}},
        {"opensuse", {"15.4", "15.5"}},
        {"sl", {"6.5", "7.2"}},
        {"ttylinux", {"9.7"}},
        {"cirros", {"0.5.2", "0.6.2"}},
        {"alpine", {"3.18", "3.19", "3.20"}},
        {"windows", {"2019", "2022"}},
    };
    return kFamilies;
}

const char* const kArchs[] = {"x86_64", "x86_64", "aarch64", "i686", "x86_64"};
const char* const kFlavours[] = {"base", "server", "desktop", "cloud", "hpc", "docker host"};

// Entry i's block of five: entries 5k..5k+3 endorse new images, 5k+4 the image of 5k.
bool IsReEndorsement(size_t i) { return i % 5 == 4; }
size_t ImageIndexOf(size_t i) { return IsReEndorsement(i) ? i - 4 : i; }

std::string EndorserOf(size_t i) {
    const auto& endorsers = StrictEndorsers();
    const size_t first = (ImageIndexOf(i) / 5 * 3 + ImageIndexOf(i)) % endorsers.size();
    // Half of the re-endorsements are by another endorser.
    if (IsReEndorsement(i) && (i / 5) % 2 == 1) return endorsers[(first + 1) % endorsers.size()];
    return endorsers[first];
}

Timestamp CreatedOf(size_t i, size_t count, Timestamp now) {
    const int64_t step = std::max<int64_t>(1, kSpanSeconds / static_cast<int64_t>(count));
    return now - kSpanSeconds + static_cast<int64_t>(i) * step;
}

testing::DocumentSpec SpecOf(size_t i, size_t count, Timestamp now) {
    const size_t image = ImageIndexOf(i);
    const auto& family = OsFamilies()[image % OsFamilies().size()];
    const char* version = family.versions[(image / 7) % family.versions.size()];
    const char* arch = kArchs[(image / 3) % std::size(kArchs)];
    const char* flavour = kFlavours[(image / 11) % std::size(kFlavours)];
    testing::DocumentSpec spec;
    spec.image = "generated image #" + std::to_string(image);
    spec.os = family.name;
    spec.os_version = version;
    spec.os_arch = arch;
    spec.title = std::string(family.name) + " " + version + " " + flavour + " (" + arch + ") #" +
                 std::to_string(image);
    spec.description = "A " + std::string(flavour) + " " + family.name + " " + version + " " +
                       arch + " image with cloud-init and contextualisation, build " +
                       std::to_string(image) + ".";
    spec.tag = std::string(family.name) + "-" + version + "-" + flavour;
    std::replace(spec.tag.begin(), spec.tag.end(), ' ', '-');
    spec.location = "https://images.example.org/" + std::string(family.name) + "/" + version + "/" +
                    std::to_string(image) + ".qcow2.gz";
    const Timestamp created = CreatedOf(i, count, now);
    if (i % 5 == 1)
        spec.valid = created + 90 * kDay;  // expired unless very recent
    else
        spec.valid = now + 365 * kDay + static_cast<int64_t>(i % 365) * kDay;
    if (IsReEndorsement(i) && (i / 5) % 2 == 0) spec.deprecated = "superseded by a newer build";
    return spec;
}

// The Registry and what it needs, as the server wires them (strict trust).
struct Pipeline {
    std::unique_ptr<xmlsec::TrustStore> trust;
    std::unique_ptr<xmlsec::XmldsigVerifier> verifier;
    xmlsec::XmlMetadataParser parser;
    std::unique_ptr<redland::RaptorRdfChecker> rdf;
    std::unique_ptr<store::SqliteEntryStore> store;
    SystemClock clock;
    std::unique_ptr<Registry> registry;
};

Result<std::unique_ptr<Pipeline>> OpenPipeline(const std::filesystem::path& path,
                                               const std::filesystem::path& pki,
                                               const redland::World& world) {
    auto p = std::make_unique<Pipeline>();
    xmlsec::TrustStoreOptions trust_options;
    trust_options.ca_dir = pki / "ca";
    trust_options.endorsers_file = pki / "endorsers";
    MKT_ASSIGN_OR_RETURN(p->trust, xmlsec::TrustStore::Open(trust_options));
    p->verifier = std::make_unique<xmlsec::XmldsigVerifier>(
        xmlsec::VerifierOptions{TrustMode::kStrict, p->trust.get()});
    p->rdf = std::make_unique<redland::RaptorRdfChecker>(world);
    store::SqliteOptions options;
    options.synchronous = store::SqliteOptions::Synchronous::kNormal;  // rebuilt if lost
    options.group_commit_window = std::chrono::microseconds(2000);
    MKT_ASSIGN_OR_RETURN(p->store, store::SqliteEntryStore::Open(path, options));
    p->registry = std::make_unique<Registry>(RegistryOptions{}, p->parser, *p->rdf, *p->verifier,
                                             *p->store, p->clock);
    return p;
}

// Signs and submits entries [begin, end) whose index satisfies `selected`, on
// `threads` threads. Stops at the first refusal and returns it.
Status SubmitRange(Registry& registry, size_t count, Timestamp now, unsigned threads,
                   bool re_endorsements, std::atomic<size_t>& stored,
                   const std::function<void(size_t, size_t)>& progress) {
    std::atomic<size_t> next{0};
    std::mutex error_mutex;
    Status error = Status::Ok();
    std::atomic<bool> failed{false};
    auto work = [&](bool reporter) {
        for (size_t i = next++; i < count && !failed; i = next++) {
            if (IsReEndorsement(i) != re_endorsements) continue;
            const Timestamp created = CreatedOf(i, count, now);
            const std::string document =
                testing::SignedDocument(EndorserOf(i), SpecOf(i, count, now), created);
            auto result = registry.Submit(document, SubmitOrigin::kReplication);
            if (!result.ok()) {
                std::lock_guard lock(error_mutex);
                error = result.status().WithPrefix("generated entry " + std::to_string(i) + ": ");
                failed = true;
                return;
            }
            const size_t done = ++stored;
            if (reporter && progress && done % 1000 == 0) progress(done, count);
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, false);
    work(true);
    for (auto& t : pool) t.join();
    return error;
}

}  // namespace

Result<GeneratedDatabase> GenerateDatabase(const std::filesystem::path& path,
                                           const GeneratorOptions& options,
                                           const redland::World& rdf_world) {
    if (!options.pki.empty()) UseTestPki(options.pki);
    const std::filesystem::path pki = testing::TestPki();
    if (!std::filesystem::exists(pki / "ca")) {
        return Status::InvalidArgument("no test PKI in " + pki.string() +
                                       " (scripts/make-test-pki DIR, then --pki DIR)");
    }
    MKT_ASSIGN_OR_RETURN(auto pipeline, OpenPipeline(path, pki, rdf_world));
    GeneratedDatabase out;
    MKT_ASSIGN_OR_RETURN(auto stats, pipeline->store->Stats());
    if (stats.entries == options.count) {
        out.entries = stats.entries;
        out.reused = true;
        return out;
    }
    if (stats.entries != 0) {
        return Status::InvalidArgument(path.string() + " holds " + std::to_string(stats.entries) +
                                       " entries, not " + std::to_string(options.count) +
                                       ": delete it to generate again");
    }
    const auto start = std::chrono::steady_clock::now();
    const Timestamp now = options.now.unix_seconds() != 0 ? options.now : SystemClock().Now();
    const unsigned threads =
        options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    std::atomic<size_t> stored{0};
    // New images first, then the re-endorsements, which must be newer than the
    // entries they follow.
    for (bool re_endorsements : {false, true}) {
        MKT_RETURN_IF_ERROR(SubmitRange(*pipeline->registry, options.count, now, threads,
                                        re_endorsements, stored, options.progress));
    }
    MKT_ASSIGN_OR_RETURN(stats, pipeline->store->Stats());
    out.entries = stats.entries;
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

}  // namespace mkt::bench
