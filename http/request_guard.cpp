#include "http/request_guard.hpp"

#include <charconv>

#include "http/request.hpp"
#include "registry/text.hpp"

namespace mkt::http {
namespace {

bool ParseDecimal(std::string_view text, uint64_t& out) {
    if (text.empty() || text.size() > 19) return false;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && ptr == text.data() + text.size();
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
    size_t pos = line_end + 2;
    while (pos < head.size()) {
        line_end = head.find("\r\n", pos);
        if (line_end == std::string_view::npos) line_end = head.size();
        const std::string_view line = head.substr(pos, line_end - pos);
        pos = line_end + 2;
        if (line.empty()) break;
        if (line.front() == ' ' || line.front() == '\t') return std::nullopt;  // obs-fold
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) return std::nullopt;
        const std::string_view name = line.substr(0, colon);
        if (name.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
        out.headers.emplace_back(std::string(name),
                                 std::string(text::TrimBlanks(line.substr(colon + 1))));
    }
    return out;
}

namespace {

// Offset of the first comma outside a quoted string, or npos.
size_t FirstListComma(std::string_view value) {
    bool quoted = false;
    for (size_t i = 0; i < value.size(); ++i) {
        if (quoted && value[i] == '\\') {
            ++i;
        } else if (value[i] == '"') {
            quoted = !quoted;
        } else if (!quoted && value[i] == ',') {
            return i;
        }
    }
    return std::string_view::npos;
}

}  // namespace

std::string FirstContentTypeOnly(std::string_view head) {
    std::string out;
    out.reserve(head.size());
    size_t pos = 0;
    while (pos < head.size()) {
        size_t end = head.find("\r\n", pos);
        end = end == std::string_view::npos ? head.size() : end + 2;
        const std::string_view line = head.substr(pos, end - pos);
        pos = end;
        const size_t colon = line.find(':');
        const size_t comma = colon == std::string_view::npos ? std::string_view::npos
                                                             : FirstListComma(line.substr(colon));
        if (comma == std::string_view::npos ||
            !text::EqualsIgnoreCase(line.substr(0, colon), "Content-Type")) {
            out.append(line);
            continue;
        }
        out.append(text::TrimBlanks(line.substr(0, colon + comma)));
        out.append("\r\n");
    }
    return out;
}

RequestGuard::Verdict RequestGuard::Reject(int status, std::string message) {
    state_ = State::kRejected;
    last_status_ = status;
    last_message_ = message;
    return Verdict{true, status, std::move(message), false};
}

RequestGuard::Verdict RequestGuard::OnHeadComplete() {
    auto parsed = ParseRawHead(head_);
    if (!parsed) return Reject(400, "malformed request head");
    std::optional<uint64_t> content_length;
    bool chunked = false, expect_continue = false;
    for (const auto& [name, value] : parsed->headers) {
        if (text::EqualsIgnoreCase(name, "Content-Length")) {
            uint64_t n = 0;
            if (!ParseDecimal(value, n))
                return Reject(400, "invalid Content-Length '" + value + "'");
            if (content_length && *content_length != n)
                return Reject(400, "conflicting Content-Length headers");
            content_length = n;
        } else if (text::EqualsIgnoreCase(name, "Transfer-Encoding")) {
            if (!text::EqualsIgnoreCase(value, "chunked")) {
                return Reject(400, "unsupported Transfer-Encoding '" + value + "' (only chunked)");
            }
            chunked = true;
        } else if (text::EqualsIgnoreCase(name, "Expect")) {
            expect_continue = text::EqualsIgnoreCase(value, "100-continue");
        }
    }
    if (chunked && content_length) {
        return Reject(400, "both Content-Length and Transfer-Encoding given");
    }
    if (content_length && *content_length > max_body_) {
        return Reject(413, "request body of " + std::to_string(*content_length) +
                               " bytes exceeds the limit of " + std::to_string(max_body_) +
                               " bytes");
    }
    if (head_.find(',') == std::string::npos) {
        forward_.append(head_);
    } else {
        forward_.append(FirstContentTypeOnly(head_));
    }
    heads_.push_back(std::move(head_));
    head_.clear();
    body_seen_ = 0;
    if (chunked) {
        state_ = State::kChunkSize;
    } else if (content_length && *content_length > 0) {
        state_ = State::kBody;
        remaining_ = *content_length;
    } else {
        state_ = State::kHead;
    }
    Verdict v;
    v.send_continue = expect_continue && state_ != State::kHead;
    return v;
}

bool RequestGuard::OnChunkSizeLine(std::string_view line) {
    const std::string_view size_text = text::TrimBlanks(line.substr(0, line.find(';')));
    uint64_t size = 0;
    if (size_text.empty() || size_text.size() > 15) return false;
    auto [ptr, ec] =
        std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (ec != std::errc() || ptr != size_text.data() + size_text.size()) return false;
    body_seen_ += size;
    if (size == 0) {
        state_ = State::kTrailer;
    } else {
        state_ = State::kChunkData;
        remaining_ = size;
    }
    return true;
}

RequestGuard::Verdict RequestGuard::Feed(std::string_view data) {
    Verdict result;
    forward_.clear();
    size_t pos = 0;
    while (pos < data.size()) {
        switch (state_) {
            case State::kRejected:
                return Verdict{true, last_status_, last_message_, false};
            case State::kHead: {
                // Look for the end of the head across the boundary with earlier bytes.
                const size_t old = head_.size();
                const size_t take =
                    std::min(data.size() - pos, max_header_ + 4 - std::min(old, max_header_ + 4));
                head_.append(data.substr(pos, take));
                const size_t search_from = old >= 3 ? old - 3 : 0;
                const size_t end = head_.find("\r\n\r\n", search_from);
                if (end == std::string::npos) {
                    if (head_.size() > max_header_) {
                        return Reject(
                            431, "request head exceeds " + std::to_string(max_header_) + " bytes");
                    }
                    pos += take;
                    break;
                }
                const size_t head_len = end + 4;
                pos += head_len - old;
                head_.resize(head_len);
                if (head_len > max_header_) {
                    return Reject(431,
                                  "request head exceeds " + std::to_string(max_header_) + " bytes");
                }
                Verdict v = OnHeadComplete();
                if (v.reject) return v;
                result.send_continue = result.send_continue || v.send_continue;
                break;
            }
            case State::kBody:
            case State::kChunkData: {
                const uint64_t take = std::min<uint64_t>(remaining_, data.size() - pos);
                forward_.append(data.substr(pos, take));
                pos += take;
                remaining_ -= take;
                if (remaining_ == 0)
                    state_ = state_ == State::kBody ? State::kHead : State::kChunkDataEnd;
                break;
            }
            case State::kChunkSize:
            case State::kChunkDataEnd:
            case State::kTrailer: {
                const char c = data[pos++];
                forward_.push_back(c);
                line_.push_back(c);
                if (line_.size() > 4096) return Reject(400, "chunk framing line too long");
                if (c != '\n') break;
                if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
                    return Reject(400, "malformed chunked body");
                }
                const std::string_view line(line_.data(), line_.size() - 2);
                if (state_ == State::kChunkDataEnd) {
                    if (!line.empty()) return Reject(400, "malformed chunked body");
                    state_ = State::kChunkSize;
                } else if (state_ == State::kChunkSize) {
                    if (!OnChunkSizeLine(line)) return Reject(400, "malformed chunk size");
                    if (body_seen_ > max_body_) {
                        return Reject(413, "request body exceeds the limit of " +
                                               std::to_string(max_body_) + " bytes");
                    }
                } else if (line.empty()) {
                    state_ = State::kHead;  // end of trailers: request complete
                }
                line_.clear();
                break;
            }
        }
    }
    return result;
}

}  // namespace mkt::http
