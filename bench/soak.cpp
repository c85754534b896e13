// soak: mixed load against one server for a given time, to find what only time
// shows: memory growth, descriptor leaks, errors under sustained concurrency.
//
//   soak [--minutes M] [--clients C] [--upload-rate R] [--entries N]
//        [--sample-seconds S] [--server PATH] [--pki DIR] [--server-set key=value]...
//
// Starts marketplace-server (SQLite synchronous=full, strict trust, access log off)
// on a copy of a database of N generated entries (bench/generate_entries, made
// once and reused; 0 = an empty store), so memory is measured on a catalogue of a
// realistic size, where the entries the run adds are a small part of what the
// server holds. Then C client threads run for M minutes, each picking
// requests by weight: uploads of new signed entries (signed just in time by a
// producer thread, at most R per second in all, so the store grows steadily),
// entry GETs, native listings (filters, paging), CIMI queries, OCCI discovery and
// storage resources, SPARQL, web pages, and bad requests that must be refused
// (a tampered upload, an unknown path, a bad $filter, a SPARQL syntax error).
// Every answer is checked against the status its kind expects; any other
// answer or a transport failure is an error of that kind.
//
// Prints, every S seconds, the server's RSS and open descriptors; at the end,
// per kind: requests, errors by cause, p50/p99 latency; RSS growth over the
// last two thirds of the run (the last 20 minutes of a 30-minute run) and the
// descriptor range. Exit: 0 when the run had no unexpected answer, 1 otherwise
// (or when the server failed), 2 for a usage error.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/corpus.hpp"
#include "bench/driver.hpp"
#include "bench/process.hpp"
#include "bench/report.hpp"
#include "bench/scale.hpp"
#include "bench/uploader.hpp"
#include "client/http_client.hpp"
#include "mappers/url.hpp"
#include "registry/clock.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::bench {
namespace {

struct Options {
    DriverOptions driver = DefaultDriverOptions();
    double minutes = 30;
    size_t clients = 6;
    size_t upload_rate = 2;
    size_t entries = 20000;
    size_t sample_seconds = 10;
};

void PrintUsage(std::FILE* out) {
    std::fprintf(out,
                 "usage: soak [options]\n"
                 "Mixed load for a given time; errors by kind, latency per kind, RSS and\n"
                 "descriptors over time.\n"
                 "  --minutes M         run time (default 30; decimals allowed)\n"
                 "  --clients C         client threads (default 6)\n"
                 "  --upload-rate R     new signed entries per second at most (default 2)\n"
                 "  --entries N         generated entries the store starts with (default\n"
                 "                      20000; 0 = empty, then 100 are uploaded first)\n"
                 "  --sample-seconds S  RSS/descriptor sampling period (default 10)\n%s",
                 CommonUsage().c_str());
}

// ---- what the clients send ---------------------------------------------------------

enum class Kind { kUpload, kEntryGet, kListing, kCimi, kOcci, kSparql, kWeb, kBadRequest };
constexpr Kind kKinds[] = {Kind::kUpload, Kind::kEntryGet, Kind::kListing, Kind::kCimi,
                           Kind::kOcci,   Kind::kSparql,   Kind::kWeb,     Kind::kBadRequest};
const char* KindName(Kind k) {
    switch (k) {
        case Kind::kUpload:
            return "upload";
        case Kind::kEntryGet:
            return "entry GET";
        case Kind::kListing:
            return "listing";
        case Kind::kCimi:
            return "CIMI query";
        case Kind::kOcci:
            return "OCCI";
        case Kind::kSparql:
            return "SPARQL";
        case Kind::kWeb:
            return "web page";
        case Kind::kBadRequest:
            return "bad request";
    }
    return "?";
}
// Relative frequency of each kind (reads dominate, as on a real catalogue).
unsigned Weight(Kind k) {
    switch (k) {
        case Kind::kUpload:
            return 2;
        case Kind::kEntryGet:
            return 30;
        case Kind::kListing:
            return 10;
        case Kind::kCimi:
            return 6;
        case Kind::kOcci:
            return 6;
        case Kind::kSparql:
            return 2;
        case Kind::kWeb:
            return 6;
        case Kind::kBadRequest:
            return 3;
    }
    return 0;
}

struct KindStats {
    std::mutex mutex;
    std::vector<double> latencies_ms;
    std::map<std::string, size_t> errors;  // cause -> count
    size_t requests = 0;
};

// Entries the server accepted (their URLs), shared by the clients.
class KnownEntries {
  public:
    void Add(std::string url) {
        std::lock_guard lock(mutex_);
        urls_.push_back(std::move(url));
    }
    std::string Pick(std::mt19937_64& rng) {
        std::lock_guard lock(mutex_);
        if (urls_.empty()) return {};
        return urls_[std::uniform_int_distribution<size_t>(0, urls_.size() - 1)(rng)];
    }
    size_t size() {
        std::lock_guard lock(mutex_);
        return urls_.size();
    }

