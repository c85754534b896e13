// Request and Response: the HTTP values front-end handlers see.
//
// These are plain values built by http/server.cpp from Pistache's types, so no
// handler (and nothing outside http/) ever includes a Pistache header. Header
// names compare case-insensitively; path segments and query values are
// percent-decoded once, here.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/status.hpp"

namespace mkt::http {

enum class Method { kGet, kHead, kPost, kPut, kDelete, kPatch, kOptions, kOther };
std::string_view MethodName(Method method);
Method ParseMethod(std::string_view name);

/// Ordered header list with case-insensitive lookup.
class Headers {
  public:
    void Add(std::string name, std::string value) {
        items_.emplace_back(std::move(name), std::move(value));
    }
    /// Replaces every header of that name with one value.
    void Set(std::string name, std::string value);
    std::optional<std::string> Get(std::string_view name) const;
    bool Has(std::string_view name) const { return Get(name).has_value(); }
    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

  private:
    std::vector<std::pair<std::string, std::string>> items_;
};

/// Per-request values computed once by the dispatcher.
struct RequestContext {
    std::string request_id;
    std::string base_url;  // "scheme://host[:port]/" always ending in '/'
    std::string remote;    // client address
};

struct Request {
    Method method = Method::kGet;
    std::string method_name;                                 // as received (for logs and 405s)
    std::string target;                                      // raw request target (path?query)
    std::string path;                                        // raw path, before decoding
    std::vector<std::string> segments;                       // decoded, empty segments dropped
    std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
    Headers headers;
    std::string body;
    RequestContext context;
    /// Named path parameters bound by the router ({name} -> decoded segment).
    std::vector<std::pair<std::string, std::string>> params;

    std::optional<std::string> QueryParam(std::string_view name) const;
    /// All values of a repeated query parameter.
    std::vector<std::string> QueryParams(std::string_view name) const;
    /// The bound path parameter, or an empty string.
    const std::string& Param(std::string_view name) const;
};

/// Receives the pieces of a streamed body. Write() blocks while the client is
/// behind (back-pressure: a few pages are buffered per response, whatever the
/// body's size) and returns false once the client is gone or has stopped
/// reading for the write timeout; the producer should then stop.
class BodySink {
  public:
    virtual ~BodySink() = default;
    virtual bool Write(std::string_view bytes) = 0;
};

/// Writes a body in pieces on a worker thread, after the head is sent (with
/// chunked transfer coding). A failure it returns once the head is out cannot
/// change the status any more: the connection is closed without the last
/// chunk, so the client sees a truncated body rather than a complete wrong one.
using BodyProducer = std::function<Status(BodySink&)>;

struct Response {
    int status = 200;
    Headers headers;
    std::string body;
    /// When set, the body instead of `body`: bytes owned elsewhere (e.g. a cached
    /// entry's signed document), sent without a copy.
    std::shared_ptr<const std::string> shared_body;
    /// When set, the body instead of `body`: written in pieces (see BodyProducer).
    BodyProducer stream;
    /// For a streamed response: the answer when the producer fails before writing
    /// a byte (set by the dispatcher: the route's error format, the common headers).
    std::function<Response(const Status&)> stream_error;
    /// For a HEAD request: the length the GET's body has (sent as Content-Length).
    std::optional<size_t> head_length;

    std::string_view Body() const { return shared_body ? std::string_view(*shared_body) : body; }
    static Response Make(int status, std::string content_type, std::string body);
};

/// Splits "path?query" into a Request's path, segments and query (decoded).
/// An absolute-form target ("http://host:port/path?query", which HTTP/1.1
/// servers must accept, RFC 9112 section 3.2.2) is read as its origin form; its
/// authority is ignored (links are built from http.public_url or Host, as for
/// any request). Returns false for an undecodable target (bad percent escape,
/// NUL byte).
bool ParseTarget(std::string_view target, Request& request);
/// The origin form of a request target: an absolute-form target without its
/// scheme and authority ("/" when it has no path); any other target unchanged.
std::string_view OriginForm(std::string_view target);
/// Percent-decodes `text`; '+' becomes a space when `plus_is_space`. Empty on bad escapes.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);
/// Parses an application/x-www-form-urlencoded string into pairs.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseFormEncoded(
    std::string_view text);

}  // namespace mkt::http
