// StatusCounts: how many operations ended with each StatusCode, for the
// operational figures (/metrics) of components that report outcomes as Status.
// The set of codes is closed, so a count per code is a bounded set of reason
// classes. Count is one relaxed atomic add: safe from any thread, no lock.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "registry/status.hpp"

namespace mkt {

inline constexpr size_t kStatusCodeCount = static_cast<size_t>(StatusCode::kInternal) + 1;

class StatusCounts {
  public:
    void Count(StatusCode code) {
        counts_[static_cast<size_t>(code)].fetch_add(1, std::memory_order_relaxed);
    }
    uint64_t operator[](StatusCode code) const {
        return counts_[static_cast<size_t>(code)].load(std::memory_order_relaxed);
    }

  private:
    std::array<std::atomic<uint64_t>, kStatusCodeCount> counts_{};
};

}  // namespace mkt
