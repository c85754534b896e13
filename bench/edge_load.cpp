// edge_load: the HTTP edge under the loads of issue 15, on a server over N
// generated entries (bench/scale.hpp, default 100,000).
//
//   1. streamed answers: 8 concurrent full GET /-/ in application/occi+json,
//      then 8 concurrent GET /query/export.nt: the server's resident memory
//      (sampled from /proc every 20 ms) before and at its peak, and whether
//      every answer is complete (curl exit 0) and identical (size and hash);
//   2. isolation: while 4 SPARQL queries run to their time limit, /health and
//      entry GETs on other connections: latency percentiles;
//   3. half-open clients: 500 connections that send half a head, with the head
//      timeout at 5 s: when the last is closed, and /health meanwhile;
//   4. the connection limit (http.max_connections = 600): connections past it
//      are answered 503 and closed; the held ones are still served.
//
//   edge_load [--count N] [--db FILE] [--samples S] [--skip-streams]
//             [--server PATH] [--pki DIR] [--server-set key=value]...
//
// Exit: 0 when measured, 1 when the benchmark failed, 2 for a usage error.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench/report.hpp"
#include "bench/scale.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kHeadTimeoutSeconds = 5;
constexpr int kMaxConnections = 600;
constexpr int kHalfOpen = 500;

struct Options {
    ScaleOptions scale;
    bool skip_streams = false;
};

Result<Options> ParseArgs(int argc, char** argv) {
    Options o;
    o.scale.samples = 2000;
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--skip-streams") {
            o.skip_streams = true;
            continue;
        }
        MKT_ASSIGN_OR_RETURN(bool known, ParseScaleOption(argc, argv, i, o.scale));
        if (!known) return Status::InvalidArgument(std::string("unknown option ") + argv[i]);
    }
    o.scale.driver.server_sets.push_back("http.head_timeout_seconds=" +
                                         std::to_string(kHeadTimeoutSeconds));
    o.scale.driver.server_sets.push_back("http.max_connections=" + std::to_string(kMaxConnections));
    o.scale.driver.server_sets.push_back("sparql.max_concurrent=4");
    return o;
}

/// Resident memory of `pid` in MiB: `field` "VmRSS:" (all) or "RssAnon:" (the
/// process's own memory, without file pages such as the SQLite file it maps).
double ResidentMiB(pid_t pid, std::string_view field = "RssAnon:") {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with(field)) return std::stod(line.substr(field.size())) / 1024.0;
    }
    return -1;
}

/// Samples the resident memory of `pid` every 20 ms while alive; keeps the peak.
class MemorySampler {
  public:
    explicit MemorySampler(pid_t pid) : pid_(pid) {
        thread_ = std::thread([this] {
            while (!stop_.load()) {
                peak_ = std::max(peak_.load(), ResidentMiB(pid_));
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        });
    }
    double Stop() {
        stop_.store(true);
        thread_.join();
        return peak_.load();
    }

  private:
    pid_t pid_;
    std::atomic<bool> stop_{false};
    std::atomic<double> peak_{0};
    std::thread thread_;
};

struct Download {
    int exit_code = -1;
    size_t bytes = 0;
    uint64_t hash = 1469598103934665603ull;  // FNV-1a 64
};

// One GET through curl (a separate process, so the answers are not held by
// this one): its exit code, size and hash.
Download Fetch(const std::string& url, const std::string& accept) {
    Download d;
    const std::string command =
        "curl -sS --fail --max-time 600 -H 'Accept: " + accept + "' '" + url + "'";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return d;
    char buffer[1 << 16];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
        d.bytes += n;
        for (size_t i = 0; i < n; ++i) {
            d.hash = (d.hash ^ static_cast<unsigned char>(buffer[i])) * 1099511628211ull;
        }
    }
    const int status = ::pclose(pipe);
    d.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return d;
}

Status ConcurrentDownloads(const ServerProcess& server, const std::string& label,
                           const std::string& path, const std::string& accept) {
    const double before = ResidentMiB(server.pid());
    MemorySampler sampler(server.pid());
    std::vector<Download> results(8);
    std::vector<std::thread> threads;
    const auto start = Clock::now();
    for (auto& r : results) {
        threads.emplace_back([&, url = server.Url(path)] { r = Fetch(url, accept); });
    }
    for (auto& t : threads) t.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const double peak = sampler.Stop();
    bool identical = true, complete = true;
    for (const auto& r : results) {
        complete = complete && r.exit_code == 0 && r.bytes > 0;
        identical = identical && r.bytes == results[0].bytes && r.hash == results[0].hash;
    }
    std::printf(
        "edge_load: 8 x %-38s %10zu bytes each  %6.1f s  server anonymous RSS before %6.1f MiB, "
        "peak %6.1f MiB (+%6.1f)  complete %s  identical %s\n",
        label.c_str(), results[0].bytes, seconds, before, peak, peak - before,
        complete ? "yes" : "NO", identical ? "yes" : "NO");
    if (!complete || !identical) return Status::Internal(label + ": answers differ or are cut");
    return Status::Ok();
}

