#include "http/request_framer.hpp"

#include <charconv>

#include "registry/text.hpp"

namespace mkt::http {
namespace {

bool ParseDecimal(std::string_view text, uint64_t& out) {
    if (text.empty() || text.size() > 19) return false;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && ptr == text.data() + text.size();
}

// RFC 9110 token characters (methods and header names).
bool IsToken(std::string_view text) {
    if (text.empty()) return false;
    for (unsigned char c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') ||
                        std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) !=
                            std::string_view::npos;
        if (!ok) return false;
    }
    return true;
}

// A request target carries visible ASCII only (no blanks, no control bytes).
bool IsVisibleAscii(std::string_view text) {
    if (text.empty()) return false;
    for (unsigned char c : text) {
        if (c <= 0x20 || c >= 0x7f) return false;
    }
    return true;
}

}  // namespace

std::optional<RawHead> ParseRawHead(std::string_view head) {
    RawHead out;
    size_t line_end = head.find("\r\n");
    if (line_end == std::string_view::npos) return std::nullopt;
    const std::string_view request_line = head.substr(0, line_end);
    const size_t sp1 = request_line.find(' ');
    const size_t sp2 = request_line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1) return std::nullopt;
    out.method = std::string(request_line.substr(0, sp1));
    out.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
    out.version = std::string(request_line.substr(sp2 + 1));
    if (!IsToken(out.method) || !IsVisibleAscii(out.target)) return std::nullopt;
    size_t pos = line_end + 2;
    while (pos < head.size()) {
        line_end = head.find("\r\n", pos);
        if (line_end == std::string_view::npos) line_end = head.size();
        const std::string_view line = head.substr(pos, line_end - pos);
        pos = line_end + 2;
        if (line.empty()) break;
        if (line.front() == ' ' || line.front() == '\t') return std::nullopt;  // obs-fold
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos) return std::nullopt;
        const std::string_view name = line.substr(0, colon);
        const std::string_view value = text::TrimBlanks(line.substr(colon + 1));
        if (!IsToken(name) ||
            value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
            return std::nullopt;
        }
        out.headers.emplace_back(std::string(name), std::string(value));
    }
    return out;
}

RequestFramer::Step RequestFramer::Reject(Step step, int status, std::string message) {
    state_ = State::kRejected;
    rejected_status_ = status;
    rejected_message_ = message;
    step.event = Event::kRejected;
    step.status = status;
    step.message = std::move(message);
    return step;
}

std::optional<std::pair<int, std::string>> RequestFramer::OnHeadComplete(bool& expect_continue) {
    auto parsed = ParseRawHead(head_);
    if (!parsed) return std::pair{400, std::string("malformed request head")};
    if (parsed->version != "HTTP/1.1" && parsed->version != "HTTP/1.0") {
        if (!parsed->version.starts_with("HTTP/")) {
            return std::pair{400, "malformed request line (version '" + parsed->version + "')"};
        }
        return std::pair{505, "HTTP version '" + parsed->version + "' is not supported"};
    }
    std::optional<uint64_t> content_length;
    bool chunked = false;
    for (const auto& [name, value] : parsed->headers) {
        if (text::EqualsIgnoreCase(name, "Content-Length")) {
            uint64_t n = 0;
            if (!ParseDecimal(value, n))
                return std::pair{400, "invalid Content-Length '" + value + "'"};
            if (content_length && *content_length != n) {
                return std::pair{400, std::string("conflicting Content-Length headers")};
            }
            content_length = n;
        } else if (text::EqualsIgnoreCase(name, "Transfer-Encoding")) {
            if (!text::EqualsIgnoreCase(value, "chunked")) {
                return std::pair{400,
                                 "unsupported Transfer-Encoding '" + value + "' (only chunked)"};
            }
            chunked = true;
        } else if (text::EqualsIgnoreCase(name, "Expect")) {
            expect_continue = text::EqualsIgnoreCase(value, "100-continue");
        }
    }
    if (chunked && content_length) {
        return std::pair{400, std::string("both Content-Length and Transfer-Encoding given")};
    }
    if (content_length && *content_length > max_body_) {
        return std::pair{413, "request body of " + std::to_string(*content_length) +
                                  " bytes exceeds the limit of " + std::to_string(max_body_) +
                                  " bytes"};
    }
    body_.clear();
    if (chunked) {
        state_ = State::kChunkSize;
    } else if (content_length && *content_length > 0) {
        state_ = State::kBody;
        remaining_ = *content_length;
        body_.reserve(*content_length);
    } else {
        state_ = State::kComplete;
    }
    expect_continue = expect_continue && state_ != State::kComplete;
    return std::nullopt;
}

