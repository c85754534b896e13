// StreamPipe: hands the chunks of a streamed response from the worker that
// produces them to the reactor that writes them. Bounded: Push blocks while
// kWindowBytes wait, so a slow client holds a few pages per response, not the
// body. Thread-safe (one producer, one consumer).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

namespace mkt::http {

class StreamPipe {
  public:
    static constexpr size_t kWindowBytes = 256 * 1024;

    /// Producer: queues `bytes`, calling `wake` when the consumer may be waiting
    /// for them. Blocks while the window is full; false once aborted, or when the
    /// consumer took nothing for `stall` (the reactor is gone or stopped).
    bool Push(std::string bytes, const std::function<void()>& wake,
              std::chrono::milliseconds stall = std::chrono::seconds(120));
    /// Producer: no more bytes; `complete` = the body ended properly.
    void Finish(bool complete, const std::function<void()>& wake);

    /// Consumer: moves the waiting bytes out through `take` and unblocks the producer.
    template <typename Take>
    void Drain(Take&& take) {
        std::deque<std::string> pieces;
        {
            std::lock_guard lock(mu_);
            pieces.swap(pieces_);
            bytes_ = 0;
            wake_pending_ = false;
        }
        room_.notify_one();
        for (auto& piece : pieces) take(std::move(piece));
    }
    /// Consumer: the producer finished and everything was drained.
    bool finished() const;
    /// Consumer: finished with the last chunk written.
    bool complete() const;
    /// Consumer: the client is gone; the producer's next Push returns false.
    void Abort();

  private:
    mutable std::mutex mu_;
    std::condition_variable room_;
    std::deque<std::string> pieces_;
    size_t bytes_ = 0;
    bool wake_pending_ = false;
    bool finished_ = false, complete_ = false, aborted_ = false;
};

}  // namespace mkt::http
