// Timestamp: a UTC instant with one-second resolution, the only time type of the domain.
//
// The metadata format writes instants as `yyyy-MM-ddTHH:mm:ssZ` (literal Z, no
// fractions, no offsets); Parse accepts exactly that and checks calendar ranges,
// Format writes exactly that, so Format(Parse(s)) == s for every valid s and the
// string form sorts in time order.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "registry/result.hpp"

namespace mkt {

class Timestamp {
  public:
    constexpr Timestamp() = default;
    static constexpr Timestamp FromUnixSeconds(int64_t s) { return Timestamp(s); }

    /// Strict `yyyy-MM-ddTHH:mm:ssZ`, years 0001-9999. Error: kInvalidArgument naming the text.
    static Result<Timestamp> Parse(std::string_view text);
    /// True when `text` has exactly the strict form (what Parse accepts).
    static bool IsValid(std::string_view text) { return Parse(text).ok(); }

    constexpr int64_t unix_seconds() const { return seconds_; }
    std::string ToString() const;

    constexpr Timestamp operator+(int64_t s) const { return Timestamp(seconds_ + s); }
    constexpr Timestamp operator-(int64_t s) const { return Timestamp(seconds_ - s); }
    constexpr int64_t operator-(Timestamp other) const { return seconds_ - other.seconds_; }
    constexpr auto operator<=>(const Timestamp&) const = default;

  private:
    constexpr explicit Timestamp(int64_t s) : seconds_(s) {}
    int64_t seconds_ = 0;
};

}  // namespace mkt
