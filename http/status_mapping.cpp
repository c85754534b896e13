#include "http/status_mapping.hpp"

namespace mkt::http {

int HttpStatusFor(StatusCode code) {
    switch (code) {
        case StatusCode::kOk:
            return 200;
        case StatusCode::kInvalidArgument:
        case StatusCode::kFailedPrecondition:
            return 400;
        case StatusCode::kPermissionDenied:
            return 403;
        case StatusCode::kNotFound:
            return 404;
        case StatusCode::kMethodNotAllowed:
            return 405;
        case StatusCode::kNotAcceptable:
            return 406;
        case StatusCode::kAlreadyExists:
            return 409;
        case StatusCode::kPayloadTooLarge:
            return 413;
        case StatusCode::kUnsupportedMedia:
            return 415;
        case StatusCode::kInternal:
            return 500;
        case StatusCode::kUnavailable:
            return 503;
        case StatusCode::kDeadlineExceeded:
            return 503;
    }
    return 500;
}

std::string_view ReasonPhrase(int http_status) {
    switch (http_status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 304:
            return "Not Modified";
        case 400:
            return "Bad Request";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 406:
            return "Not Acceptable";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 411:
            return "Length Required";
        case 413:
            return "Payload Too Large";
        case 415:
            return "Unsupported Media Type";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 503:
            return "Service Unavailable";
        default:
            return "Unknown";
    }
}

}  // namespace mkt::http
