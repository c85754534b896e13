// Status: the error carrier of the whole project (leveldb style).
//
// Every fallible domain function returns Status or Result<T> and never throws.
// A Status is a code plus a human-readable message that names the problem; the
// message is what clients see, so it must be precise ("dcterms:valid value (x) is
// not a valid date"), never generic. Codes are protocol-neutral: http/ maps them
// to HTTP statuses in exactly one table (http/status_mapping.cpp), the CLI maps
// them to exit codes in one function.
//
// Thread-safety: a Status is an immutable value; const methods may be called
// from any thread.
#pragma once

#include <string>
#include <string_view>

namespace mkt {

enum class StatusCode {
    kOk = 0,
    kInvalidArgument,     // malformed or rejected input (parse, constraints, signature, rules)
    kNotFound,            // no such entry / resource
    kAlreadyExists,       // same key already stored with different content
    kFailedPrecondition,  // well-formed but refused by what is stored (older than the
                          // endorser's latest entry for the image)
    kPermissionDenied,    // well-formed but not trusted (CA, revocation, binding), read-only
    kPayloadTooLarge,     // input over a configured size limit
    kUnsupportedMedia,    // content type we cannot read
    kNotAcceptable,       // no representation matches the client's Accept
    kMethodNotAllowed,    // resource exists, method does not
    kUnavailable,         // temporary: busy store, shutting down
    kDeadlineExceeded,    // a time limit was hit
    kInternal,            // a bug or an unexpected library failure
};

/// Name of a code, e.g. "invalid_argument"; stable, used in JSON error bodies.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
  public:
    Status() = default;  // OK
    Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

    static Status Ok() { return {}; }
    static Status InvalidArgument(std::string m) {
        return {StatusCode::kInvalidArgument, std::move(m)};
    }
    static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
    static Status AlreadyExists(std::string m) {
        return {StatusCode::kAlreadyExists, std::move(m)};
    }
    static Status FailedPrecondition(std::string m) {
        return {StatusCode::kFailedPrecondition, std::move(m)};
    }
    static Status PermissionDenied(std::string m) {
        return {StatusCode::kPermissionDenied, std::move(m)};
    }
    static Status PayloadTooLarge(std::string m) {
        return {StatusCode::kPayloadTooLarge, std::move(m)};
    }
    static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
    static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

    bool ok() const { return code_ == StatusCode::kOk; }
    StatusCode code() const { return code_; }
    const std::string& message() const { return message_; }

    /// Same code, message prefixed with context: "signature: " + message.
    Status WithPrefix(std::string_view prefix) const;
    /// "invalid_argument: message" (or "ok").
    std::string ToString() const;

    friend bool operator==(const Status& a, const Status& b) {
        return a.code_ == b.code_ && a.message_ == b.message_;
    }

  private:
    StatusCode code_ = StatusCode::kOk;
    std::string message_;
};

}  // namespace mkt
