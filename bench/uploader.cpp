#include "bench/uploader.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <mutex>
#include <optional>
#include <thread>

#include "bench/raw_http.hpp"

namespace mkt::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Shared state of one UploadAll run.
struct Run {
    Run(const std::string& u, const std::vector<CorpusDocument>& d, UploadReport& r)
        : url(u), documents(d), report(r) {}
    const std::string& url;
    const std::vector<CorpusDocument>& documents;
    UploadReport& report;
    std::atomic<size_t> next{0};
    std::atomic<size_t> created{0};
    std::atomic<bool> failed{false};
    std::mutex mutex;                   // guards first_error
    std::optional<Status> first_error;  // guarded by mutex

    void Fail(Status status) {
        std::lock_guard lock(mutex);
        if (!first_error) first_error = std::move(status);
        failed = true;
    }
};

std::string Abbreviate(const std::string& body, size_t max = 2000) {
    return body.size() <= max
               ? body
               : body.substr(0, max) + "... (" + std::to_string(body.size()) + " bytes)";
}

void UploadLoop(Run& run, std::latch& start) {
    RawHttpConnection http;
    auto url = ParseHttpUrl(run.url);
    Status connected = url.ok() ? http.Connect(url->host, url->port) : url.status();
    start.arrive_and_wait();
    if (!connected.ok()) {
        run.Fail(connected);
        return;
    }
    for (size_t i = run.next++; i < run.documents.size() && !run.failed; i = run.next++) {
        const CorpusDocument& doc = run.documents[i];
        const auto t0 = Clock::now();
        auto answer = http.Post(url->path, "application/rdf+xml", doc.bytes);
        run.report.latencies_ms[i] =
            std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (!answer.ok()) {
            run.Fail(answer.status().WithPrefix("upload " + std::to_string(i) + " (" +
                                                doc.endorser + "): "));
            return;
        }
        std::string location = std::move(answer->location);
        if (answer->status != 201 || location.empty()) {
            run.Fail(Status::Internal("upload " + std::to_string(i) + " (" + doc.endorser +
                                      "): HTTP " + std::to_string(answer->status) +
                                      (location.empty() ? " without Location" : "") + "\n" +
                                      Abbreviate(answer->body)));
            return;
        }
        run.report.locations[i] = std::move(location);
        ++run.created;
    }
}

}  // namespace

Result<UploadReport> UploadAll(const std::string& metadata_url,
                               const std::vector<CorpusDocument>& documents, unsigned connections) {
    UploadReport report;
    report.latencies_ms.assign(documents.size(), 0.0);
    report.locations.assign(documents.size(), {});
    Run run(metadata_url, documents, report);
    connections = std::max(connections, 1u);
    std::latch start(static_cast<std::ptrdiff_t>(connections) + 1);
    std::vector<std::thread> threads;
    for (unsigned c = 0; c < connections; ++c) {
        threads.emplace_back([&run, &start] { UploadLoop(run, start); });
    }
    start.arrive_and_wait();
    const auto t0 = Clock::now();
    for (auto& t : threads) t.join();
    report.wall_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    if (run.first_error) return *run.first_error;
    report.created = run.created;
    return report;
}

}  // namespace mkt::bench
