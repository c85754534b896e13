// The HTTP/1.1 request framer (http/request_framer.hpp), the first parser every
// byte from the network meets. Input: the raw byte stream of one connection.
// Invariants: the framer never consumes more than it is given and always makes
// progress or asks for more; a refusal names its status and problem; and the
// requests framed (heads and decoded bodies), the refusal and where it happens
// are the same whether the stream arrives whole or one byte at a time: a
// request boundary never depends on how TCP cut the stream. Every framed head
// parses (ParseRawHead) and no body exceeds the limit.
#include <string>
#include <vector>

#include "fuzz/fuzz_support.hpp"
#include "http/request_framer.hpp"

namespace {

constexpr size_t kMaxHeader = 2048;
constexpr size_t kMaxBody = 4096;

struct Framed {
    std::vector<mkt::http::FramedRequest> requests;
    int refusal = 0;
    size_t consumed = 0;  // bytes used before the refusal or the end
};

// Frames `stream` fed in pieces of `piece` bytes (0: whole).
Framed FrameStream(std::string_view stream, size_t piece) {
    Framed out;
    mkt::http::RequestFramer framer(kMaxHeader, kMaxBody);
    std::string pending;
    size_t fed = 0;
    while (fed < stream.size() || !pending.empty()) {
        if (fed < stream.size()) {
            const size_t n =
                piece == 0 ? stream.size() - fed : std::min(piece, stream.size() - fed);
            pending.append(stream.substr(fed, n));
            fed += n;
        }
        for (;;) {
            const auto step = framer.Feed(pending);
            FUZZ_CHECK(step.consumed <= pending.size());
            pending.erase(0, step.consumed);
            out.consumed += step.consumed;
            if (step.event == mkt::http::RequestFramer::Event::kRejected) {
                FUZZ_CHECK(step.status == 400 || step.status == 413 || step.status == 431 ||
                           step.status == 505);
                FUZZ_CHECK(!step.message.empty());
                out.refusal = step.status;
                return out;
            }
            if (step.event == mkt::http::RequestFramer::Event::kNeedMore) {
                FUZZ_CHECK(pending.empty());  // it asks for more only when it used everything
                break;
            }
            out.requests.push_back(framer.Take());
            const auto& framed = out.requests.back();
            FUZZ_CHECK(mkt::http::ParseRawHead(framed.head).has_value());
            FUZZ_CHECK(framed.head.size() <= kMaxHeader);
            FUZZ_CHECK(framed.body.size() <= kMaxBody);
        }
        if (fed == stream.size()) break;
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view stream = mkt::fuzz::AsText(data, size);
    const Framed whole = FrameStream(stream, 0);
    const Framed bytewise = FrameStream(stream, 1);
    FUZZ_CHECK(whole.refusal == bytewise.refusal);
    FUZZ_CHECK(whole.requests.size() == bytewise.requests.size());
    for (size_t i = 0; i < whole.requests.size(); ++i) {
        FUZZ_CHECK(whole.requests[i].head == bytewise.requests[i].head);
        FUZZ_CHECK(whole.requests[i].body == bytewise.requests[i].body);
    }
    return 0;
}
