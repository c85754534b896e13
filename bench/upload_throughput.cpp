// upload_throughput: signed uploads accepted per second over HTTP (SQLite,
// synchronous=full) divided by in-process signature verifications per second of
// the same documents. Goal: >= 0.5.
//
// "Verifying a document's signature" is taken from its bytes, as `xmlsec1
// --verify file` or a site's tool does it: parse (XmlMetadataParser) + signature
// and trust (XmldsigVerifier, strict). That is the headline reference. The
// signature step alone on trees parsed beforehand is printed too, with its own
// ratio, so both readings of the goal are visible.
//
//   upload_throughput [--documents N] [--connections C] [--server PATH] [--pki DIR]
//                     [--server-set key=value]... [--sign-threads T]
//
// 1. Signs N documents for distinct images with the strict-trusted test-PKI
//    endorsers (bench/corpus.hpp), endorsement created = now.
// 2. Reference, in process, one thread, right before and right after the uploads
//    (the ratios use the means): parse + verify of each document (headline), and
//    XmldsigVerifier::Verify alone (strict, TrustStore on the PKI's ca/ and
//    endorser list) over the documents parsed beforehand.
// 3. Measured: marketplace-server as a child (fresh temporary directory, SQLite,
//    synchronous=full, strict trust, access log off, port 0); the N documents
//    uploaded over C keep-alive connections; every answer must be 201. Wall time
//    from first send to last answer. /health must then count N entries, and the
//    server must stop cleanly on SIGTERM. Also printed: upload latencies, the
//    CPU the server and the clients used per upload, and the CPU-bound ceiling
//    (cores / CPU per upload: the rate with every core to this benchmark).
// Exit: 0 when measured (whether or not the goal is met), 1 when the benchmark
// failed, 2 for a usage error.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/corpus.hpp"
#include "bench/driver.hpp"
#include "bench/process.hpp"
#include "bench/report.hpp"
#include "bench/uploader.hpp"
#include "client/http_client.hpp"
#include "registry/clock.hpp"
#include "registry/xmlsec/library.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "registry/xmlsec/trust_store.hpp"
#include "registry/xmlsec/xmldsig_verifier.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::bench {
namespace {

constexpr double kGoal = 0.5;
using SteadyClock = std::chrono::steady_clock;

struct Options {
    DriverOptions driver = DefaultDriverOptions();
    size_t documents = 4000;
    unsigned sign_threads = 2;
};

void PrintUsage(std::FILE* out) {
    std::fprintf(out,
                 "usage: upload_throughput [options]\n"
                 "Signed uploads/s over HTTP (SQLite synchronous=full) / in-process strict\n"
                 "verifications/s of the same documents (goal >= %.1f).\n"
                 "  --documents N          documents to sign, verify and upload (default 4000)\n"
                 "  --sign-threads T       threads signing the corpus (default 2)\n%s",
                 kGoal, CommonUsage().c_str());
}

// Returns nullopt after printing usage; `exit_code` says how to exit.
std::optional<Options> ParseArgs(int argc, char** argv, int& exit_code) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        Result<bool> common = ParseCommonOption(argc, argv, i, options.driver);
        Status error = common.ok() ? Status::Ok() : common.status();
        if (error.ok() && !*common) {
            if (flag == "--help" || flag == "-h") {
                PrintUsage(stdout);
                exit_code = 0;
                return std::nullopt;
            } else if ((flag == "--documents" || flag == "--sign-threads") && i + 1 < argc) {
                Result<size_t> n = ParseCount(flag, argv[++i]);
                if (!n.ok()) {
                    error = n.status();
                } else if (flag == "--documents") {
                    options.documents = *n;
                } else {
                    options.sign_threads = static_cast<unsigned>(*n);
                }
            } else {
                error = Status::InvalidArgument("unknown or incomplete option '" + flag + "'");
            }
        }
        if (!error.ok()) {
            std::fprintf(stderr, "upload_throughput: %s\n", error.message().c_str());
            PrintUsage(stderr);
            exit_code = 2;
            return std::nullopt;
        }
    }
    return options;
}

struct ReferenceRates {
    double parse_verify = 0;  // documents verified from their bytes per second
    double verify = 0;        // signature checks on trees parsed beforehand per second
    void Print(const char* when) const {
        std::printf(
            "reference %s (in-process, 1 thread, strict): parse+verify/s %s; signature "
            "check on pre-parsed trees/s %s\n",
            when, FormatRate(parse_verify).c_str(), FormatRate(verify).c_str());
    }
};

// The in-process reference: one thread, strict verification with the same
// trust configuration as the server.
class Reference {
  public:
    static Result<std::unique_ptr<Reference>> Open(const std::filesystem::path& pki) {
        xmlsec::TrustStoreOptions trust_options;
        trust_options.ca_dir = pki / "ca";
        trust_options.endorsers_file = pki / "endorsers";
        MKT_ASSIGN_OR_RETURN(auto trust, xmlsec::TrustStore::Open(trust_options));
        return std::unique_ptr<Reference>(new Reference(std::move(trust)));
    }

