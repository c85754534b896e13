#include "bench/scale.hpp"

#include <chrono>
#include <cstdio>
#include <thread>

#include "bench/report.hpp"
#include "mappers/url.hpp"

namespace mkt::bench {

std::string ScaleUsage(size_t default_samples) {
    return "  --count N      generated entries (default 100000)\n"
           "  --db FILE      SQLite file (default <build>/bench-data/entries-N.db)\n"
           "  --samples S    latency samples of each request (default " +
           std::to_string(default_samples) + ")\n";
}

Result<bool> ParseScaleOption(int argc, char** argv, int& i, ScaleOptions& options) {
    MKT_ASSIGN_OR_RETURN(bool common, ParseCommonOption(argc, argv, i, options.driver));
    if (common) return true;
    const std::string flag = argv[i];
    if (flag != "--count" && flag != "--db" && flag != "--samples") return false;
    if (i + 1 >= argc) return Status::InvalidArgument(flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--count") {
        MKT_ASSIGN_OR_RETURN(options.count, ParseCount(flag, value));
    } else if (flag == "--samples") {
        MKT_ASSIGN_OR_RETURN(options.samples, ParseCount(flag, value));
    } else {
        options.db = value;
    }
    return true;
}

Result<std::filesystem::path> GenerateScaleDatabase(const ScaleOptions& options,
                                                const std::filesystem::path& work_dir) {
    MKT_RETURN_IF_ERROR(CheckInputs(options.driver));
    const std::string db = options.db.empty() ? std::string(MKT_BENCH_DATA_DIR) + "/entries-" +
                                                    std::to_string(options.count) + ".db"
                                              : options.db;
    std::filesystem::create_directories(std::filesystem::path(db).parent_path());
    MKT_ASSIGN_OR_RETURN(CommandOutput gen, RunCommand({MKT_BENCH_GENERATE_BINARY, "--count",
                                                        std::to_string(options.count), "--output",
                                                        db, "--pki", options.driver.pki.string()},
                                                       work_dir, "generate_entries"));
    if (gen.exit_code != 0) return Status::Internal("generate_entries failed:\n" + gen.err);
    std::printf("%s", gen.out.c_str());
    return std::filesystem::path(db);
}

Result<std::unique_ptr<ServerProcess>> StartOnGeneratedEntries(
    const ScaleOptions& options, const std::filesystem::path& work_dir) {
    MKT_ASSIGN_OR_RETURN(const std::filesystem::path db, GenerateScaleDatabase(options, work_dir));
    std::vector<std::string> extra = {"store.sqlite.path=" + db.string()};
    extra.insert(extra.end(), options.driver.server_sets.begin(), options.driver.server_sets.end());
    MKT_ASSIGN_OR_RETURN(
        auto server, ServerProcess::Start(
                         {options.driver.server, work_dir,
                          ServerSettings(work_dir, options.driver.pki, "normal", false, extra)}));
    MKT_RETURN_IF_ERROR(CheckStoredEntries(*server, options.count));
    client::HttpClient http;
    MKT_RETURN_IF_ERROR(WaitUntilQueryReady(http, *server));
    return server;
}

Status WaitUntilQueryReady(client::HttpClient& http, const ServerProcess& server,
                           int timeout_seconds) {
    const std::string url = server.Url("/query?query=" + mappers::PercentEncode("ASK {}", false));
    const auto start = std::chrono::steady_clock::now();
    while (SecondsSince(start) < timeout_seconds) {
        MKT_ASSIGN_OR_RETURN(client::HttpResponse r,
                             http.Get(url, "application/sparql-results+json"));
        if (r.status == 200) return Status::Ok();
        if (r.status != 503) {
            return Status::Internal("GET /query answered " + std::to_string(r.status) + ": " +
                                    r.body.substr(0, 300));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return Status(StatusCode::kDeadlineExceeded,
                  "/query was not ready after " + std::to_string(timeout_seconds) + " s");
}

client::HttpRequest GetRequest(const std::string& url, const std::string& accept) {
    client::HttpRequest request{"GET", url, {}, ""};
    if (!accept.empty()) request.headers.emplace_back("Accept", accept);
    return request;
}

Result<double> TimedGet(client::HttpClient& http, const client::HttpRequest& request,
                        client::HttpResponse* response) {
    const auto start = std::chrono::steady_clock::now();
    MKT_ASSIGN_OR_RETURN(client::HttpResponse r, http.Send(request));
    const double us = SecondsSince(start) * 1e6;
    if (r.status != 200) {
        std::string accept;
        for (const auto& [name, value] : request.headers) {
            if (name == "Accept") accept = " (" + value + ")";
        }
        return Status::Internal(request.method + " " + request.url + accept + " answered " +
                                std::to_string(r.status) + ": " + r.body.substr(0, 300));
    }
    if (response) *response = std::move(r);
    return us;
}

}  // namespace mkt::bench
