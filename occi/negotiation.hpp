// OCCI content negotiation and version checks (reference occi.md 3.1, 3.6).
//
// Renderings: text/plain (the default: no Accept, or */*), text/occi (data in
// headers, body "OK"), application/occi+json (OCCI 1.2 JSON) and text/uri-list
// (collections only). Aliases served with their own Content-Type: text/occi+plain
// (text/plain) and application/json (OCCI JSON). Accept q-values decide; ties go
// to the order above.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"
#include "registry/result.hpp"

namespace mkt::occi {

enum class Format { kPlain, kOcci, kJson, kUriList };

struct Rendering {
    Format format;
    std::string content_type;  // what the response says (the type the client named)
};

/// The acceptable renderings, best first. Errors: kNotAcceptable when none is
/// acceptable (naming the offers); kInvalidArgument when text/uri-list is the
/// client's first choice for something that is not a collection.
Result<std::vector<Rendering>> AcceptableRenderings(const http::Request& request, bool collection);

/// True when `user_agent` names an OCCI version above 1.2 ("OCCI/1.3", "OCCI/2.0").
/// Absent or malformed versions are ignored (false).
bool AsksNewerOcciVersion(std::string_view user_agent);

/// The first media type of a Content-Type value, which clients send as a list
/// ("text/plain,text/occi"), lower-cased and without parameters.
std::string FirstContentType(std::string_view content_type);

}  // namespace mkt::occi