/// Reads one whole response (head, then Content-Length bytes) from `fd`; empty
/// on EOF or after 5 s.
std::string ReadResponse(int fd) {
    std::string answer;
    char buffer[4096];
    for (;;) {
        const size_t end = answer.find("\r\n\r\n");
        if (end != std::string::npos) {
            const size_t at = answer.find("Content-Length: ");
            const size_t length = at == std::string::npos ? 0 : std::stoul(answer.substr(at + 16));
            if (answer.size() >= end + 4 + length) return answer;
        }
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) return answer;
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) return answer;
        answer.append(buffer, static_cast<size_t>(n));
    }
}

/// A blocking loopback connection to `port`; -1 on failure.
int Connect(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

uint16_t PortOf(const ServerProcess& server) {
    const std::string url = server.Url("/");
    return static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
}

void PrintLatencies(const std::string& label, std::vector<double> us) {
    std::sort(us.begin(), us.end());
    auto at = [&](double q) { return us[std::min(us.size() - 1, size_t(q * us.size()))]; };
    std::printf(
        "edge_load: %-44s n=%zu  p50 %7.0f us  p90 %7.0f us  p99 %7.0f us  p99.9 %7.0f us  "
        "max %7.0f us\n",
        label.c_str(), us.size(), at(0.5), at(0.9), at(0.99), at(0.999), us.back());
}

Status SparqlIsolation(const ServerProcess& server, size_t samples) {
    client::HttpClient http;
    // An entry to GET: the first of the native listing.
    client::HttpResponse listing;
    MKT_RETURN_IF_ERROR(
        TimedGet(http, GetRequest(server.Url("/metadata?limit=1"), "application/json"), &listing)
            .status());
    const size_t at = listing.body.find("\"url\":\"");
    if (at == std::string::npos) return Status::Internal("no entry url in " + listing.body);
    const std::string entry_url =
        listing.body.substr(at + 7, listing.body.find('"', at + 7) - at - 7);
    // Runaway joins that only the time limit stops.
    const std::string runaway =
        "/query?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%3Fa%20%3Fb%20%3Fc%20.%20%3Fd%20"
        "%3Fe%20%3Ff%20.%20%3Fg%20%3Fh%20%3Fi%7D";
    std::atomic<bool> done{false};
    std::atomic<int> finished_queries{0};
    std::vector<std::thread> queries;
    for (int i = 0; i < 4; ++i) {
        queries.emplace_back([&] {
            client::HttpClient q;
            while (!done.load()) {
                auto r = q.Get(server.Url(runaway));
                finished_queries.fetch_add(1);
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let the queries start
    std::vector<double> health, entry;
    for (size_t i = 0; i < samples; ++i) {
        MKT_ASSIGN_OR_RETURN(double h, TimedGet(http, GetRequest(server.Url("/health"))));
        MKT_ASSIGN_OR_RETURN(double e, TimedGet(http, GetRequest(entry_url)));
        health.push_back(h);
        entry.push_back(e);
    }
    done.store(true);
    for (auto& t : queries) t.join();
    std::printf("edge_load: during 4 SPARQL queries held to their time limit (%d answered):\n",
                finished_queries.load());
    PrintLatencies("GET /health (goal p99 < 5 ms)", health);
    PrintLatencies("GET <entry> (goal p99 < 5 ms)", entry);
    return Status::Ok();
}

Status HalfOpenClients(const ServerProcess& server) {
    const uint16_t port = PortOf(server);
    std::vector<int> fds;
    const auto start = Clock::now();
    for (int i = 0; i < kHalfOpen; ++i) {
        const int fd = Connect(port);
        if (fd < 0)
            return Status::Unavailable("cannot open half-open connection " + std::to_string(i));
        const std::string half = "GET /health HTTP/1.1\r\nHost: x\r\n";
        if (::send(fd, half.data(), half.size(), MSG_NOSIGNAL) < 0) {
            return Status::Unavailable("cannot send");
        }
        fds.push_back(fd);
    }
    client::HttpClient http;
    std::vector<double> health;
    size_t open = fds.size();
    std::vector<bool> closed(fds.size(), false);
    double last_close = 0;
    while (open > 0 && Clock::now() - start < std::chrono::seconds(30)) {
        MKT_ASSIGN_OR_RETURN(double h, TimedGet(http, GetRequest(server.Url("/health"))));
        health.push_back(h);
        for (size_t i = 0; i < fds.size(); ++i) {
            if (closed[i]) continue;
            pollfd p{fds[i], POLLIN, 0};
            if (::poll(&p, 1, 0) <= 0) continue;
            char buffer[4096];
            ssize_t n;
            while ((n = ::recv(fds[i], buffer, sizeof buffer, MSG_DONTWAIT)) > 0) {
            }
            if (n == 0 || (n < 0 && errno != EAGAIN)) {
                closed[i] = true;
                --open;
                last_close = std::chrono::duration<double>(Clock::now() - start).count();
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    for (int fd : fds) ::close(fd);
    std::printf(
        "edge_load: %d half-open connections, head timeout %d s: %zu closed by the server, the "
        "last %.2f s after the first was opened (goal: all within %d s)\n",
        kHalfOpen, kHeadTimeoutSeconds, fds.size() - open, last_close, kHeadTimeoutSeconds + 1);
    PrintLatencies("GET /health meanwhile", health);
    return open == 0 ? Status::Ok() : Status::Internal("half-open connections left open");
}

Status ConnectionLimit(const ServerProcess& server) {
    const uint16_t port = PortOf(server);
    std::vector<int> held;
    int refused = 0, refused_with_503 = 0;
    const std::string request = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    for (int i = 0; i < kMaxConnections + 100; ++i) {
        const int fd = Connect(port);
        if (fd < 0) {
            ++refused;
            continue;
        }
        ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
        const std::string answer = ReadResponse(fd);
        if (answer.starts_with("HTTP/1.1 200")) {
            held.push_back(fd);
        } else {
            ++refused;
            if (answer.starts_with("HTTP/1.1 503")) ++refused_with_503;
            ::close(fd);
        }
    }
    // Every held connection is still served.
    int served = 0;
    for (int fd : held) {
        ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
        if (ReadResponse(fd).starts_with("HTTP/1.1 200")) ++served;
    }
    for (int fd : held) ::close(fd);
    std::printf(
        "edge_load: %d connections opened with http.max_connections = %d: %zu held, %d refused "
        "(%d with 503); afterwards %d of the %zu held connections served\n",
        kMaxConnections + 100, kMaxConnections, held.size(), refused, refused_with_503, served,
        held.size());
    return served == static_cast<int>(held.size()) ? Status::Ok()
                                                   : Status::Internal("held connections failed");
}

Status Run(const Options& o) {
    testing::TempDir work;
    MKT_ASSIGN_OR_RETURN(auto server, StartOnGeneratedEntries(o.scale, work.path()));
    std::printf(
        "edge_load: %zu entries; server at rest: RSS %.1f MiB, of which anonymous %.1f MiB "
        "(the rest is file pages, mostly the mapped SQLite file)\n",
        o.scale.count, ResidentMiB(server->pid(), "VmRSS:"), ResidentMiB(server->pid()));
    if (!o.skip_streams) {
        MKT_RETURN_IF_ERROR(ConcurrentDownloads(*server, "GET /-/ application/occi+json", "/-/",
                                                "application/occi+json"));
        MKT_RETURN_IF_ERROR(ConcurrentDownloads(*server, "GET /query/export.nt", "/query/export.nt",
                                                "application/n-triples"));
    }
    MKT_RETURN_IF_ERROR(SparqlIsolation(*server, o.scale.samples));
    MKT_RETURN_IF_ERROR(HalfOpenClients(*server));
    MKT_RETURN_IF_ERROR(ConnectionLimit(*server));
    return server->Stop();
}

}  // namespace
}  // namespace mkt::bench

int main(int argc, char** argv) {
    auto options = mkt::bench::ParseArgs(argc, argv);
    if (!options.ok()) {
        std::fprintf(stderr, "edge_load: %s\n%s%s", options.status().message().c_str(),
                     mkt::bench::ScaleUsage(2000).c_str(), mkt::bench::CommonUsage().c_str());
        return 2;
    }
    return mkt::bench::RunDriver("edge_load", [&] { return mkt::bench::Run(*options); });
}
