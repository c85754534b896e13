// A page of a federation peer's change feed as this instance read it, and the
// source that reads pages (client/ implements it over HTTP, tests in memory).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "registry/result.hpp"

namespace mkt::federation {

/// One change as the peer sent it. Only `seq` and `document` are used: the
/// key the peer claims is informative, the document decides what is stored.
struct FeedChange {
    int64_t seq = 0;
    std::string identifier, email, created;
    std::string document;
};

struct FeedPage {
    std::vector<FeedChange> changes;  // in strictly increasing seq order
    int64_t last_seq = 0;             // the peer's greatest seq when it answered
};

class ChangeFeedSource {
  public:
    virtual ~ChangeFeedSource() = default;
    /// The changes after `after_seq`, at most `limit`, in seq order. Errors:
    /// kUnavailable (peer down, slow, or not answering 200) and kInvalidArgument
    /// (a page that is not a well-formed feed page) are both retried later.
    virtual Result<FeedPage> Fetch(int64_t after_seq, size_t limit) = 0;
};

}  // namespace mkt::federation
