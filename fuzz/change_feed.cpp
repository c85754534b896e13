// The federation change-feed reader: a page of GET /changes as a peer (any
// peer, possibly hostile) sends it. The first input byte picks the cursor the
// page is read after; the rest is the body.
// Invariants: an accepted page has strictly increasing seqs, all after the
// cursor and none above last_seq; a refusal is kInvalidArgument naming the feed.
#include "mappers/change_feed.hpp"

#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const int64_t after = data[0];
    const std::string_view body = mkt::fuzz::AsText(data + 1, size - 1);
    auto page = mkt::mappers::ParseChangesJson(body, after);
    if (!page.ok()) {
        FUZZ_CHECK(page.status().code() == mkt::StatusCode::kInvalidArgument);
        FUZZ_CHECK(page.status().message().rfind("change feed page: ", 0) == 0);
        return 0;
    }
    int64_t previous = after;
    for (const auto& change : page->changes) {
        FUZZ_CHECK(change.seq > previous);
        FUZZ_CHECK(change.seq <= page->last_seq);
        previous = change.seq;
    }
    return 0;
}
