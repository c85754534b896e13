// RequestFramer: the one HTTP/1.1 request parser of a connection.
//
// It reads the byte stream of one connection and cuts it into complete
// requests: the head (until CRLFCRLF), then the body by Content-Length or
// chunked framing (decoded here). Feed() stops at the end of each request, so
// the bytes of a pipelined next request stay with the caller until it is ready
// for them: the handler of request n sees exactly request n, whatever came
// before it on the connection.
//
// Refused, with the status to answer and a message that names the problem:
// a head over max_header_bytes (431), a declared or accumulated body over
// max_body_bytes (413, before the body is read), a malformed request line or
// header line, a target with spaces or control characters, obsolete line
// folding, and every framing shape that enables request smuggling (both
// Content-Length and Transfer-Encoding, conflicting Content-Lengths, a
// transfer coding other than chunked, broken chunk syntax): 400; an HTTP
// version other than 1.0 and 1.1: 505. After a refusal the framer stays
// refused (the connection is to be closed). Not thread-safe: one per
// connection, used from that connection's reactor thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mkt::http {

/// The parts of a request head, exactly as sent (header order kept).
struct RawHead {
    std::string method, target, version;
    std::vector<std::pair<std::string, std::string>> headers;
};

/// Parses a raw request head (request line, then "Name: value" lines). Refuses
/// obsolete line folding, a header name with blanks, a value with CR, LF or NUL.
std::optional<RawHead> ParseRawHead(std::string_view head);

/// One complete request: its head as sent and its decoded body.
struct FramedRequest {
    std::string head;
    std::string body;
};

class RequestFramer {
  public:
    RequestFramer(size_t max_header_bytes, size_t max_body_bytes)
        : max_header_(max_header_bytes), max_body_(max_body_bytes) {}

    enum class Event { kNeedMore, kRequest, kRejected };
    struct Step {
        Event event = Event::kNeedMore;
        size_t consumed = 0;         // bytes of `data` used
        int status = 0;              // kRejected: 400, 413, 431 or 505
        std::string message;         // kRejected: names the limit or the fault
        bool send_continue = false;  // a head asked for 100-continue and its body is awaited
    };

    /// Consumes bytes of `data` until a request is complete (kRequest: take it
    /// with Take()), the bytes run out (kNeedMore), or the framing is refused.
    Step Feed(std::string_view data);

    /// The request completed by the last Feed; the framer is then ready for the next one.
    FramedRequest Take();

    /// Some bytes of a request (head or body) have been received and it is not complete.
    bool in_request() const { return state_ != State::kHead || !head_.empty(); }
    /// The head is complete and the body is being received.
    bool reading_body() const { return state_ != State::kHead && state_ != State::kRejected; }
    /// The head received so far (to render an error in the client's format).
    const std::string& partial_head() const { return head_; }

  private:
    enum class State {
        kHead,
        kBody,
        kChunkSize,
        kChunkData,
        kChunkDataEnd,
        kTrailer,
        kComplete,
        kRejected
    };
    Step Reject(Step step, int status, std::string message);
    /// Validates the complete head and sets up the body state. Empty on success,
    /// else {status, message}.
    std::optional<std::pair<int, std::string>> OnHeadComplete(bool& expect_continue);
    /// Processes one chunk-size line; false on a syntax error.
    bool OnChunkSizeLine(std::string_view line);
    /// Consumes head bytes; true when the head is complete.
    bool FeedHead(std::string_view data, size_t& pos);

    size_t max_header_, max_body_;
    State state_ = State::kHead;
    std::string head_;
    std::string body_;
    std::string line_;        // chunk-size or trailer line being read
    uint64_t remaining_ = 0;  // body or chunk bytes still expected
    int rejected_status_ = 0;
    std::string rejected_message_;
};

}  // namespace mkt::http
