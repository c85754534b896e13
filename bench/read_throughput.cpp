// read_throughput: GET /metadata/{id}/{email}/{created} requests per second
// divided by those of the trivial handler (GET /_bench/trivial) of the same
// server, with the same wrk settings. Goal: >= 0.8.
//
//   read_throughput [--entries M] [--threads T] [--wrk-connections C] [--duration D]
//                   [--warmup D] [--rounds R] [--accept TYPE] [--wrk PATH]
//                   [--connections C] [--server PATH] [--pki DIR] [--server-set key=value]...
//
// Starts marketplace-server as a child (benchmark routes on, access log off,
// SQLite synchronous=full, strict trust), uploads M signed entries, checks that
// each reads back byte for byte, then runs wrk (-t T -c C -d D --latency) on the
// trivial route and on the entry URLs, rotating over all M through a generated
// Lua script (each wrk thread starts at another entry), so no single row stays
// hot. Each round runs the trivial route then the entries; with several rounds
// the ratio is that of the medians. Any non-2xx answer fails the benchmark.
// Exit: 0 when measured, 1 when the benchmark failed, 2 for a usage error.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "bench/corpus.hpp"
#include "bench/driver.hpp"
#include "bench/process.hpp"
#include "bench/report.hpp"
#include "bench/uploader.hpp"
#include "client/http_client.hpp"
#include "registry/clock.hpp"
#include "registry/xmlsec/library.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::bench {
namespace {

constexpr double kGoal = 0.8;

struct Options {
    DriverOptions driver = DefaultDriverOptions();
    size_t entries = 500;
    size_t wrk_threads = 2;
    size_t wrk_connections = 16;
    std::string duration = "10s";
    std::string warmup = "2s";  // a zero duration skips the warm-up
    size_t rounds = 1;
    std::string accept;  // Accept header of every request (empty: none, i.e. rdf+xml)
    std::string wrk = "wrk";
};

void PrintUsage(std::FILE* out) {
    std::fprintf(
        out,
        "usage: read_throughput [options]\n"
        "GET of one entry req/s / GET /_bench/trivial req/s, same server, same wrk\n"
        "settings (goal >= %.1f).\n"
        "  --entries M            signed entries uploaded and read (default 500)\n"
        "  --threads T            wrk threads (default 2)\n"
        "  --wrk-connections C    wrk connections (default 16)\n"
        "  --duration D           wrk duration per measurement, e.g. 10s (default)\n"
        "  --warmup D             unmeasured wrk run per route first (default 2s; 0: none)\n"
        "  --rounds R             trivial+entries measurements, ratio of medians (default 1)\n"
        "  --accept TYPE          Accept header of every request (default: none)\n"
        "  --wrk PATH             wrk binary (default: wrk in PATH)\n%s",
        kGoal, CommonUsage().c_str());
}

bool IsDuration(const std::string& text) {
    return std::regex_match(text, std::regex("[0-9]+(ms|s|m|h)?"));
}

// Applies one driver-specific option (flag and its value). Errors name both.
Status ApplyOption(Options& options, const std::string& flag, const std::string& value) {
    if (flag == "--entries" || flag == "--threads" || flag == "--wrk-connections" ||
        flag == "--rounds") {
        MKT_ASSIGN_OR_RETURN(size_t n, ParseCount(flag, value));
        (flag == "--entries"   ? options.entries
         : flag == "--threads" ? options.wrk_threads
         : flag == "--rounds"  ? options.rounds
                               : options.wrk_connections) = n;
    } else if (flag == "--duration" || flag == "--warmup") {
        if (!IsDuration(value)) {
            return Status::InvalidArgument(flag + " needs a wrk duration like 10s, not '" + value +
                                           "'");
        }
        (flag == "--duration" ? options.duration : options.warmup) = value;
    } else if (flag == "--accept") {
        options.accept = value;
    } else if (flag == "--wrk") {
        options.wrk = value;
    } else {
        return Status::InvalidArgument("unknown option '" + flag + "'");
    }
    return Status::Ok();
}

std::optional<Options> ParseArgs(int argc, char** argv, int& exit_code) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            PrintUsage(stdout);
            exit_code = 0;
            return std::nullopt;
        }
        Result<bool> common = ParseCommonOption(argc, argv, i, options.driver);
        Status error = common.ok() ? Status::Ok() : common.status();
        if (error.ok() && !*common) {
            error = i + 1 < argc
                        ? ApplyOption(options, flag, argv[++i])
                        : Status::InvalidArgument("unknown or incomplete option '" + flag + "'");
        }
        if (!error.ok()) {
            std::fprintf(stderr, "read_throughput: %s\n", error.message().c_str());
            PrintUsage(stderr);
            exit_code = 2;
            return std::nullopt;
        }
    }
    return options;
}

