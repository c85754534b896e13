// Clock: the injectable source of "now" for every time-dependent rule
// (upload window, valid/expired status, certificate dates, CRLs).
//
// The fixtures date from 2011-2016, so tests set a ManualClock inside a
// document's validity; production wires SystemClock once in server/ or cli/.
// Implementations are thread-safe.
#pragma once

#include <atomic>
#include <chrono>

#include "registry/timestamp.hpp"

namespace mkt {

class Clock {
  public:
    virtual ~Clock() = default;
    virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
  public:
    Timestamp Now() const override {
        using namespace std::chrono;
        return Timestamp::FromUnixSeconds(
            duration_cast<seconds>(system_clock::now().time_since_epoch()).count());
    }
};

/// A clock that only moves when told to (tests, benchmarks, fixture replay).
class ManualClock final : public Clock {
  public:
    explicit ManualClock(Timestamp start) : now_(start.unix_seconds()) {}
    Timestamp Now() const override { return Timestamp::FromUnixSeconds(now_.load()); }
    void Set(Timestamp t) { now_.store(t.unix_seconds()); }
    void Advance(int64_t seconds) { now_.fetch_add(seconds); }

  private:
    std::atomic<int64_t> now_;
};

}  // namespace mkt
