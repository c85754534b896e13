// sparql_bench: the SPARQL endpoint at scale, side by side with Oxigraph.
// For N generated entries (default 100,000, about 3 million triples) it prints
//   - time from starting marketplace-server until /query answers (the graph is
//     built in the background from the store) / Oxigraph's load time of an
//     N-Triples dump of the same graph (goal <= 1);
//   - each seed query's median time through the endpoint (HTTP, SPARQL JSON
//     results, keep-alive connection) / Oxigraph's median in-process time with
//     the same results format (goal <= 1); both must return the same row count;
//   - the server's peak RSS (VmHWM) after the queries (acceptance: < 2 GB).
//
//   sparql_bench [--count N] [--source-db FILE] [--data-dir DIR] [--samples S]
//                [--node PATH] [--server PATH] [--pki DIR] [--server-set key=value]...
//
// The database: DIR/entries-N.db, copied from FILE (default
// /var/tmp/mkt-bench/entries-N.db) when absent, else generated with
// bench::GenerateDatabase (minutes of CPU); either way it must hold N entries.
// The dump DIR/entries-N.nt comes from GET /query/export.nt (after the RSS
// reading) and is reused when present (delete it with the database). Oxigraph (npm, pinned
// by tests/sparql/cross-check/package-lock.json) is installed into
// <build>/bench/node with `npm ci` when missing. The server runs as a child with
// strict trust on the test PKI, SQLite on the database, sparql.max_rows=1000000.
// Exit: 0 when measured, 1 when the benchmark failed, 2 for a usage error.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "bench/driver.hpp"
#include "bench/entry_generator.hpp"
#include "bench/process.hpp"
#include "bench/report.hpp"
#include "bench/scale.hpp"
#include "client/http_client.hpp"
#include "mappers/url.hpp"
#include "registry/redland/world.hpp"
#include "registry/xmlsec/library.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kSeedQueries[] = {
    "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX slterms: "
    "<http://mp.stratuslab.eu/slterms#> SELECT DISTINCT ?os ?identifier WHERE { ?x "
    "dcterms:identifier ?identifier . ?x slterms:os ?os }",
    "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX slreq: <http://mp.stratuslab.eu/slreq#> "
    "SELECT ?identifier ?email ?created WHERE { ?x dcterms:identifier ?identifier ; "
    "slreq:endorsement ?e . ?e dcterms:created ?created ; slreq:endorser ?r . ?r slreq:email "
    "?email }",
};
constexpr const char* kResultsJson = "application/sparql-results+json";
constexpr int kReadyTimeoutSeconds = 900;

struct Options {
    DriverOptions driver = DefaultDriverOptions();
    size_t count = 100000;
    fs::path source_db;
    fs::path data_dir = fs::path(MKT_BENCH_DATA_DIR) / "sparql";
    size_t samples = 5;
    std::string node = "node";
};

const char* kUsage =
    "usage: sparql_bench [--count N] [--source-db FILE] [--data-dir DIR] [--samples S] "
    "[--node PATH]\n"
    "  --count N         generated entries (default 100000)\n"
    "  --source-db FILE  database to copy (default /var/tmp/mkt-bench/entries-N.db)\n"
    "  --data-dir DIR    where the database copy and the N-Triples dump live\n"
    "                    (default <build>/bench-data/sparql)\n"
    "  --samples S       timed runs of each seed query, after one warm-up (default 5)\n"
    "  --node PATH       Node.js binary (default: node in PATH)\n";

Result<Options> ParseArgs(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        MKT_ASSIGN_OR_RETURN(bool common, ParseCommonOption(argc, argv, i, o.driver));
        if (common) continue;
        if (i + 1 >= argc) return Status::InvalidArgument("unknown or incomplete option " + flag);
        const std::string value = argv[++i];
        if (flag == "--count") {
            MKT_ASSIGN_OR_RETURN(o.count, ParseCount(flag, value));
        } else if (flag == "--samples") {
            MKT_ASSIGN_OR_RETURN(o.samples, ParseCount(flag, value));
        } else if (flag == "--source-db") {
            o.source_db = value;
        } else if (flag == "--data-dir") {
            o.data_dir = value;
        } else if (flag == "--node") {
            o.node = value;
        } else {
            return Status::InvalidArgument("unknown option " + flag);
        }
    }
    if (o.source_db.empty()) {
        o.source_db = "/var/tmp/mkt-bench/entries-" + std::to_string(o.count) + ".db";
    }
    return o;
}

