#include "registry/status.hpp"

namespace mkt {

std::string_view StatusCodeName(StatusCode code) {
    switch (code) {
        case StatusCode::kOk:
            return "ok";
        case StatusCode::kInvalidArgument:
            return "invalid_argument";
        case StatusCode::kNotFound:
            return "not_found";
        case StatusCode::kAlreadyExists:
            return "already_exists";
        case StatusCode::kFailedPrecondition:
            return "failed_precondition";
        case StatusCode::kPermissionDenied:
            return "permission_denied";
        case StatusCode::kPayloadTooLarge:
            return "payload_too_large";
        case StatusCode::kUnsupportedMedia:
            return "unsupported_media_type";
        case StatusCode::kNotAcceptable:
            return "not_acceptable";
        case StatusCode::kMethodNotAllowed:
            return "method_not_allowed";
        case StatusCode::kUnavailable:
            return "unavailable";
        case StatusCode::kDeadlineExceeded:
            return "deadline_exceeded";
        case StatusCode::kInternal:
            return "internal";
    }
    return "unknown";
}

Status Status::WithPrefix(std::string_view prefix) const {
    if (ok()) return *this;
    return Status(code_, std::string(prefix) + message_);
}

std::string Status::ToString() const {
    if (ok()) return "ok";
    return std::string(StatusCodeName(code_)) + ": " + message_;
}

}  // namespace mkt