  private:
    std::mutex mutex_;
    std::vector<std::string> urls_;
};

// Signs documents with created = now, a batch at a time, ahead of the uploads
// (the upload window refuses old endorsements), at most `rate` per second.
class DocumentFeed {
  public:
    DocumentFeed(size_t rate) : rate_(rate), worker_([this] { Run(); }) {}
    ~DocumentFeed() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        ready_.notify_all();
        worker_.join();
    }
    /// The next signed document, or nothing when none is ready (upload budget spent).
    std::optional<CorpusDocument> Take() {
        std::lock_guard lock(mutex_);
        if (queue_.empty()) return std::nullopt;
        CorpusDocument d = std::move(queue_.front());
        queue_.pop_front();
        ready_.notify_all();
        return d;
    }

  private:
    void Run() {
        size_t batch_no = 0;
        while (true) {
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [&] { return stop_ || queue_.size() < rate_; });
                if (stop_) return;
            }
            const auto start = std::chrono::steady_clock::now();
            auto batch = SignCorpus(rate_, SystemClock().Now(), StrictEndorsers(),
                                    "soak-" + std::to_string(batch_no++), 1);
            {
                std::lock_guard lock(mutex_);
                for (auto& d : batch) queue_.push_back(std::move(d));
            }
            // One batch per second at most: `rate` uploads per second.
            std::unique_lock lock(mutex_);
            ready_.wait_until(lock, start + std::chrono::seconds(1), [&] { return stop_; });
            if (stop_) return;
        }
    }

    const size_t rate_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<CorpusDocument> queue_;
    bool stop_ = false;
    std::thread worker_;
};

struct Call {
    client::HttpRequest request;
    std::vector<long> expected;  // statuses this kind may answer
};

class Client {
  public:
    Client(const ServerProcess& server, KnownEntries& known, DocumentFeed& feed, uint64_t seed)
        : server_(server), known_(known), feed_(feed), rng_(seed), http_({30, true, ""}) {}

    /// One request of `kind`; false when there was nothing to send (no document ready).
    bool Once(Kind kind, KindStats& stats) {
        std::optional<Call> call = Make(kind);
        if (!call) return false;
        const auto start = std::chrono::steady_clock::now();
        Result<client::HttpResponse> r = http_.Send(call->request);
        const double ms = SecondsSince(start) * 1000;
        std::string error;
        if (!r.ok()) {
            error = "transport: " + r.status().message().substr(0, 80);
        } else if (std::find(call->expected.begin(), call->expected.end(), r->status) ==
                   call->expected.end()) {
            error = "HTTP " + std::to_string(r->status) + " " + call->request.method + " " +
                    PathOfUrl(call->request.url).substr(0, 60);
        } else if (kind == Kind::kUpload && r->status == 201) {
            known_.Add(r->Header("Location"));
        }
        std::lock_guard lock(stats.mutex);
        ++stats.requests;
        stats.latencies_ms.push_back(ms);
        if (!error.empty()) ++stats.errors[error];
        return true;
    }

  private:
    std::string Url(const std::string& path) const { return server_.Url(path); }
    template <typename T>
    const T& OneOf(const std::vector<T>& items) {
        return items[std::uniform_int_distribution<size_t>(0, items.size() - 1)(rng_)];
    }
    static Call Get(std::string url, std::string accept, std::vector<long> expected = {200}) {
        Call c;
        c.request.url = std::move(url);
        if (!accept.empty()) c.request.headers.emplace_back("Accept", std::move(accept));
        c.expected = std::move(expected);
        return c;
    }

