// RequestGuard: per-connection framing watchdog that runs before Pistache
// buffers a request, so oversized or ambiguous requests are refused early.
//
// It follows the byte stream of one connection: request head (until CRLFCRLF),
// then the body by Content-Length or chunked framing. It refuses a head over
// max_header_bytes (431), a declared or accumulated body over max_body_bytes
// (413), and ambiguous framing that enables request smuggling (both
// Content-Length and Transfer-Encoding, conflicting Content-Lengths, a
// transfer coding other than chunked, broken chunk syntax: 400). Each complete
// head is queued so the server can rebuild the request exactly as sent (raw
// target, headers in order). What Pistache should parse comes out of
// forwarded(): the same bytes, except that a request head is passed on only when
// complete, with a Content-Type list ("text/plain,text/occi", which OCCI
// clients send and Pistache answers with 415) cut to its first media type; the
// queued head keeps the header as sent. Not thread-safe: one guard per connection, fed
// from that connection's reactor thread.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mkt::http {

class RequestGuard {
  public:
    RequestGuard(size_t max_header_bytes, size_t max_body_bytes)
        : max_header_(max_header_bytes), max_body_(max_body_bytes) {}

    struct Verdict {
        bool reject = false;
        int status = 0;              // when reject: 400, 413 or 431
        std::string message;         // when reject: names the limit and the size
        bool send_continue = false;  // a complete head asked for 100-continue
    };

    /// Consumes the next bytes of the connection. After a rejection every
    /// further call rejects again (the connection is to be closed).
    Verdict Feed(std::string_view data);

    bool rejected() const { return state_ == State::kRejected; }
    /// The bytes of the last Feed to hand to the HTTP parser (see above).
    std::string_view forwarded() const { return forward_; }
    /// Heads of requests whose head is complete, oldest first.
    std::deque<std::string>& heads() { return heads_; }
    /// The head being received (for rendering an error in the client's format).
    const std::string& partial_head() const { return head_; }

  private:
    enum class State { kHead, kBody, kChunkSize, kChunkData, kChunkDataEnd, kTrailer, kRejected };
    Verdict Reject(int status, std::string message);
    Verdict OnHeadComplete();
    /// Processes one chunk-size line; false on a syntax error.
    bool OnChunkSizeLine(std::string_view line);

    size_t max_header_, max_body_;
    State state_ = State::kHead;
    std::string head_;
    std::string line_;        // chunk-size or trailer line being read
    uint64_t remaining_ = 0;  // body or chunk bytes still expected
    uint64_t body_seen_ = 0;  // chunked: decoded bytes so far
    std::deque<std::string> heads_;
    std::string forward_;  // output of the last Feed
    std::string last_message_;
    int last_status_ = 0;
};

/// Parses "Name: value" lines of a raw request head (after the request line).
/// Returns the request line separately. Obsolete line folding is refused.
struct RawHead {
    std::string method, target, version;
    std::vector<std::pair<std::string, std::string>> headers;
};
std::optional<RawHead> ParseRawHead(std::string_view head);

/// `head` with each Content-Type value that lists several media types cut to the
/// first one (commas inside quoted strings do not separate); other bytes unchanged.
std::string FirstContentTypeOnly(std::string_view head);

}  // namespace mkt::http