/// DIR/entries-N.db holding N entries: copied from the source database when
/// absent, generated when there is none. Errors: copy failures, the generator's.
Result<fs::path> PrepareDatabase(const Options& o, const redland::World& world) {
    fs::create_directories(o.data_dir);
    const fs::path db = o.data_dir / ("entries-" + std::to_string(o.count) + ".db");
    if (!fs::exists(db) && fs::exists(o.source_db)) {
        std::error_code ec;
        fs::copy_file(o.source_db, db, ec);
        if (ec) {
            return Status::Internal("cannot copy " + o.source_db.string() + " to " + db.string() +
                                    ": " + ec.message());
        }
        std::printf("sparql_bench: copied %s\n", o.source_db.c_str());
    }
    GeneratorOptions gen;
    gen.count = o.count;
    gen.pki = o.driver.pki;
    MKT_ASSIGN_OR_RETURN(GeneratedDatabase generated, GenerateDatabase(db, gen, world));
    if (!generated.reused) {
        std::printf("sparql_bench: generated %zu entries in %.0f s\n", generated.entries,
                    generated.seconds);
    }
    return db;
}

struct Timing {
    double median_seconds = 0;
    size_t rows = 0;
};

/// One warm-up (which gives the row count) then `samples` timed GETs.
Result<Timing> TimeQuery(client::HttpClient& http, const ServerProcess& server,
                         const std::string& query, size_t samples) {
    const std::string url = server.Url("/query?query=" + mappers::PercentEncode(query, false));
    Timing timing;
    std::vector<double> seconds;
    for (size_t i = 0; i <= samples; ++i) {
        const auto start = Clock::now();
        MKT_ASSIGN_OR_RETURN(client::HttpResponse r, http.Get(url, kResultsJson));
        const double s = SecondsSince(start);
        if (r.status != 200) {
            return Status::Internal("the query answered " + std::to_string(r.status) + ": " +
                                    r.body.substr(0, 300));
        }
        if (i == 0) {
            auto doc = nlohmann::json::parse(r.body, nullptr, false);
            if (doc.is_discarded()) return Status::Internal("the query answered invalid JSON");
            timing.rows = doc["results"]["bindings"].size();
        } else {
            seconds.push_back(s);
        }
    }
    timing.median_seconds = Median(seconds);
    return timing;
}

/// The server's pid: this process's child whose command name starts with
/// "marketplace-ser" (ServerProcess does not expose it). 0 when not found.
pid_t ServerPid() {
    const std::string parent = std::to_string(getpid());
    for (const auto& dir : fs::directory_iterator("/proc")) {
        std::ifstream stat(dir.path() / "stat");
        std::string line;
        if (!std::getline(stat, line)) continue;
        const size_t open = line.find('('), close = line.rfind(')');
        if (open == std::string::npos || close == std::string::npos) continue;
        std::istringstream rest(line.substr(close + 2));
        std::string state, ppid;
        rest >> state >> ppid;
        if (ppid == parent && line.compare(open + 1, 15, "marketplace-ser") == 0) {
            return static_cast<pid_t>(std::stol(line.substr(0, open)));
        }
    }
    return 0;
}

/// VmHWM of `pid` in MiB. Errors: kUnavailable when /proc does not say.
Result<double> PeakRssMiB(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    while (status >> key) {
        if (key == "VmHWM:") {
            double kb = 0;
            status >> kb;
            return kb / 1024;
        }
        status.ignore(1 << 16, '\n');
    }
    return Status::Unavailable("no VmHWM for the server (pid " + std::to_string(pid) + ")");
}