    std::optional<Call> Make(Kind kind) {
        static const std::vector<std::string> os = {"ubuntu", "centos", "debian", "ttylinux"};
        switch (kind) {
            case Kind::kUpload: {
                auto doc = feed_.Take();
                if (!doc) return std::nullopt;
                Call c;
                c.request.method = "POST";
                c.request.url = Url("/metadata");
                c.request.headers.emplace_back("Content-Type", "application/rdf+xml");
                c.request.body = std::move(doc->bytes);
                c.expected = {201};
                return c;
            }
            case Kind::kEntryGet: {
                const std::string url = known_.Pick(rng_);
                if (url.empty()) return std::nullopt;
                return Get(url, OneOf<std::string>({"", "application/json"}));
            }
            case Kind::kListing:
                return Get(Url(OneOf<std::string>(
                               {"/metadata?limit=50", "/metadata?os=" + OneOf(os) + "&limit=20",
                                "/metadata?q=image&limit=20", "/metadata?status=all&offset=40",
                                "/endorsers", "/metadata?sort=title&order=asc&limit=50"})),
                           OneOf<std::string>({"application/json", "application/xml"}));
            case Kind::kCimi:
                return Get(
                    Url("/cimi/machineImages?$filter=" +
                        mappers::PercentEncode(
                            "property['os']='" + OneOf(os) + "' and created>2020-01-01", false) +
                        "&$first=1&$last=20"),
                    "application/json");
            case Kind::kOcci: {
                const std::string url = known_.Pick(rng_);
                const std::string id = url.substr(url.find("/metadata/") + 10, 27);
                return Get(Url(OneOf<std::string>({"/-/?page=1&number=20", "/storage/" + id,
                                                   "/storage/?page=2&number=10"})),
                           OneOf<std::string>({"text/plain", "application/occi+json"}),
                           {200, 404});  // an image whose entries all expired is gone from OCCI
            }
            case Kind::kSparql:
                return Get(Url("/query?query=" +
                               mappers::PercentEncode(
                                   "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?s ?t "
                                   "WHERE { ?s dcterms:title ?t } LIMIT 20",
                                   false)),
                           "application/sparql-results+json", {200, 503});  // 503: graph building
            case Kind::kWeb: {
                const std::string url = known_.Pick(rng_);
                return Get(OneOf<std::string>({Url("/"), Url("/metadata?os=ubuntu"), url}),
                           "text/html");
            }
            case Kind::kBadRequest: {
                const int which = std::uniform_int_distribution<int>(0, 3)(rng_);
                if (which == 0) {
                    Call c;
                    c.request.method = "POST";
                    c.request.url = Url("/metadata");
                    c.request.headers.emplace_back("Content-Type", "application/rdf+xml");
                    c.request.body =
                        "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-"
                        "ns#'><rdf:Description/></rdf:RDF>";
                    c.expected = {400};
                    return c;
                }
                if (which == 1) return Get(Url("/no/such/resource"), "", {404});
                if (which == 2)
                    return Get(Url("/cimi/machineImages?$filter=" +
                                   mappers::PercentEncode("name=='x", false)),
                               "application/json", {400});
                return Get(Url("/query?query=SELEC%20nothing"), "", {400, 503});
            }
        }
        return std::nullopt;
    }

    const ServerProcess& server_;
    KnownEntries& known_;
    DocumentFeed& feed_;
    std::mt19937_64 rng_;
    client::HttpClient http_;
};

// ---- the server's resources over time -----------------------------------------------

struct Sample {
    double seconds;
    long rss_kib;
    size_t fds;
};

Sample SampleProcess(pid_t pid, double seconds) {
    Sample s{seconds, 0, 0};
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmRSS:", 0) == 0) s.rss_kib = std::stol(line.substr(6));
    }
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); ++it)
        ++s.fds;
    return s;
}

Kind PickKind(std::mt19937_64& rng) {
    unsigned total = 0;
    for (Kind k : kKinds) total += Weight(k);
    unsigned x = std::uniform_int_distribution<unsigned>(0, total - 1)(rng);
    for (Kind k : kKinds) {
        if (x < Weight(k)) return k;
        x -= Weight(k);
    }
    return Kind::kEntryGet;
}

// The entry URLs of the store, from the native listing (all statuses, history too).
Status ListEntries(const ServerProcess& server, KnownEntries& known) {
    client::HttpClient http;
    std::string url = server.Url("/metadata?status=all&limit=1000");
    while (!url.empty()) {
        MKT_ASSIGN_OR_RETURN(client::HttpResponse r, http.Get(url, "application/json"));
        if (r.status != 200)
            return Status::Internal("listing answered " + std::to_string(r.status));
        const auto page = nlohmann::json::parse(r.body);
        for (const auto& entry : page.at("entries")) known.Add(entry.at("url").get<std::string>());
        url =
            page.value("next", nlohmann::json()).is_string() ? page["next"].get<std::string>() : "";
    }
    return Status::Ok();
}

