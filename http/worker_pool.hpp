// WorkerPool: a fixed number of threads that run request handlers, fed by a
// bounded queue. TrySubmit refuses work when every thread is busy and the queue
// is full, so a burst of slow requests turns into quick 503s instead of a queue
// that grows with the load. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mkt::http {

class WorkerPool {
  public:
    /// `threads` >= 1; `queue_capacity` tasks may wait while all threads are busy.
    /// `nice` > 0 lowers the threads' scheduling priority (Linux per-thread nice),
    /// for CPU-heavy work that must yield to the rest of the server.
    WorkerPool(int threads, size_t queue_capacity, int nice = 0);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    /// Queues `task`; false (and `task` is dropped) when the queue is full or the
    /// pool is stopping.
    bool TrySubmit(std::function<void()> task);
    /// Runs the tasks already queued, then joins the threads. Idempotent.
    void Stop();

    int threads() const { return static_cast<int>(threads_.size()); }
    size_t queue_capacity() const { return capacity_; }

  private:
    void Run();

    const size_t capacity_;
    const int nice_;
    std::mutex mu_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> queue_;
    int idle_ = 0;  // threads not running a task
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace mkt::http