bool RequestFramer::OnChunkSizeLine(std::string_view line) {
    const std::string_view size_text = text::TrimBlanks(line.substr(0, line.find(';')));
    uint64_t size = 0;
    if (size_text.empty() || size_text.size() > 15) return false;
    auto [ptr, ec] =
        std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (ec != std::errc() || ptr != size_text.data() + size_text.size()) return false;
    if (size == 0) {
        state_ = State::kTrailer;
    } else {
        state_ = State::kChunkData;
        remaining_ = size;
    }
    return true;
}

bool RequestFramer::FeedHead(std::string_view data, size_t& pos) {
    // Look for the end of the head across the boundary with earlier bytes.
    const size_t old = head_.size();
    const size_t room = max_header_ + 4 - std::min(old, max_header_ + 4);
    const size_t take = std::min(data.size() - pos, room);
    head_.append(data.substr(pos, take));
    const size_t end = head_.find("\r\n\r\n", old >= 3 ? old - 3 : 0);
    if (end == std::string::npos) {
        pos += take;
        return false;
    }
    const size_t head_len = end + 4;
    pos += head_len - old;
    head_.resize(head_len);
    return true;
}

RequestFramer::Step RequestFramer::Feed(std::string_view data) {
    Step step;
    size_t& pos = step.consumed;
    if (state_ == State::kRejected) return Reject(step, rejected_status_, rejected_message_);
    while (state_ != State::kComplete && pos < data.size()) {
        switch (state_) {
            case State::kComplete:
            case State::kRejected:
                break;
            case State::kHead: {
                // Blank lines before a request line are ignored (RFC 9112 section 2.2).
                if (head_.empty() && (data[pos] == '\r' || data[pos] == '\n')) {
                    ++pos;
                    break;
                }
                const bool complete = FeedHead(data, pos);
                if (head_.size() > max_header_) {
                    return Reject(step, 431,
                                  "request head exceeds " + std::to_string(max_header_) + " bytes");
                }
                if (!complete) break;
                bool expect_continue = false;
                if (auto refusal = OnHeadComplete(expect_continue)) {
                    return Reject(step, refusal->first, std::move(refusal->second));
                }
                step.send_continue = expect_continue;
                break;
            }
            case State::kBody:
            case State::kChunkData: {
                const uint64_t take = std::min<uint64_t>(remaining_, data.size() - pos);
                body_.append(data.substr(pos, take));
                pos += take;
                remaining_ -= take;
                if (body_.size() > max_body_) {
                    return Reject(step, 413,
                                  "request body exceeds the limit of " + std::to_string(max_body_) +
                                      " bytes");
                }
                if (remaining_ == 0)
                    state_ = state_ == State::kBody ? State::kComplete : State::kChunkDataEnd;
                break;
            }
            case State::kChunkSize:
            case State::kChunkDataEnd:
            case State::kTrailer: {
                const char c = data[pos++];
                line_.push_back(c);
                if (line_.size() > 4096) return Reject(step, 400, "chunk framing line too long");
                if (c != '\n') break;
                if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
                    return Reject(step, 400, "malformed chunked body");
                }
                const std::string_view line(line_.data(), line_.size() - 2);
                if (state_ == State::kChunkDataEnd) {
                    if (!line.empty()) return Reject(step, 400, "malformed chunked body");
                    state_ = State::kChunkSize;
                } else if (state_ == State::kChunkSize) {
                    if (!OnChunkSizeLine(line)) return Reject(step, 400, "malformed chunk size");
                    if (state_ == State::kChunkData && body_.size() + remaining_ > max_body_) {
                        return Reject(step, 413,
                                      "request body exceeds the limit of " +
                                          std::to_string(max_body_) + " bytes");
                    }
                } else if (line.empty()) {
                    state_ = State::kComplete;  // end of trailers: request complete
                }
                line_.clear();
                break;
            }
        }
    }
    if (state_ == State::kComplete) {
        step.event = Event::kRequest;
        step.send_continue = false;  // the body is already here
    }
    return step;
}

FramedRequest RequestFramer::Take() {
    FramedRequest out{std::move(head_), std::move(body_)};
    head_.clear();
    body_.clear();
    line_.clear();
    state_ = State::kHead;
    return out;
}

}  // namespace mkt::http