// A copy of the generated database (the run adds entries; the original is reused).
Result<std::string> CopyOfGeneratedDatabase(const Options& o, const std::filesystem::path& work) {
    ScaleOptions scale;
    scale.driver = o.driver;
    scale.count = o.entries;
    MKT_ASSIGN_OR_RETURN(std::filesystem::path original, GenerateScaleDatabase(scale, work));
    const std::filesystem::path copy = work / "soak.db";
    std::error_code ec;
    std::filesystem::copy_file(original, copy, ec);
    if (ec) return Status::Unavailable("cannot copy " + original.string() + ": " + ec.message());
    return copy.string();
}

Status Run(const Options& o) {
    MKT_RETURN_IF_ERROR(CheckInputs(o.driver));
    UseTestPki(o.driver.pki);
    testing::TempDir work;
    std::vector<std::string> extra;
    if (o.entries > 0) {
        MKT_ASSIGN_OR_RETURN(std::string db, CopyOfGeneratedDatabase(o, work.path()));
        extra.push_back("store.sqlite.path=" + db);
    }
    extra.insert(extra.end(), o.driver.server_sets.begin(), o.driver.server_sets.end());
    ServerOptions so;
    so.binary = o.driver.server;
    so.work_dir = work.path();
    so.settings = ServerSettings(work.path(), o.driver.pki, "full", false, extra);
    MKT_ASSIGN_OR_RETURN(auto server, ServerProcess::Start(so));
    std::printf("soak: %s, %.1f min, %zu clients, at most %zu uploads/s; %s\n",
                StoreLabel(o.driver.server_sets).c_str(), o.minutes, o.clients, o.upload_rate,
                MachineSummary().c_str());

    KnownEntries known;
    if (o.entries == 0) {
        auto seed = SignCorpus(100, SystemClock().Now(), StrictEndorsers(), "soak-seed",
                               std::max(1u, std::thread::hardware_concurrency()));
        MKT_ASSIGN_OR_RETURN(UploadReport up, UploadAll(server->Url("/metadata"), seed, 4));
    }
    MKT_RETURN_IF_ERROR(ListEntries(*server, known));
    {
        client::HttpClient http;
        MKT_RETURN_IF_ERROR(WaitUntilQueryReady(http, *server));
    }
    std::printf("store: %zu entries, SPARQL graph ready\n", known.size());

    std::map<Kind, KindStats> stats;
    for (Kind k : kKinds) stats[k];
    DocumentFeed feed(o.upload_rate);
    const auto start = std::chrono::steady_clock::now();
    const auto end = start + std::chrono::milliseconds(static_cast<int64_t>(o.minutes * 60000));
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (size_t i = 0; i < o.clients; ++i) {
        clients.emplace_back([&, i] {
            Client c(*server, known, feed, 7919 * (i + 1));
            std::mt19937_64 rng(i + 1);
            while (!stop.load() && std::chrono::steady_clock::now() < end) {
                const Kind kind = PickKind(rng);
                if (!c.Once(kind, stats[kind])) c.Once(Kind::kEntryGet, stats[Kind::kEntryGet]);
            }
        });
    }
    std::vector<Sample> samples;
    std::printf("%8s %10s %5s %9s\n", "seconds", "RSS MiB", "fds", "entries");
    while (std::chrono::steady_clock::now() < end) {
        samples.push_back(SampleProcess(server->pid(), SecondsSince(start)));
        std::printf("%8.0f %10.1f %5zu %9zu\n", samples.back().seconds,
                    samples.back().rss_kib / 1024.0, samples.back().fds, known.size());
        std::fflush(stdout);
        const auto next = std::chrono::steady_clock::now() + std::chrono::seconds(o.sample_seconds);
        while (std::chrono::steady_clock::now() < std::min(next, end))
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    stop.store(true);
    for (auto& t : clients) t.join();
    samples.push_back(SampleProcess(server->pid(), SecondsSince(start)));

    size_t unexpected = 0;
    std::printf("\n%-12s %9s %7s  %s\n", "kind", "requests", "errors", "latency");
    for (Kind k : kKinds) {
        KindStats& s = stats[k];
        size_t errors = 0;
        for (const auto& [cause, n] : s.errors) errors += n;
        unexpected += errors;
        std::printf("%-12s %9zu %7zu  %s\n", KindName(k), s.requests, errors,
                    FormatLatencies(Summarize(s.latencies_ms)).c_str());
        for (const auto& [cause, n] : s.errors) std::printf("    %zu x %s\n", n, cause.c_str());
    }
    // Growth over the last two thirds (after warm-up: caches, graph, allocator
    // pools). RSS swings with the answers in flight, so each end of that span is
    // the median of a fifth of its samples.
    const double from = samples.back().seconds / 3;
    std::vector<Sample> measured;
    for (const Sample& s : samples) {
        if (s.seconds >= from) measured.push_back(s);
    }
    const size_t window = std::max<size_t>(1, measured.size() / 5);
    auto median_rss = [&](size_t first) {
        std::vector<double> rss;
        for (size_t k = first; k < first + window && k < measured.size(); ++k)
            rss.push_back(static_cast<double>(measured[k].rss_kib));
        return Median(rss) / 1024.0;
    };
    const double rss_start = median_rss(0), rss_end = median_rss(measured.size() - window);
    size_t fd_min = SIZE_MAX, fd_max = 0;
    for (const Sample& s : measured) {
        fd_min = std::min(fd_min, s.fds);
        fd_max = std::max(fd_max, s.fds);
    }
    long peak = 0;
    for (const Sample& s : samples) peak = std::max(peak, s.rss_kib);
    const double growth = rss_start > 0 ? 100.0 * (rss_end - rss_start) / rss_start : 0;
    std::printf(
        "\nsoak: %zu unexpected answers; RSS (median of %zu samples) %.1f MiB after "
        "%.0f s -> %.1f MiB at the end: growth %.1f%% over the last %.0f s (goal < 10%%); "
        "peak %.1f MiB; descriptors %zu..%zu; entries %zu; %s\n",
        unexpected, window, rss_start, measured.front().seconds, rss_end, growth,
        samples.back().seconds - measured.front().seconds, peak / 1024.0, fd_min, fd_max,
        known.size(), MachineSummary().c_str());
    MKT_RETURN_IF_ERROR(server->Stop());
    if (unexpected > 0) return Status::Internal(std::to_string(unexpected) + " unexpected answers");
    return Status::Ok();
}

Result<double> ParseMinutes(std::string_view text) {
    try {
        size_t used = 0;
        const double m = std::stod(std::string(text), &used);
        if (used == text.size() && m > 0) return m;
    } catch (const std::exception&) {
    }
    return Status::InvalidArgument("--minutes: '" + std::string(text) +
                                   "' is not a positive number");
}

}  // namespace
}  // namespace mkt::bench