// ---- wrk -------------------------------------------------------------------

struct WrkResult {
    double server_cpu_us_per_request = 0;  // server CPU / requests (filled by Wrk::Run)
    double wrk_cpu_us_per_request = 0;     // wrk's own CPU / requests
    double requests_per_second = 0;
    uint64_t requests = 0;
    uint64_t non_2xx = 0;
    std::string socket_errors;                               // wrk's line, empty when none
    std::vector<std::pair<std::string, double>> latency_ms;  // "50%" -> ms
};

double ToMilliseconds(double value, const std::string& unit) {
    if (unit == "us") return value / 1000;
    if (unit == "s") return value * 1000;
    if (unit == "m") return value * 60000;
    return value;  // ms
}

// Parses wrk 4's report. Errors: kInternal quoting the output when
// Requests/sec is missing.
Result<WrkResult> ParseWrk(const std::string& output) {
    WrkResult r;
    std::smatch m;
    if (!std::regex_search(output, m, std::regex(R"(Requests/sec:\s*([0-9.]+))"))) {
        return Status::Internal("wrk printed no Requests/sec line:\n" + output);
    }
    r.requests_per_second = std::stod(m[1]);
    if (std::regex_search(output, m, std::regex(R"((\d+) requests in)"))) {
        r.requests = std::stoull(m[1]);
    }
    if (std::regex_search(output, m, std::regex(R"(Non-2xx or 3xx responses:\s*(\d+))"))) {
        r.non_2xx = std::stoull(m[1]);
    }
    if (std::regex_search(output, m, std::regex(R"(Socket errors:[^\n]*)"))) {
        r.socket_errors = m[0];
    }
    const std::regex percentile(R"(\n\s+(50|75|90|99)%\s+([0-9.]+)(us|ms|s|m)\b)");
    for (auto it = std::sregex_iterator(output.begin(), output.end(), percentile);
         it != std::sregex_iterator(); ++it) {
        r.latency_ms.emplace_back((*it)[1].str() + "%",
                                  ToMilliseconds(std::stod((*it)[2]), (*it)[3]));
    }
    return r;
}

std::string FormatWrk(const WrkResult& r) {
    char head[96];
    std::snprintf(head, sizeof head, "%.2f req/s (%llu requests); latency", r.requests_per_second,
                  static_cast<unsigned long long>(r.requests));
    std::string line = head;
    for (const auto& [p, ms] : r.latency_ms) {
        char part[48];
        std::snprintf(part, sizeof part, " p%s %.2f ms", p.substr(0, p.size() - 1).c_str(), ms);
        line += part;
    }
    char cpu[96];
    std::snprintf(cpu, sizeof cpu, "; CPU per request: server %.1f us, wrk %.1f us",
                  r.server_cpu_us_per_request, r.wrk_cpu_us_per_request);
    line += cpu;
    if (!r.socket_errors.empty()) line += "; " + r.socket_errors;
    return line;
}

class Wrk {
  public:
    Wrk(const Options& options, const ServerProcess& server, const std::filesystem::path& dir)
        : options_(options), server_(server), dir_(dir) {}

    /// One wrk run against the server, with the server's CPU time per request.
    /// Errors: wrk missing or failing, unparsable output, any non-2xx answer.
    Result<WrkResult> Run(const std::string& path, const std::string& duration,
                          const std::optional<std::filesystem::path>& script) {
        MKT_ASSIGN_OR_RETURN(const double cpu0, server_.CpuSeconds());
        const double wrk_cpu0 = FinishedChildrenCpuSeconds();
        MKT_ASSIGN_OR_RETURN(WrkResult result, RunWrk(server_.Url(path), duration, script));
        const double wrk_cpu1 = FinishedChildrenCpuSeconds();
        MKT_ASSIGN_OR_RETURN(const double cpu1, server_.CpuSeconds());
        if (result.requests > 0) {
            const auto n = static_cast<double>(result.requests);
            result.server_cpu_us_per_request = (cpu1 - cpu0) * 1e6 / n;
            result.wrk_cpu_us_per_request = (wrk_cpu1 - wrk_cpu0) * 1e6 / n;
        }
        return result;
    }

