// HttpFeedSource: a federation peer's change feed (GET <peer>/changes) read over
// HTTP with the project's HttpClient. One per pulling thread (HttpClient is not
// shared between threads).
#pragma once

#include <string>

#include "client/http_client.hpp"
#include "registry/federation/feed.hpp"

namespace mkt::client {

class HttpFeedSource final : public federation::ChangeFeedSource {
  public:
    /// `peer_url` is the peer's base URL (with or without a trailing '/').
    HttpFeedSource(std::string peer_url, ClientOptions options);

    /// Errors: kUnavailable "cannot reach ..." or "<url> answered HTTP <status>:
    /// <start of the body>"; kInvalidArgument "change feed page: ..." for a body
    /// that is not a well-formed page.
    Result<federation::FeedPage> Fetch(int64_t after_seq, size_t limit) override;

    const std::string& peer_url() const { return base_; }

  private:
    std::string base_;
    HttpClient http_;
};

}  // namespace mkt::client
