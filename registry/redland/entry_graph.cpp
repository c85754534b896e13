#include "registry/redland/entry_graph.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <memory>
#include <optional>

#include "registry/redland/entry_triples.hpp"

namespace mkt::redland {
namespace {

constexpr size_t kReadBatch = 1000;   // entries per store read
constexpr size_t kParseBatch = 4000;  // entries parsed in parallel before interning

std::string LatestKey(const EntryKey& key) { return key.identifier + "/" + key.email; }

/// Appends an encoded term in N-Triples syntax.
void AppendTerm(std::string& out, std::string_view key) {
    const RdfTerm term = DecodeTerm(key);
    auto escaped = [&out](std::string_view text) {
        for (char c : text) {
            switch (c) {
                case '"':
                    out += "\\\"";
                    break;
                case '\\':
                    out += "\\\\";
                    break;
                case '\n':
                    out += "\\n";
                    break;
                case '\r':
                    out += "\\r";
                    break;
                case '\t':
                    out += "\\t";
                    break;
                default:
                    out += c;
            }
        }
    };
    switch (term.kind) {
        case RdfTerm::Kind::kUri:
            out += '<';
            out += term.value;
            out += '>';
            return;
        case RdfTerm::Kind::kBlank:
            out += "_:";
            out += term.value;
            return;
        case RdfTerm::Kind::kLiteral:
            out += '"';
            escaped(term.value);
            out += '"';
            if (!term.datatype.empty()) {
                out += "^^<";
                out += term.datatype;
                out += '>';
            }
            if (!term.language.empty()) {
                out += '@';
                out += term.language;
            }
            return;
    }
}

}  // namespace

EntryGraph::EntryGraph(const World& world, unsigned threads)
    : world_(world),
      threads_(threads ? threads : std::max(1u, std::thread::hardware_concurrency())) {
    tag_predicate_ = graph_.Intern("U" + std::string(kSltermsTag));
    latest_literal_ = graph_.Intern("L" + std::string(kLatestValue));
}

EntryGraph::~EntryGraph() { Stop(); }

void EntryGraph::Stop() {
    {
        std::lock_guard<std::mutex> lock(queue_mutex_);
        stopping_ = true;
    }
    queue_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void EntryGraph::Start(const EntryStore& store) {
    state_ = State::kBuilding;
    thread_ = std::thread([this, &store] {
        Build(&store);
        if (state_ == State::kReady) RunUpdater();
    });
}

void EntryGraph::Add(const Entry& entry) {
    {
        std::lock_guard<std::mutex> lock(queue_mutex_);
        // A graph whose build failed applies nothing: queueing would only grow.
        if (state_.load() == State::kFailed) return;
        queue_.push_back(entry);
        ++queued_;
    }
    queue_cv_.notify_all();
}

Status EntryGraph::failure() const {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    return failure_;
}

void EntryGraph::SetFailed(Status status) {
    std::fprintf(stderr, "sparql graph: build failed: %s\n", status.ToString().c_str());
    {
        std::lock_guard<std::mutex> lock(queue_mutex_);
        failure_ = std::move(status);
        // Under the queue lock, so no Add queues after the queue is emptied.
        state_ = State::kFailed;
        queue_.clear();
        queued_ = applied_;
    }
    queue_cv_.notify_all();
}

void EntryGraph::Insert(const EntryKey& key, int64_t seq, const std::vector<EncodedTriple>& triples,
                        bool bulk) {
    (void)seq;
    const TermId subject = graph_.Intern("U" + EntrySubjectUri(key));
    for (const EncodedTriple& t : triples) {
        const Triple triple{graph_.Intern(t.s), graph_.Intern(t.p), graph_.Intern(t.o)};
        if (bulk) {
            graph_.AddUnsorted(triple);
        } else {
            graph_.Add(triple);
        }
    }
    keys_.insert(key.ToPath());
    auto [it, inserted] = latest_.try_emplace(LatestKey(key), LatestOf{key.created, subject});
    if (!inserted) {
        if (key.created <= it->second.created) return;  // history: not the latest
        if (!bulk) graph_.Remove({it->second.subject, tag_predicate_, latest_literal_});
        it->second = LatestOf{key.created, subject};
    }
    if (!bulk) graph_.Add({subject, tag_predicate_, latest_literal_});
}

void EntryGraph::Build(const EntryStore* store) {
    // A pipeline over batches of kParseBatch entries: while the parsers work on
    // batch k, one thread reads batch k+1 from the store and another interns
    // batch k-1, so the store read and the (single-threaded) interning do not
    // leave cores idle between parse phases.
    const auto started = std::chrono::steady_clock::now();
    int64_t after = 0;
    auto read_batch = [store, &after]() -> Result<std::vector<Entry>> {
        std::vector<Entry> batch;
        while (batch.size() < kParseBatch) {
            MKT_ASSIGN_OR_RETURN(std::vector<Entry> page, store->ChangesSince(after, kReadBatch));
            if (page.empty()) break;
            after = page.back().seq;
            for (Entry& e : page) batch.push_back(std::move(e));
        }
        return batch;
    };
    struct Parsed {
        std::vector<Entry> entries;
        std::vector<std::vector<EncodedTriple>> triples;
        std::vector<Status> errors;
    };
    auto intern = [this](const Parsed& p) {
        std::unique_lock<std::shared_mutex> lock(mutex_);
        for (size_t i = 0; i < p.entries.size(); ++i) {
            if (!p.errors[i].ok()) {
                std::fprintf(stderr, "sparql graph: skipped %s\n", p.errors[i].ToString().c_str());
                ++skipped_;
                continue;
            }
            Insert(p.entries[i].key, p.entries[i].seq, p.triples[i], /*bulk=*/true);
        }
        progress_ += p.entries.size();
    };
    Result<std::vector<Entry>> current = read_batch();
    std::shared_ptr<Parsed> interning;  // the batch the interner works on
    std::thread interner;
    auto join_interner = [&interner] {
        if (interner.joinable()) interner.join();
    };
    while (current.ok() && !current->empty()) {
        {
            std::lock_guard<std::mutex> lock(queue_mutex_);
            if (stopping_) break;
        }
        std::future<Result<std::vector<Entry>>> next = std::async(std::launch::async, read_batch);
        auto parsed = std::make_shared<Parsed>();
        parsed->entries = std::move(current).value();
        const std::vector<Entry>& batch = parsed->entries;
        parsed->triples.resize(batch.size());
        parsed->errors.resize(batch.size());
        std::vector<std::thread> workers;
        const unsigned n = std::min<unsigned>(threads_, static_cast<unsigned>(batch.size()));
        for (unsigned w = 0; w < n; ++w) {
            workers.emplace_back([&, w] {
                for (size_t i = w; i < batch.size(); i += n) {
                    parsed->errors[i] = AppendEntryTriples(world_, batch[i], parsed->triples[i]);
                }
            });
        }
        for (std::thread& t : workers) t.join();
        join_interner();
        interner = std::thread([intern, parsed] { intern(*parsed); });
        current = next.get();
    }
    join_interner();
    {
        std::lock_guard<std::mutex> lock(queue_mutex_);
        if (stopping_) return;
    }
    if (!current.ok()) return SetFailed(current.status().WithPrefix("reading the store: "));
    std::unique_lock<std::shared_mutex> lock(mutex_);
    for (const auto& [key, latest] : latest_) {
        graph_.AddUnsorted({latest.subject, tag_predicate_, latest_literal_});
    }
    graph_.Seal();
    build_seconds_ =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    state_ = State::kReady;
    queue_cv_.notify_all();
}

void EntryGraph::RunUpdater() {
    while (true) {
        std::deque<Entry> work;
        {
            std::unique_lock<std::mutex> lock(queue_mutex_);
            queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            work.swap(queue_);
        }
        std::vector<std::vector<EncodedTriple>> parsed(work.size());
        std::vector<Status> errors(work.size());
        for (size_t i = 0; i < work.size(); ++i) {
            errors[i] = AppendEntryTriples(world_, work[i], parsed[i]);
        }
        {
            std::unique_lock<std::shared_mutex> lock(mutex_);
            for (size_t i = 0; i < work.size(); ++i) {
                if (!errors[i].ok()) {
                    std::fprintf(stderr, "sparql graph: skipped %s\n",
                                 errors[i].ToString().c_str());
                    ++skipped_;
                    continue;
                }
                if (keys_.contains(work[i].key.ToPath())) continue;  // loaded by the build
                Insert(work[i].key, work[i].seq, parsed[i], /*bulk=*/false);
            }
        }
        {
            std::lock_guard<std::mutex> lock(queue_mutex_);
            applied_ += work.size();
        }
        queue_cv_.notify_all();
    }
}

GraphStats EntryGraph::Stats() const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    GraphStats stats;
    stats.entries = keys_.size();
    stats.triples = graph_.TripleCount();
    stats.terms = graph_.TermCount();
    stats.memory_bytes = graph_.MemoryBytes();
    stats.build_seconds = build_seconds_;
    stats.skipped = skipped_;
    lock.unlock();
    std::lock_guard queue_lock(queue_mutex_);
    stats.pending = queued_ - applied_;
    return stats;
}

EntryGraph::State EntryGraph::WaitUntilSettled(int timeout_ms) const {
    std::unique_lock<std::mutex> lock(queue_mutex_);
    queue_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [this] {
        const State s = state_.load();
        return s == State::kReady || s == State::kFailed;
    });
    return state_.load();
}

