#include "http/stream_pipe.hpp"

namespace mkt::http {

bool StreamPipe::Push(std::string bytes, const std::function<void()>& wake,
                      std::chrono::milliseconds stall) {
    bool notify = false;
    {
        std::unique_lock lock(mu_);
        if (!room_.wait_for(lock, stall, [this] { return aborted_ || bytes_ < kWindowBytes; })) {
            aborted_ = true;  // nobody drains: give up rather than block for ever
        }
        if (aborted_) return false;
        bytes_ += bytes.size();
        pieces_.push_back(std::move(bytes));
        notify = !wake_pending_;
        wake_pending_ = true;
    }
    if (notify) wake();
    return true;
}

void StreamPipe::Finish(bool complete, const std::function<void()>& wake) {
    {
        std::lock_guard lock(mu_);
        finished_ = true;
        complete_ = complete;
    }
    wake();
}

bool StreamPipe::finished() const {
    std::lock_guard lock(mu_);
    return finished_ && pieces_.empty();
}

bool StreamPipe::complete() const {
    std::lock_guard lock(mu_);
    return complete_;
}

void StreamPipe::Abort() {
    {
        std::lock_guard lock(mu_);
        aborted_ = true;
    }
    room_.notify_all();
}

}  // namespace mkt::http
