#include "registry/redland/graph_follower.hpp"

namespace mkt::redland {

GraphFollower::GraphFollower(const EntryStore& store, EntryGraph& graph, int64_t start_after_seq,
                             std::chrono::milliseconds interval)
    : store_(store), graph_(graph), interval_(interval), applied_(start_after_seq), thread_([this] {
          Run();
      }) {}

GraphFollower::~GraphFollower() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_cv_.notify_all();
    thread_.join();
}

bool GraphFollower::CatchUp() {
    for (;;) {
        Result<std::vector<Entry>> changes = store_.ChangesSince(applied_.load(), kBatch);
        if (!changes.ok()) return false;
        for (const Entry& e : *changes) {
            graph_.Add(e);
            applied_.store(e.seq);
        }
        if (changes->size() < kBatch) return true;
    }
}

void GraphFollower::Run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        (void)CatchUp();  // a failure is retried at the next interval
        lock.lock();
        stop_cv_.wait_for(lock, interval_, [&] { return stopping_; });
    }
}

}  // namespace mkt::redland
