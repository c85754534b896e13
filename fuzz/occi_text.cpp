// The OCCI text renderings a client sends: a text/plain body, the same lines as
// text/occi headers, and each field parser. Invariant: a value written with
// Quote() is read back unchanged by ParseAttribute.
#include <string>
#include <utility>
#include <vector>

#include "fuzz/fuzz_support.hpp"
#include "occi/syntax.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input = mkt::fuzz::AsText(data, size);
    (void)mkt::occi::ParseBody(input);
    std::vector<std::pair<std::string, std::string>> headers;
    size_t start = 0;
    while (start < input.size()) {
        size_t end = input.find('\n', start);
        if (end == std::string_view::npos) end = input.size();
        const std::string_view line = input.substr(start, end - start);
        const size_t colon = line.find(':');
        if (colon != std::string_view::npos)
            headers.emplace_back(std::string(line.substr(0, colon)),
                                 std::string(line.substr(colon + 1)));
        start = end + 1;
    }
    (void)mkt::occi::ParseHeaders(headers);
    (void)mkt::occi::ParseCategory(input);
    (void)mkt::occi::ParseLink(input);
    (void)mkt::occi::SplitValues(input);
    (void)mkt::occi::ParseAttribute(input);
    auto quoted = mkt::occi::ParseAttribute("x.y=" + mkt::occi::Quote(input));
    FUZZ_CHECK(quoted.ok());
    FUZZ_CHECK(quoted->value.text == input);
    return 0;
}
