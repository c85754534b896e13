#include "client/feed_client.hpp"

#include "mappers/change_feed.hpp"

namespace mkt::client {

HttpFeedSource::HttpFeedSource(std::string peer_url, ClientOptions options)
    : base_(std::move(peer_url)), http_(std::move(options)) {
    if (base_.empty() || base_.back() != '/') base_ += '/';
}

Result<federation::FeedPage> HttpFeedSource::Fetch(int64_t after_seq, size_t limit) {
    const std::string url =
        base_ + "changes?after=" + std::to_string(after_seq) + "&limit=" + std::to_string(limit);
    MKT_ASSIGN_OR_RETURN(HttpResponse response, http_.Get(url, "application/json"));
    if (response.status != 200) {
        // Whatever the peer's status, the page is not there now: retried later.
        return Status::Unavailable(url + " answered HTTP " + std::to_string(response.status) +
                                   ": " + response.body.substr(0, 200));
    }
    return mappers::ParseChangesJson(response.body, after_seq);
}

}  // namespace mkt::client
