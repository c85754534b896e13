// multipart/form-data bodies of web and API uploads. Input: the Content-Type
// header value on the first line, the body after it. Invariant: the part found
// lies inside the body.
#include "fuzz/fuzz_support.hpp"
#include "http/multipart.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto [content_type, body] = mkt::fuzz::SplitFirstLine(mkt::fuzz::AsText(data, size));
    auto part = mkt::http::FirstFilePart(content_type, body);
    if (!part.ok()) {
        FUZZ_CHECK(!part.status().message().empty());
        return 0;
    }
    FUZZ_CHECK(part->content.size() <= body.size());
    FUZZ_CHECK(body.find(part->content) != std::string_view::npos);
    return 0;
}
