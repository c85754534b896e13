// EntryGraph: the registry's entries as one RDF graph, derived data for SPARQL.
//
// Start() builds the graph from the store on a background thread (the REST API
// serves meanwhile; the SPARQL endpoint answers "not ready" until state() is
// kReady), then a single updater thread applies every entry handed to Add() (the
// write path calls it after an accepted upload, see GraphFeedingStore). Add never
// blocks on queries: entries wait in a queue.
//
// Contents, as the original Marketplace (reference 6.2): each entry's triples
// under its own subject http://mp.stratuslab.eu/#<id>/<email>/<created> (see
// entry_triples.hpp); the latest entry of each (image, endorser) carries
// `slterms:tag "latest"`, moved when a newer entry arrives; a deprecated entry
// carries its document's `slterms:deprecated` triple.
//
// Readers take a ReadView (a shared lock) for the time of one query; the updater
// takes the exclusive lock for each batch of new entries (a few microseconds per
// entry), so a new upload shows in queries once the running ones finished.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "registry/entry_store.hpp"
#include "registry/redland/entry_triples.hpp"
#include "registry/redland/triple_graph.hpp"
#include "registry/redland/world.hpp"

namespace mkt::redland {

struct GraphStats {
    uint64_t entries = 0;  // entries in the graph
    uint64_t triples = 0;
    uint64_t terms = 0;
    uint64_t memory_bytes = 0;  // approximate
    double build_seconds = 0;   // of the start-up build
    uint64_t skipped = 0;       // stored entries whose RDF Raptor refused (logged)
    uint64_t pending = 0;       // accepted entries queued by Add, not in the graph yet (lag)
};

class EntryGraph {
  public:
    enum class State { kIdle, kBuilding, kReady, kFailed };

    /// `world` must outlive the graph. `threads`: parsers used by the start-up
    /// build (0 = hardware concurrency).
    explicit EntryGraph(const World& world, unsigned threads = 0);
    /// Stops the threads (a running build is abandoned).
    ~EntryGraph();
    /// Stops the build or updater thread (the graph stays readable; later updates
    /// are not applied). Idempotent; the destructor calls it.
    void Stop();
    EntryGraph(const EntryGraph&) = delete;
    EntryGraph& operator=(const EntryGraph&) = delete;

    /// Starts the background build from `store` (which must outlive the graph).
    /// Call once.
    void Start(const EntryStore& store);
    /// Queues an accepted entry; applied after the build, in order of arrival.
    /// Entries already in the graph (same key) are ignored.
    void Add(const Entry& entry);

    State state() const { return state_.load(); }
    /// kOk while building or ready; the reason after a failed build.
    Status failure() const;
    /// Entries loaded so far during the build (for the "not ready" message).
    uint64_t BuildProgress() const { return progress_.load(); }
    GraphStats Stats() const;

    /// Blocks until ready, failed, or `timeout_ms` passed; returns state().
    State WaitUntilSettled(int timeout_ms) const;
    /// Blocks until every entry queued by Add so far is applied (tests).
    void Flush() const;

    /// Read access for one query: the graph does not change while it lives.
    class ReadView {
      public:
        const TripleGraph& graph() const { return *graph_; }

      private:
        friend class EntryGraph;
        ReadView(const TripleGraph* graph, std::shared_mutex& mutex)
            : graph_(graph), lock_(mutex) {}
        const TripleGraph* graph_;
        std::shared_lock<std::shared_mutex> lock_;
    };
    ReadView Read() const { return ReadView(&graph_, mutex_); }

    /// Writes the whole graph as N-Triples (blank nodes as _:label), for the
    /// cross-checks with other SPARQL engines, through `write`: pieces of a few
    /// thousand triples, each read under the read lock and written without it,
    /// so memory is one piece and a slow reader never holds up updates. Every
    /// triple present for the whole export is written once; one added meanwhile
    /// appears if it sorts after the point reached. `write` returning false stops
    /// (kUnavailable). Errors: kUnavailable when the graph is not ready.
    Status WriteNTriples(const std::function<bool(std::string_view)>& write) const;

  private:
    struct LatestOf {
        Timestamp created;
        TermId subject;
    };
    void Build(const EntryStore* store);
    void RunUpdater();
    /// Interns and adds one entry's triples (exclusive lock held).
    void Insert(const EntryKey& key, int64_t seq, const std::vector<EncodedTriple>& triples,
                bool bulk);
    void SetFailed(Status status);

    const World& world_;
    unsigned threads_;
    mutable std::shared_mutex mutex_;  // guards graph_, latest_, keys_
    TripleGraph graph_;
    TermId tag_predicate_ = 0, latest_literal_ = 0;
    std::unordered_map<std::string, LatestOf> latest_;  // "<id>/<email>" -> newest entry
    std::unordered_set<std::string> keys_;              // entry paths in the graph

    std::atomic<State> state_{State::kIdle};
    std::atomic<uint64_t> progress_{0};
    double build_seconds_ = 0;
    uint64_t skipped_ = 0;
    mutable std::mutex queue_mutex_;
    mutable std::condition_variable queue_cv_;
    std::deque<Entry> queue_;            // guarded by queue_mutex_
    uint64_t queued_ = 0, applied_ = 0;  // guarded by queue_mutex_
    bool stopping_ = false;              // guarded by queue_mutex_
    Status failure_;                     // guarded by queue_mutex_
    std::thread thread_;
};

}  // namespace mkt::redland