/// DIR/entries-N.nt from GET /query/export.nt unless it exists (the generated
/// data is deterministic in N). Errors: the request's, a write failure.
Result<fs::path> DumpGraph(const Options& o, client::HttpClient& http,
                           const ServerProcess& server) {
    const fs::path dump = o.data_dir / ("entries-" + std::to_string(o.count) + ".nt");
    if (fs::exists(dump)) return dump;
    MKT_ASSIGN_OR_RETURN(client::HttpResponse r, http.Get(server.Url("/query/export.nt")));
    if (r.status != 200) {
        return Status::Internal("GET /query/export.nt answered " + std::to_string(r.status));
    }
    const fs::path partial = dump.string() + ".partial";
    {
        std::ofstream out(partial, std::ios::binary);
        out.write(r.body.data(), static_cast<std::streamsize>(r.body.size()));
        if (!out) return Status::Internal("cannot write " + partial.string());
    }
    fs::rename(partial, dump);
    return dump;
}

/// <build>/bench/node/node_modules with oxigraph, installed by `npm ci` when missing.
Result<fs::path> OxigraphModules(const fs::path& work) {
    const fs::path node_dir = MKT_BENCH_NODE_DIR;
    const fs::path modules = node_dir / "node_modules";
    if (fs::exists(modules / "oxigraph" / "package.json")) return modules;
    fs::create_directories(node_dir);
    for (const char* file : {"package.json", "package-lock.json"}) {
        fs::copy_file(fs::path(MKT_BENCH_NPM_PACKAGE_DIR) / file, node_dir / file,
                      fs::copy_options::overwrite_existing);
    }
    MKT_ASSIGN_OR_RETURN(CommandOutput npm,
                         RunCommand({"npm", "ci", "--prefix", node_dir.string(), "--no-audit",
                                     "--no-fund", "--loglevel=error"},
                                    work, "npm"));
    if (npm.exit_code != 0) return Status::Internal("npm ci failed:\n" + npm.err);
    return modules;
}

struct OxigraphRun {
    double load_seconds = 0;
    uint64_t triples = 0;
    std::vector<Timing> queries;
};

Result<OxigraphRun> RunOxigraph(const Options& o, const fs::path& work, const fs::path& dump) {
    MKT_ASSIGN_OR_RETURN(fs::path modules, OxigraphModules(work));
    std::vector<std::string> argv = {o.node, MKT_BENCH_OXIGRAPH_SCRIPT, modules.string(),
                                     dump.string(), std::to_string(o.samples)};
    for (size_t i = 0; i < std::size(kSeedQueries); ++i) {
        const fs::path file = work / ("seed-" + std::to_string(i + 1) + ".rq");
        std::ofstream(file) << kSeedQueries[i];
        argv.push_back(file.string());
    }
    MKT_ASSIGN_OR_RETURN(CommandOutput out, RunCommand(argv, work, "oxigraph"));
    auto doc = nlohmann::json::parse(out.out, nullptr, false);
    if (out.exit_code != 0 || doc.is_discarded()) {
        return Status::Internal("oxigraph-reference.mjs failed:\n" + out.err.substr(0, 2000));
    }
    OxigraphRun run{doc["load_seconds"].get<double>(), doc["triples"].get<uint64_t>(), {}};
    for (const auto& q : doc["queries"]) {
        run.queries.push_back({q["median_seconds"].get<double>(), q["rows"].get<size_t>()});
    }
    return run;
}

const char* Verdict(double ratio) { return ratio <= 1 ? "met" : "NOT met"; }

