// PeriodicTask: runs one function on a thread of its own every `interval` until
// stopped (the first run after one interval). Stop wakes the thread at once
// and joins it; the destructor stops.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace mkt::server {

class PeriodicTask {
  public:
    PeriodicTask(std::chrono::milliseconds interval, std::function<void()> work)
        : interval_(interval), work_(std::move(work)) {}
    ~PeriodicTask() { Stop(); }
    PeriodicTask(const PeriodicTask&) = delete;
    PeriodicTask& operator=(const PeriodicTask&) = delete;

    void Start();
    /// Idempotent.
    void Stop();

  private:
    std::chrono::milliseconds interval_;
    std::function<void()> work_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace mkt::server
