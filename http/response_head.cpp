#include "http/response_head.hpp"

#include <ctime>

#include "http/status_mapping.hpp"
#include "registry/text.hpp"

namespace mkt::http {
namespace {

void AppendClean(std::string& out, std::string_view text) {
    if (text.find_first_of("\r\n") == std::string_view::npos) {
        out.append(text);
        return;
    }
    for (char c : text) {
        if (c != '\r' && c != '\n') out.push_back(c);
    }
}

bool IsFramingHeader(std::string_view name) {
    return text::EqualsIgnoreCase(name, "Content-Length") ||
           text::EqualsIgnoreCase(name, "Transfer-Encoding") ||
           text::EqualsIgnoreCase(name, "Connection") || text::EqualsIgnoreCase(name, "Date");
}

}  // namespace

std::string_view HttpDateNow() {
    thread_local std::time_t cached_second = 0;
    thread_local char text[40] = {};
    const std::time_t now = std::time(nullptr);
    if (now != cached_second) {
        std::tm utc{};
        gmtime_r(&now, &utc);
        std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
        cached_second = now;
    }
    return text;
}

std::string ResponseHead(const Response& response, const HeadFraming& framing) {
    std::string out;
    out.reserve(256);
    out.append("HTTP/1.1 ");
    out.append(std::to_string(response.status));
    out.push_back(' ');
    out.append(ReasonPhrase(response.status));
    out.append("\r\n");
    for (const auto& [name, value] : response.headers.items()) {
        if (IsFramingHeader(name)) continue;
        AppendClean(out, name);
        out.append(": ");
        AppendClean(out, value);
        out.append("\r\n");
    }
    out.append("Date: ");
    out.append(HttpDateNow());
    out.append("\r\n");
    const bool no_body = response.status < 200 || response.status == 204 || response.status == 304;
    if (!no_body) {
        if (framing.body == HeadFraming::Body::kChunked) {
            out.append("Transfer-Encoding: chunked\r\n");
        } else {
            out.append("Content-Length: ");
            out.append(std::to_string(framing.length));
            out.append("\r\n");
        }
    }
    if (framing.close) out.append("Connection: close\r\n");
    out.append("\r\n");
    return out;
}

void AppendChunk(std::string& out, std::string_view bytes) {
    if (bytes.empty()) return;  // an empty chunk would end the body
    static constexpr char kHex[] = "0123456789abcdef";
    char size[20];
    size_t n = 0;
    for (size_t v = bytes.size(); v != 0; v >>= 4) size[n++] = kHex[v & 15];
    while (n > 0) out.push_back(size[--n]);
    out.append("\r\n");
    out.append(bytes);
    out.append("\r\n");
}

}  // namespace mkt::http
