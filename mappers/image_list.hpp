// The HEPiX image list (`hv:imagelist`) JSON of a selection of entries, the
// document vmcatcher, cloudkeeper and atrope subscribe to (docs/federation.md;
// reference ecosystem.md 1.2). Pure: everything it writes comes in.
#pragma once

#include <string>
#include <vector>

#include "registry/entry.hpp"

namespace mkt::mappers {

struct ImageListHeader {
    std::string uuid, title, description;
    std::string source;   // dc:source: the list's homepage, or the Marketplace's base URL
    std::string uri;      // hv:uri: where new versions of this list are fetched
    std::string version;  // hv:version
    Timestamp created, expires;
    // hv:endorser/hv:x509: the instance's signing certificate.
    std::string endorser_name, endorser_dn, endorser_ca, endorser_email;
};

/// A stable RFC 4122 UUID (version 5 layout) for a Marketplace image: the first
/// 128 bits of the image's SHA-1 (which its identifier encodes) with the
/// version and variant bits set. Empty for an invalid identifier.
std::string ImageUuid(const std::string& identifier);

/// {"hv:imagelist": {...list fields..., "hv:images": [{"hv:image": {...}}]}},
/// pretty-printed with CRLF line ends (the S/MIME canonical form, so the
/// signed bytes and the bytes a subscriber reads are the same). Per image:
/// dc:identifier (ImageUuid), dc:title, dc:description, hv:uri (first
/// location), hv:size, sl:checksum:sha512, hv:version, sl:arch, sl:os,
/// sl:osversion, hv:format, hv:hypervisor, sl:comments, ad:mpuri (the entry URL
/// under `base_url`). Entries must have a location and a SHA-512 checksum.
std::string ImageListJson(const ImageListHeader& header, const std::vector<Entry>& images,
                          const std::string& base_url);

}  // namespace mkt::mappers