void EntryGraph::Flush() const {
    std::unique_lock<std::mutex> lock(queue_mutex_);
    const uint64_t target = queued_;
    queue_cv_.wait(lock, [this, target] {
        return stopping_ || state_.load() == State::kFailed ||
               (state_.load() == State::kReady && applied_ >= target);
    });
}

Status EntryGraph::WriteNTriples(const std::function<bool(std::string_view)>& write) const {
    if (state_.load() != State::kReady) {
        return Status::Unavailable("the SPARQL graph is not ready yet");
    }
    constexpr size_t kTriplesPerPiece = 4096;
    std::optional<TripleGraph::Key3> last;  // the last key written (in the index order)
    std::string piece;
    for (;;) {
        piece.clear();
        {
            // One batch under the read lock; the lock is released while `write`
            // runs, so a slow client never holds up graph updates. The walk
            // resumes after the last key, in the merged order of both ranges.
            ReadView view = Read();
            const TripleGraph& g = view.graph();
            const TripleGraph::Matches all = g.Match({});
            const TripleGraph::Key3* at[2];
            for (int r = 0; r < 2; ++r) {
                at[r] = last ? std::upper_bound(all.ranges[r][0], all.ranges[r][1], *last)
                             : all.ranges[r][0];
            }
            for (size_t n = 0; n < kTriplesPerPiece; ++n) {
                const bool has0 = at[0] != all.ranges[0][1], has1 = at[1] != all.ranges[1][1];
                if (!has0 && !has1) break;
                const int r = !has1 || (has0 && *at[0] <= *at[1]) ? 0 : 1;
                const TripleGraph::Key3 key = *at[r];
                if (has0 && has1 && *at[0] == *at[1]) ++at[1 - r];  // the same triple twice
                ++at[r];
                last = key;
                const Triple t = TripleGraph::Unpermute(all.order, key);
                AppendTerm(piece, g.Key(t.s));
                piece += ' ';
                AppendTerm(piece, g.Key(t.p));
                piece += ' ';
                AppendTerm(piece, g.Key(t.o));
                piece += " .\n";
            }
        }
        if (piece.empty()) return Status::Ok();
        if (!write(piece)) return Status::Unavailable("the N-Triples export was cut (client gone)");
    }
}

}  // namespace mkt::redland
