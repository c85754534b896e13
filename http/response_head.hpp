// The bytes of a response head: status line, the handler's headers (with CR
// and LF removed, so no value can inject a line; framing headers a handler set
// are dropped, the server decides them), Date, then the framing: Content-Length,
// chunked transfer coding, or none (1xx, 204, 304), and Connection: close when
// the connection ends after this response. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "http/request.hpp"

namespace mkt::http {

struct HeadFraming {
    enum class Body { kLength, kChunked };
    Body body = Body::kLength;
    size_t length = 0;  // kLength
    bool close = false;
};

std::string ResponseHead(const Response& response, const HeadFraming& framing);

/// One chunk of the chunked transfer coding ("<hex size>\r\n<bytes>\r\n").
void AppendChunk(std::string& out, std::string_view bytes);
/// The last chunk (no trailers).
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

/// The IMF-fixdate of now ("Sun, 06 Nov 1994 08:49:37 GMT"), computed once a second.
std::string_view HttpDateNow();

}  // namespace mkt::http
