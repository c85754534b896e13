#include "server/periodic_task.hpp"

namespace mkt::server {

void PeriodicTask::Start() {
    thread_ = std::thread([this] {
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
            lock.unlock();
            work_();
            lock.lock();
        }
    });
}

void PeriodicTask::Stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

}  // namespace mkt::server