  private:
    Result<WrkResult> RunWrk(const std::string& url, const std::string& duration,
                             const std::optional<std::filesystem::path>& script) {
        std::vector<std::string> argv = {options_.wrk, "-t" + std::to_string(options_.wrk_threads),
                                         "-c" + std::to_string(options_.wrk_connections),
                                         "-d" + duration, "--latency"};
        if (!options_.accept.empty()) {
            argv.push_back("-H");
            argv.push_back("Accept: " + options_.accept);
        }
        if (script) {
            argv.push_back("-s");
            argv.push_back(script->string());
        }
        argv.push_back(url);
        MKT_ASSIGN_OR_RETURN(CommandOutput out, RunCommand(argv, dir_, "wrk"));
        if (out.exit_code != 0) {
            return Status::Internal(options_.wrk + " exited with status " +
                                    std::to_string(out.exit_code) + ":\n" + out.out + out.err);
        }
        MKT_ASSIGN_OR_RETURN(WrkResult result, ParseWrk(out.out));
        if (result.non_2xx > 0) {
            return Status::Internal(std::to_string(result.non_2xx) + " of " +
                                    std::to_string(result.requests) + " answers from " + url +
                                    " were not 2xx/3xx:\n" + out.out);
        }
        return result;
    }

    const Options& options_;
    const ServerProcess& server_;
    std::filesystem::path dir_;
};

// ---- entries ---------------------------------------------------------------

std::string LuaQuote(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out + "\"";
}

// The wrk script that rotates over `paths`; wrk thread k starts at entry 7919 * k (mod M).
Status WriteRotationScript(const std::filesystem::path& file,
                           const std::vector<std::string>& paths) {
    std::ofstream out(file, std::ios::trunc);
    out << "-- Generated by read_throughput: GET each entry in turn.\n"
           "local paths = {\n";
    for (const auto& p : paths) out << "  " << LuaQuote(p) << ",\n";
    out << "}\n"
           "local threads = 0\n"
           "function setup(thread)\n"
           "  thread:set(\"first\", threads)\n"
           "  threads = threads + 1\n"
           "end\n"
           "local i = 0\n"
           "function init(args)\n"
           "  i = (first or 0) * 7919\n"
           "end\n"
           "function request()\n"
           "  i = i + 1\n"
           "  return wrk.format(\"GET\", paths[(i % #paths) + 1])\n"
           "end\n";
    if (!out) return Status::Internal("cannot write " + file.string());
    return Status::Ok();
}

// Every entry must read back as the bytes uploaded (we measure real reads, not 404s).
Status CheckReadBack(const ServerProcess& server, const std::vector<CorpusDocument>& corpus,
                     const std::vector<std::string>& paths, const std::string& accept) {
    client::HttpClient http;
    for (size_t i = 0; i < paths.size(); ++i) {
        MKT_ASSIGN_OR_RETURN(client::HttpResponse r, http.Get(server.Url(paths[i]), accept));
        if (r.status != 200) {
            return Status::Internal("GET " + paths[i] + " answered HTTP " +
                                    std::to_string(r.status) + ": " + r.body);
        }
        if (accept.empty() && r.body != corpus[i].bytes) {
            return Status::Internal("GET " + paths[i] + " did not return the uploaded document");
        }
    }
    return Status::Ok();
}

struct Figures {
    std::vector<double> trivial, entries, same_size;
};

// Every route is driven through the same kind of wrk Lua script (a request()
// that picks the next path from a table), so wrk does the same work per
// request for the references as for the entries ("same wrk settings").
Result<Figures> Measure(const Options& options, const ServerProcess& server,
                        const std::filesystem::path& entries_script,
                        const std::filesystem::path& dir, size_t body_bytes) {
    Wrk wrk(options, server, dir);
    const std::string trivial_path = "/_bench/trivial";
    const std::string same_size_path = "/_bench/bytes/" + std::to_string(body_bytes);
    const auto trivial_script = dir / "trivial.lua";
    const auto same_size_script = dir / "same-size.lua";
    MKT_RETURN_IF_ERROR(WriteRotationScript(trivial_script, {trivial_path}));
    MKT_RETURN_IF_ERROR(WriteRotationScript(same_size_script, {same_size_path}));
    const std::string base = "/";          // the scripts supply each request's path
    if (std::stoul(options.warmup) > 0) {  // IsDuration: digits first
        MKT_RETURN_IF_ERROR(wrk.Run(base, options.warmup, trivial_script).status());
        MKT_RETURN_IF_ERROR(wrk.Run(base, options.warmup, entries_script).status());
    }
    Figures figures;
    for (size_t round = 1; round <= options.rounds; ++round) {
        MKT_ASSIGN_OR_RETURN(WrkResult trivial, wrk.Run(base, options.duration, trivial_script));
        std::printf("round %zu: GET %s: %s\n", round, trivial_path.c_str(),
                    FormatWrk(trivial).c_str());
        std::fflush(stdout);
        MKT_ASSIGN_OR_RETURN(WrkResult entries, wrk.Run(base, options.duration, entries_script));
        std::printf("round %zu: GET /metadata/{id}/{email}/{created} (%zu entries rotated): %s\n",
                    round, options.entries, FormatWrk(entries).c_str());
        std::fflush(stdout);
        MKT_ASSIGN_OR_RETURN(WrkResult same_size,
                             wrk.Run(base, options.duration, same_size_script));
        std::printf("round %zu: GET %s (no work, a body of the entries' mean size): %s\n", round,
                    same_size_path.c_str(), FormatWrk(same_size).c_str());
        std::fflush(stdout);
        figures.trivial.push_back(trivial.requests_per_second);
        figures.entries.push_back(entries.requests_per_second);
        figures.same_size.push_back(same_size.requests_per_second);
    }
    return figures;
}

