// replica_catchup: how long replica B takes to take in an entry uploaded
// through replica A (both on one PostgreSQL database), under a paced upload load.
// Goal: p99 < 1 s at 1,000 uploads/s.
//
//   replica_catchup --conninfo CONNINFO [--documents N] [--rate R] [--connections C]
//                   [--server PATH] [--pki DIR] [--server-set key=value]...
//
// CONNINFO names an empty database (bench/replicas makes one). Starts two
// marketplace-server replicas A and B on it, uploads N signed documents to A
// over C connections, paced to R uploads/s in total (when the server cannot keep
// up, the achieved rate is printed), and records when each 201 arrived. A
// thread polls B's GET /health meanwhile, recording when its applied_seq (the
// seq its SPARQL graph has taken in) moved. After the run the database's feed
// gives each entry's seq; an entry's lag is the first poll at which B's
// applied_seq reached its seq, minus the time A acknowledged it.
// Exit: 0 when measured, 1 when the benchmark failed, 2 for a usage error.
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "bench/corpus.hpp"
#include "bench/driver.hpp"
#include "bench/process.hpp"
#include "bench/raw_http.hpp"
#include "bench/report.hpp"
#include "client/http_client.hpp"
#include "registry/clock.hpp"
#include "registry/store/postgres/postgres_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    DriverOptions driver = DefaultDriverOptions();
    std::string conninfo;
    size_t documents = 3000;
    size_t rate = 1000;
};

std::optional<Options> ParseArgs(int argc, char** argv, int& exit_code) {
    Options options;
    options.driver.connections = 8;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        Status error;
        if (flag == "--help" || flag == "-h") {
            std::printf(
                "replica lag of B behind uploads through A\n"
                "  --conninfo CONNINFO    an empty PostgreSQL database (required)\n"
                "  --documents N          uploads (default 3000)\n"
                "  --rate R               uploads/s in total (default 1000)\n%s",
                CommonUsage().c_str());
            exit_code = 0;
            return std::nullopt;
        }
        if (flag == "--conninfo" && i + 1 < argc) {
            options.conninfo = argv[++i];
            continue;
        }
        if ((flag == "--documents" || flag == "--rate") && i + 1 < argc) {
            auto n = ParseCount(flag, argv[++i]);
            if (n.ok()) {
                (flag == "--documents" ? options.documents : options.rate) = *n;
                continue;
            }
            error = n.status();
        } else if (auto common = ParseCommonOption(argc, argv, i, options.driver); !common.ok()) {
            error = common.status();
        } else if (*common) {
            continue;
        } else {
            error = Status::InvalidArgument("unknown or incomplete option '" + flag + "'");
        }
        std::fprintf(stderr, "replica_catchup: %s\n", error.message().c_str());
        exit_code = 2;
        return std::nullopt;
    }
    if (options.conninfo.empty()) {
        std::fprintf(stderr, "replica_catchup: --conninfo is required\n");
        exit_code = 2;
        return std::nullopt;
    }
    return options;
}

struct Acknowledged {
    std::string key;  // <identifier>/<email>/<created>
    Clock::time_point at;
};

/// Uploads every document to `url`, paced: document i leaves no earlier than
/// start + i / rate. Returns the 201s with their times.
Result<std::vector<Acknowledged>> PacedUploads(const std::string& url,
                                               const std::vector<CorpusDocument>& corpus,
                                               const Options& options, double& seconds) {
    MKT_ASSIGN_OR_RETURN(HttpUrl target, ParseHttpUrl(url));
    std::vector<Acknowledged> acks(corpus.size());
    std::atomic<size_t> next{0};
    std::mutex mu;
    std::optional<Status> failure;
    const Clock::time_point start = Clock::now() + std::chrono::milliseconds(50);
    const auto interval = std::chrono::duration<double>(1.0 / static_cast<double>(options.rate));
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < options.driver.connections; ++t) {
        threads.emplace_back([&] {
            RawHttpConnection http;
            Status connected = http.Connect(target.host, target.port);
            for (size_t i = next++; i < corpus.size() && connected.ok(); i = next++) {
                std::this_thread::sleep_until(
                    start + std::chrono::duration_cast<Clock::duration>(interval * i));
                auto r = http.Post(target.path, "application/rdf+xml", corpus[i].bytes);
                if (!r.ok() || r->status != 201) {
                    std::lock_guard lock(mu);
                    failure = r.ok() ? Status::Internal("upload " + std::to_string(i) + ": HTTP " +
                                                        std::to_string(r->status) + " " + r->body)
                                     : r.status();
                    return;
                }
                acks[i] = {r->location.substr(r->location.find("/metadata/") + 10), Clock::now()};
            }
            if (!connected.ok()) {
                std::lock_guard lock(mu);
                failure = connected;
            }
        });
    }
    for (auto& t : threads) t.join();
    seconds = SecondsSince(start);
    if (failure) return *failure;
    return acks;
}

/// Polls B's /health until stopped: (time, applied_seq) whenever it moved.
class AppliedSeqPoller {
  public:
    explicit AppliedSeqPoller(std::string url) : url_(std::move(url)), thread_([this] { Run(); }) {}
    ~AppliedSeqPoller() { Stop(); }
    void Stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    const std::vector<std::pair<Clock::time_point, int64_t>>& samples() const { return samples_; }
    size_t polls() const { return polls_; }