int main(int argc, char** argv) {
    using namespace mkt::bench;
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", arg.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        auto count = [&](size_t& out) {
            auto n = ParseCount(arg, value());
            if (!n.ok()) {
                std::fprintf(stderr, "%s\n", n.status().message().c_str());
                std::exit(2);
            }
            out = *n;
        };
        if (arg == "--help" || arg == "-h") {
            PrintUsage(stdout);
            return 0;
        } else if (arg == "--minutes") {
            auto m = ParseMinutes(value());
            if (!m.ok()) {
                std::fprintf(stderr, "%s\n", m.status().message().c_str());
                return 2;
            }
            o.minutes = *m;
        } else if (arg == "--clients") {
            count(o.clients);
        } else if (arg == "--upload-rate") {
            count(o.upload_rate);
        } else if (arg == "--entries") {
            auto n = value();
            if (n == "0") {
                o.entries = 0;
            } else {
                auto parsed = ParseCount(arg, n);
                if (!parsed.ok()) {
                    std::fprintf(stderr, "%s\n", parsed.status().message().c_str());
                    return 2;
                }
                o.entries = *parsed;
            }
        } else if (arg == "--sample-seconds") {
            count(o.sample_seconds);
        } else {
            auto common = ParseCommonOption(argc, argv, i, o.driver);
            if (!common.ok() || !*common) {
                if (!common.ok()) std::fprintf(stderr, "%s\n", common.status().message().c_str());
                PrintUsage(stderr);
                return 2;
            }
        }
    }
    return RunDriver("soak", [&] { return Run(o); });
}