Status RunBenchmark(const Options& options) {
    MKT_RETURN_IF_ERROR(CheckInputs(options.driver));
    MKT_RETURN_IF_ERROR(RunCommand({options.wrk, "--version"},
                                   std::filesystem::temp_directory_path(),
                                   "read-throughput-wrk-version")
                            .status()
                            .WithPrefix("wrk is needed (scripts/install-deps --bench): "));
    std::printf("machine: %s\n", MachineSummary().c_str());
    UseTestPki(options.driver.pki);
    const Timestamp created = SystemClock().Now();
    const auto corpus = SignCorpus(options.entries, created, StrictEndorsers(),
                                   "read-" + std::to_string(created.unix_seconds()), 2);

    testing::TempDir dir;
    ServerOptions server_options;
    server_options.binary = options.driver.server;
    server_options.work_dir = dir.path();
    server_options.settings =
        ServerSettings(dir.path(), options.driver.pki, "full", true, options.driver.server_sets);
    MKT_ASSIGN_OR_RETURN(auto server, ServerProcess::Start(server_options));
    std::printf("server: %s\n", server->StartupLine().c_str());
    MKT_ASSIGN_OR_RETURN(UploadReport uploads,
                         UploadAll(server->Url("/metadata"), corpus, options.driver.connections));
    MKT_RETURN_IF_ERROR(CheckStoredEntries(*server, corpus.size()));
    std::vector<std::string> paths;
    for (const auto& location : uploads.locations) paths.push_back(PathOfUrl(location));
    MKT_RETURN_IF_ERROR(CheckReadBack(*server, corpus, paths, options.accept));
    std::printf("uploaded %zu signed entries in %.2f s; each reads back %s\n", corpus.size(),
                uploads.wall_seconds,
                options.accept.empty() ? "byte for byte" : ("as " + options.accept).c_str());
    std::printf("wrk: -t%zu -c%zu -d%s --latency%s (warm-up %s per route)\n", options.wrk_threads,
                options.wrk_connections, options.duration.c_str(),
                options.accept.empty() ? "" : (" -H 'Accept: " + options.accept + "'").c_str(),
                options.warmup.c_str());
    std::fflush(stdout);

    const auto script = dir.path() / "rotate-entries.lua";
    MKT_RETURN_IF_ERROR(WriteRotationScript(script, paths));
    MKT_ASSIGN_OR_RETURN(Figures figures,
                         Measure(options, *server, script, dir.path(), AverageSize(corpus)));
    const Status stopped = server->Stop();

    const double trivial = Median(figures.trivial), entries = Median(figures.entries);
    const char* how = options.rounds > 1 ? " (median)" : "";
    std::printf("GET /_bench/trivial req/s%s: %s\n", how, FormatRate(trivial).c_str());
    std::printf("GET /metadata/{id}/{email}/{created} req/s%s: %s\n", how,
                FormatRate(entries).c_str());
    const double same_size = Median(figures.same_size);
    std::printf(
        "no-work handler with a body of the entries' size / trivial GET = %.2f (what the body "
        "alone costs: the ceiling of the ratio below on this machine)\n",
        same_size / trivial);
    const double ratio = entries / trivial;
    std::printf(
        "entry GET req/s / trivial GET req/s (wrk -t%zu -c%zu -d%s) = %.2f (goal >= %.1f: %s)\n",
        options.wrk_threads, options.wrk_connections, options.duration.c_str(), ratio, kGoal,
        ratio >= kGoal ? "met" : "MISSED");
    std::printf("machine after the run: %s\n", MachineSummary().c_str());
    return stopped;
}

}  // namespace
}  // namespace mkt::bench

int main(int argc, char** argv) {
    int exit_code = 0;
    auto options = mkt::bench::ParseArgs(argc, argv, exit_code);
    if (!options) return exit_code;
    return mkt::bench::RunDriver("read_throughput",
                                 [&] { return mkt::bench::RunBenchmark(*options); });
}
