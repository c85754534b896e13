// HEPiX image lists (docs/federation.md): GET /imagelists/ lists the configured
// lists; GET /imagelists/{name} serves one as the hv:imagelist JSON
// (mappers/image_list.hpp) signed as S/MIME with the instance's certificate.
//
// A list selects the valid entries (not deprecated, not expired) whose
// endorser, OS and identifier pass its filters, one per image (the newest
// endorsement among the selected endorsers), having a location and a SHA-512
// checksum (what subscribers verify). The signed list is cached and rebuilt
// only when the selection changes (an entry added, deprecated or expired) or
// half of its lifetime has passed; a request reads the selection again only
// when an entry was stored or a selected one expired since the last read, so
// polling subscribers cost a Stats() call. hv:version is the database's last
// seq at the build, so it only grows. ETag / If-None-Match (304) are supported.
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "conf/config.hpp"
#include "http/router.hpp"
#include "registry/registry.hpp"
#include "registry/xmlsec/signing_key.hpp"

namespace mkt::api {

struct ImageList {
    conf::ImageListConfig config;
    xmlsec::SigningKey key;
    // The last build (guarded by `mutex`).
    std::mutex mutex;
    std::string selection;  // the keys and seqs the build selected
    std::string body, etag;
    Timestamp built;
    // When the selection was last read: the database's last seq then, and the
    // earliest end of validity among what it selected. A request re-reads the
    // selection only when one of them has passed.
    int64_t selected_at_seq = -1;
    std::optional<Timestamp> next_expiry;
};

struct ImageListContext {
    Registry& registry;
    std::vector<std::unique_ptr<ImageList>> lists;
};

/// Loads each list's certificate and key. Errors: "imagelist.<name>: <reason>".
Result<std::unique_ptr<ImageListContext>> LoadImageLists(
    Registry& registry, const std::vector<conf::ImageListConfig>& lists);

/// Registers GET /imagelists, /imagelists/ and /imagelists/{name}.
void RegisterImageListRoutes(http::Router& router, ImageListContext& context);

}  // namespace mkt::api