Status Run(const Options& o, const redland::World& world) {
    MKT_RETURN_IF_ERROR(CheckInputs(o.driver));
    testing::TempDir work;
    MKT_ASSIGN_OR_RETURN(fs::path db, PrepareDatabase(o, world));
    std::printf("sparql_bench: before: %s\n", MachineSummary().c_str());

    std::vector<std::string> extra = {"store.sqlite.path=" + db.string(),
                                      "sparql.max_rows=1000000"};
    extra.insert(extra.end(), o.driver.server_sets.begin(), o.driver.server_sets.end());
    client::HttpClient http;
    const auto start = Clock::now();
    MKT_ASSIGN_OR_RETURN(
        auto server,
        ServerProcess::Start({o.driver.server, work.path(),
                              ServerSettings(work.path(), o.driver.pki, "normal", false, extra)}));
    MKT_RETURN_IF_ERROR(WaitUntilQueryReady(http, *server, kReadyTimeoutSeconds));
    const double ready_seconds = SecondsSince(start);
    MKT_RETURN_IF_ERROR(CheckStoredEntries(*server, o.count));

    std::vector<Timing> ours;
    for (const char* query : kSeedQueries) {
        MKT_ASSIGN_OR_RETURN(Timing t, TimeQuery(http, *server, query, o.samples));
        ours.push_back(t);
    }
    const pid_t pid = ServerPid();
    if (pid == 0) return Status::Internal("cannot find the server's process");
    MKT_ASSIGN_OR_RETURN(double peak_mib, PeakRssMiB(pid));
    MKT_ASSIGN_OR_RETURN(fs::path dump, DumpGraph(o, http, *server));
    MKT_RETURN_IF_ERROR(server->Stop());

    MKT_ASSIGN_OR_RETURN(OxigraphRun oxigraph, RunOxigraph(o, work.path(), dump));
    std::printf("sparql_bench: %zu entries, %llu triples (Oxigraph's count of the dump)\n", o.count,
                static_cast<unsigned long long>(oxigraph.triples));
    const double load_ratio = ready_seconds / oxigraph.load_seconds;
    std::printf(
        "sparql_bench readiness: /query ready %.1f s after start / Oxigraph load %.1f s = %.2f "
        "(goal <= 1: %s)\n",
        ready_seconds, oxigraph.load_seconds, load_ratio, Verdict(load_ratio));
    Status mismatch = Status::Ok();
    for (size_t i = 0; i < ours.size(); ++i) {
        const double ratio = ours[i].median_seconds / oxigraph.queries[i].median_seconds;
        std::printf(
            "sparql_bench seed query %zu: %zu rows; median %.3f s through HTTP / Oxigraph %.3f s "
            "in process (%zu rows) = %.2f (goal <= 1: %s)\n",
            i + 1, ours[i].rows, ours[i].median_seconds, oxigraph.queries[i].median_seconds,
            oxigraph.queries[i].rows, ratio, Verdict(ratio));
        if (ours[i].rows != oxigraph.queries[i].rows) {
            mismatch = Status::Internal("seed query " + std::to_string(i + 1) + ": " +
                                        std::to_string(ours[i].rows) + " rows, Oxigraph " +
                                        std::to_string(oxigraph.queries[i].rows));
        }
    }
    std::printf(
        "sparql_bench peak RSS (VmHWM) of the server after the queries: %.0f MiB "
        "(acceptance: < 2048 MiB: %s)\n",
        peak_mib, peak_mib < 2048 ? "met" : "NOT met");
    std::printf("sparql_bench: after: %s\n", MachineSummary().c_str());
    return mismatch;
}

}  // namespace
}  // namespace mkt::bench

int main(int argc, char** argv) {
    auto options = mkt::bench::ParseArgs(argc, argv);
    if (!options.ok()) {
        std::fprintf(stderr, "sparql_bench: %s\n%s%s", options.status().message().c_str(),
                     mkt::bench::kUsage, mkt::bench::CommonUsage().c_str());
        return 2;
    }
    // The generator needs the rdf world created before xmlsec (entry_generator.hpp).
    auto world = mkt::redland::World::Create();
    if (!world.ok()) {
        std::fprintf(stderr, "sparql_bench: %s\n", world.status().message().c_str());
        return 1;
    }
    return mkt::bench::RunDriver("sparql_bench",
                                 [&] { return mkt::bench::Run(*options, **world); });
}