    /// Verifications per second of the corpus, parsed beforehand (not timed).
    Result<double> VerifyPerSecond(const std::vector<CorpusDocument>& corpus, Timestamp now) const {
        std::vector<std::unique_ptr<xmlsec::MetadataDocument>> parsed;
        parsed.reserve(corpus.size());
        for (size_t i = 0; i < corpus.size(); ++i) {
            auto doc = parser_.ParseMetadata(corpus[i].bytes);
            if (!doc.ok()) return doc.status().WithPrefix(Name(corpus, i));
            parsed.push_back(std::move(doc).value());
        }
        const auto t0 = SteadyClock::now();
        for (size_t i = 0; i < parsed.size(); ++i) {
            auto signer = verifier_.VerifyMetadata(*parsed[i], now);
            if (!signer.ok()) return signer.status().WithPrefix(Name(corpus, i));
        }
        return static_cast<double>(parsed.size()) / SecondsSince(t0);
    }

    /// Parse + verify per second of the corpus.
    Result<double> ParseVerifyPerSecond(const std::vector<CorpusDocument>& corpus,
                                        Timestamp now) const {
        const auto t0 = SteadyClock::now();
        for (size_t i = 0; i < corpus.size(); ++i) {
            auto doc = parser_.ParseMetadata(corpus[i].bytes);
            if (!doc.ok()) return doc.status().WithPrefix(Name(corpus, i));
            auto signer = verifier_.VerifyMetadata(**doc, now);
            if (!signer.ok()) return signer.status().WithPrefix(Name(corpus, i));
        }
        return static_cast<double>(corpus.size()) / SecondsSince(t0);
    }

    /// Both reference rates, each the median of three passes (one pass is under
    /// a second: a hiccup of the machine would otherwise swing the ratio).
    Result<ReferenceRates> Measure(const std::vector<CorpusDocument>& corpus) const {
        std::vector<double> parse_verify, verify;
        for (int pass = 0; pass < 3; ++pass) {
            MKT_ASSIGN_OR_RETURN(double pv, ParseVerifyPerSecond(corpus, SystemClock().Now()));
            MKT_ASSIGN_OR_RETURN(double v, VerifyPerSecond(corpus, SystemClock().Now()));
            parse_verify.push_back(pv);
            verify.push_back(v);
        }
        std::sort(parse_verify.begin(), parse_verify.end());
        std::sort(verify.begin(), verify.end());
        return ReferenceRates{parse_verify[1], verify[1]};
    }

  private:
    explicit Reference(std::unique_ptr<xmlsec::TrustStore> trust)
        : trust_(std::move(trust)), verifier_({TrustMode::kStrict, trust_.get()}) {}

    static std::string Name(const std::vector<CorpusDocument>& corpus, size_t i) {
        return "document " + std::to_string(i) + " (" + corpus[i].endorser + "): ";
    }

    std::unique_ptr<xmlsec::TrustStore> trust_;
    xmlsec::XmldsigVerifier verifier_;
    xmlsec::XmlMetadataParser parser_;
};

struct Measured {
    double uploads_per_second = 0;
    UploadReport report;
    std::string server_line;
    double server_cpu_seconds = 0;  // during the uploads
    double driver_cpu_seconds = 0;  // this process (the HTTP clients) during the uploads
    Status stop;                    // how the server stopped (reported after the figures)
};

// The measured figure: uploads of the whole corpus to a fresh server process.
Result<Measured> MeasureUploads(const Options& options, const std::vector<CorpusDocument>& corpus) {
    testing::TempDir dir;
    ServerOptions server_options;
    server_options.binary = options.driver.server;
    server_options.work_dir = dir.path();
    server_options.settings =
        ServerSettings(dir.path(), options.driver.pki, "full", false, options.driver.server_sets);
    MKT_ASSIGN_OR_RETURN(auto server, ServerProcess::Start(server_options));
    Measured measured;
    measured.server_line = server->StartupLine();
    MKT_ASSIGN_OR_RETURN(const double server_cpu0, server->CpuSeconds());
    const double driver_cpu0 = OwnCpuSeconds();
    MKT_ASSIGN_OR_RETURN(measured.report,
                         UploadAll(server->Url("/metadata"), corpus, options.driver.connections));
    measured.driver_cpu_seconds = OwnCpuSeconds() - driver_cpu0;
    MKT_ASSIGN_OR_RETURN(const double server_cpu1, server->CpuSeconds());
    measured.server_cpu_seconds = server_cpu1 - server_cpu0;
    measured.uploads_per_second =
        static_cast<double>(measured.report.created) / measured.report.wall_seconds;
    MKT_RETURN_IF_ERROR(CheckStoredEntries(*server, corpus.size()));
    measured.stop = server->Stop();
    return measured;
}