  private:
    void Run() {
        client::HttpClient client;
        int64_t last = -1;
        while (!stop_) {
            auto r = client.Get(url_);
            const Clock::time_point at = Clock::now();
            ++polls_;
            if (!r.ok() || r->status != 200) continue;
            const auto applied = nlohmann::json::parse(r->body)["applied_seq"];
            if (!applied.is_number()) continue;
            if (const int64_t seq = applied.get<int64_t>(); seq != last) {
                samples_.emplace_back(at, seq);
                last = seq;
            }
        }
    }
    std::string url_;
    std::atomic<bool> stop_{false};
    std::vector<std::pair<Clock::time_point, int64_t>> samples_;
    size_t polls_ = 0;
    std::thread thread_;
};

Status RunBenchmark(const Options& options) {
    MKT_RETURN_IF_ERROR(CheckInputs(options.driver));
    std::printf("replica_catchup: machine: %s\n", MachineSummary().c_str());
    UseTestPki(options.driver.pki);
    const auto corpus =
        SignCorpus(options.documents, SystemClock().Now(), StrictEndorsers(), "catchup", 2);
    testing::TempDir dir_a, dir_b;
    std::vector<std::string> extra = {"store.type=postgresql",
                                      "store.postgresql.conninfo=" + options.conninfo};
    extra.insert(extra.end(), options.driver.server_sets.begin(), options.driver.server_sets.end());
    MKT_ASSIGN_OR_RETURN(
        auto a, ServerProcess::Start(
                    {options.driver.server, dir_a.path(),
                     ServerSettings(dir_a.path(), options.driver.pki, "full", false, extra)}));
    MKT_ASSIGN_OR_RETURN(
        auto b, ServerProcess::Start(
                    {options.driver.server, dir_b.path(),
                     ServerSettings(dir_b.path(), options.driver.pki, "full", false, extra)}));
    AppliedSeqPoller poller(b->Url("/health"));
    double seconds = 0;
    auto acks = PacedUploads(a->Url("/metadata"), corpus, options, seconds);
    // B has taken in everything once its applied_seq reaches the database's last seq.
    auto store = store::PostgresEntryStore::Open({.conninfo = options.conninfo, .pool_size = 1});
    if (!store.ok()) return store.status();
    MKT_ASSIGN_OR_RETURN(const StoreStats stats, (*store)->Stats());
    const Clock::time_point deadline = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < deadline &&
           (poller.samples().empty() || poller.samples().back().second < stats.last_seq)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    poller.Stop();
    if (!acks.ok()) return acks.status();

    std::map<std::string, int64_t> seq_of;
    for (int64_t after = 0;;) {
        MKT_ASSIGN_OR_RETURN(std::vector<Entry> batch, (*store)->ChangesSince(after, 1000));
        if (batch.empty()) break;
        for (const Entry& e : batch) seq_of[e.key.ToPath()] = e.seq;
        after = batch.back().seq;
    }
    std::vector<double> lags_ms;
    const auto& samples = poller.samples();
    for (const Acknowledged& ack : *acks) {
        const auto it = seq_of.find(ack.key);
        if (it == seq_of.end())
            return Status::Internal("acknowledged entry not in the feed: " + ack.key);
        const auto reached = std::find_if(samples.begin(), samples.end(),
                                          [&](const auto& s) { return s.second >= it->second; });
        if (reached == samples.end()) {
            return Status::Internal("replica B never took in seq " + std::to_string(it->second));
        }
        lags_ms.push_back(std::max(
            0.0, std::chrono::duration<double, std::milli>(reached->first - ack.at).count()));
    }
    const Distribution lag = Summarize(lags_ms);
    std::printf(
        "uploads through A: %zu x 201 in %.2f s = %s uploads/s (target %zu/s, %u "
        "connections)\n",
        acks->size(), seconds, FormatRate(static_cast<double>(acks->size()) / seconds).c_str(),
        options.rate, options.driver.connections);
    std::printf("B's /health polled %zu times (%.2f ms apart on average)\n", poller.polls(),
                1000.0 * seconds / static_cast<double>(std::max<size_t>(poller.polls(), 1)));
    std::printf("replica lag (201 from A -> applied on B): %s\n", FormatLatencies(lag).c_str());
    std::printf("replica catch-up lag p99 = %.1f ms (goal < 1000 ms: %s)\n", lag.p99,
                lag.p99 < 1000 ? "met" : "NOT met");
    std::printf("replica_catchup: machine after the run: %s\n", MachineSummary().c_str());
    MKT_RETURN_IF_ERROR(a->Stop());
    return b->Stop();
}

}  // namespace
}  // namespace mkt::bench

int main(int argc, char** argv) {
    int exit_code = 0;
    auto options = mkt::bench::ParseArgs(argc, argv, exit_code);
    if (!options) return exit_code;
    return mkt::bench::RunDriver("replica_catchup",
                                 [&] { return mkt::bench::RunBenchmark(*options); });
}
