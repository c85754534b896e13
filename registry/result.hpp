// Result<T>: either a value or a non-OK Status (cf. absl::StatusOr).
//
// Accessing value() of an error Result is a programming error (asserts).
// MKT_RETURN_IF_ERROR and MKT_ASSIGN_OR_RETURN give the early-return idiom
// (serd's TRY) without exceptions.
#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "registry/status.hpp"

namespace mkt {

template <typename T>
class [[nodiscard]] Result {
  public:
    Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
    Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
        assert(!status_.ok() && "Result constructed from an OK status without a value");
        if (status_.ok()) status_ = Status::Internal("Result built from OK status without value");
    }

    bool ok() const { return value_.has_value(); }
    const Status& status() const { return status_; }

    T& value() & {
        assert(ok());
        return *value_;
    }
    const T& value() const& {
        assert(ok());
        return *value_;
    }
    T&& value() && {
        assert(ok());
        return std::move(*value_);
    }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

  private:
    Status status_;
    std::optional<T> value_;
};

}  // namespace mkt

#define MKT_CONCAT_INNER(a, b) a##b
#define MKT_CONCAT(a, b) MKT_CONCAT_INNER(a, b)

/// Returns the Status from the enclosing function if `expr` is not OK.
#define MKT_RETURN_IF_ERROR(expr)                  \
    do {                                           \
        ::mkt::Status mkt_status_ = (expr);        \
        if (!mkt_status_.ok()) return mkt_status_; \
    } while (false)

/// `MKT_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result or returns its Status.
#define MKT_ASSIGN_OR_RETURN(lhs, expr) \
    MKT_ASSIGN_OR_RETURN_IMPL(MKT_CONCAT(mkt_result_, __LINE__), lhs, expr)
#define MKT_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
    auto tmp = (expr);                            \
    if (!tmp.ok()) return tmp.status();           \
    lhs = std::move(tmp).value()