// Where the cores went during the uploads (tells CPU-bound from waiting).
void PrintCpu(const Measured& m) {
    const double n = static_cast<double>(m.report.created);
    const double available = std::thread::hardware_concurrency() * m.report.wall_seconds;
    std::printf(
        "CPU during the uploads: server %.2f s (%.0f us per upload), HTTP clients %.2f s "
        "(%.0f us per upload), of %.2f core-seconds available (%.0f%% used by both)\n",
        m.server_cpu_seconds, m.server_cpu_seconds / n * 1e6, m.driver_cpu_seconds,
        m.driver_cpu_seconds / n * 1e6, available,
        100 * (m.server_cpu_seconds + m.driver_cpu_seconds) / available);
}

// What the CPU cost alone allows: every core busy with this server and its
// clients and nothing else (independent of other load on the machine).
double CpuBoundCeiling(const Measured& m) {
    const double cpu_per_upload =
        (m.server_cpu_seconds + m.driver_cpu_seconds) / static_cast<double>(m.report.created);
    return std::thread::hardware_concurrency() / cpu_per_upload;
}

Status RunBenchmark(const Options& options) {
    MKT_RETURN_IF_ERROR(CheckInputs(options.driver));
    std::printf("machine: %s\n", MachineSummary().c_str());
    UseTestPki(options.driver.pki);
    const Timestamp created = SystemClock().Now();
    const auto t0 = SteadyClock::now();
    const auto corpus = SignCorpus(options.documents, created, StrictEndorsers(),
                                   std::to_string(created.unix_seconds()), options.sign_threads);
    std::printf(
        "signed %zu documents (endorsers alice, bob, carol, erin, eve; %zu bytes on "
        "average) in %.2f s\n",
        corpus.size(), AverageSize(corpus), SecondsSince(t0));

    // The reference runs right before and right after the uploads and the ratio
    // uses their mean: a change of background load during the run shows, and
    // weighs on both sides alike.
    MKT_ASSIGN_OR_RETURN(auto reference, Reference::Open(options.driver.pki));
    MKT_ASSIGN_OR_RETURN(const ReferenceRates before, reference->Measure(corpus));
    before.Print("before the uploads");
    std::fflush(stdout);

    MKT_ASSIGN_OR_RETURN(const Measured measured, MeasureUploads(options, corpus));
    MKT_ASSIGN_OR_RETURN(const ReferenceRates after, reference->Measure(corpus));
    after.Print("after the uploads");

    const std::string what = "uploads/s (HTTP, " + StoreLabel(options.driver.server_sets) + ", " +
                             std::to_string(options.driver.connections) + " connections)";
    std::printf("server: %s\n", measured.server_line.c_str());
    std::printf("%s: %s (%zu x 201 in %.2f s)\n", what.c_str(),
                FormatRate(measured.uploads_per_second).c_str(), measured.report.created,
                measured.report.wall_seconds);
    std::printf("upload latency: %s\n",
                FormatLatencies(Summarize(measured.report.latencies_ms)).c_str());
    PrintCpu(measured);
    const double from_bytes = (before.parse_verify + after.parse_verify) / 2;
    const double signature_only = (before.verify + after.verify) / 2;
    const double ceiling = CpuBoundCeiling(measured);
    std::printf(
        "CPU-bound ceiling (%u cores / (server + client CPU per upload)): %s uploads/s, "
        "ratio %.2f\n",
        std::thread::hardware_concurrency(), FormatRate(ceiling).c_str(), ceiling / from_bytes);
    std::printf("%s / signature checks on pre-parsed trees/s (in-process, 1 thread, %s) = %.2f\n",
                what.c_str(), FormatRate(signature_only).c_str(),
                measured.uploads_per_second / signature_only);
    const double ratio = measured.uploads_per_second / from_bytes;
    std::printf(
        "%s / verifications/s of the documents (in-process, 1 thread, parse + signature + trust, "
        "%s) = %.2f (goal >= %.1f: %s)\n",
        what.c_str(), FormatRate(from_bytes).c_str(), ratio, kGoal,
        ratio >= kGoal ? "met" : "MISSED");
    std::printf("machine after the run: %s\n", MachineSummary().c_str());
    return measured.stop;
}

}  // namespace
}  // namespace mkt::bench

int main(int argc, char** argv) {
    int exit_code = 0;
    auto options = mkt::bench::ParseArgs(argc, argv, exit_code);
    if (!options) return exit_code;
    return mkt::bench::RunDriver("upload_throughput",
                                 [&] { return mkt::bench::RunBenchmark(*options); });
}
