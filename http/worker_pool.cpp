#include "http/worker_pool.hpp"

#include <sys/resource.h>
#include <unistd.h>

namespace mkt::http {

WorkerPool::WorkerPool(int threads, size_t queue_capacity, int nice)
    : capacity_(queue_capacity), nice_(nice) {
    threads_.reserve(static_cast<size_t>(std::max(threads, 1)));
    idle_ = std::max(threads, 1);  // threads not running a task, started or not
    for (int i = 0; i < std::max(threads, 1); ++i) threads_.emplace_back([this] { Run(); });
}

WorkerPool::~WorkerPool() { Stop(); }

bool WorkerPool::TrySubmit(std::function<void()> task) {
    {
        std::lock_guard lock(mu_);
        // Queued tasks go to the idle threads first; beyond them, up to the
        // capacity may wait.
        const size_t waiting = queue_.size() + 1;
        if (stopping_ || waiting > static_cast<size_t>(idle_) + capacity_) return false;
        queue_.push_back(std::move(task));
    }
    ready_.notify_one();
    return true;
}

void WorkerPool::Stop() {
    {
        std::lock_guard lock(mu_);
        if (stopping_ && threads_.empty()) return;
        stopping_ = true;
    }
    ready_.notify_all();
    for (auto& thread : threads_) {
        if (thread.joinable()) thread.join();
    }
    threads_.clear();
}

void WorkerPool::Run() {
    // On Linux a thread id names one thread, so this lowers only this one.
    if (nice_ > 0) setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), nice_);
    std::unique_lock lock(mu_);
    for (;;) {
        ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, nothing left to run
        std::function<void()> task = std::move(queue_.front());
        queue_.pop_front();
        --idle_;
        lock.unlock();
        task();
        task = nullptr;  // release what it holds before waiting again
        lock.lock();
        ++idle_;
    }
}

}  // namespace mkt::http
