// The edit `deprecate` makes to an entry before re-signing it.
#pragma once

#include <string>
#include <string_view>

#include "registry/result.hpp"

namespace mkt::cli {

/// `document` (a metadata document, signed or not) with exactly one
/// slterms:deprecated holding `reason` as the last child of its rdf:Description:
/// earlier slterms:deprecated elements are removed; the element uses the
/// slterms prefix in scope, or declares one. Everything else is left as it is
/// (the signature and endorsement are the signer's business).
/// Errors: kInvalidArgument for an empty reason or one with control characters
/// (XML 1.0 cannot carry them), the parse errors of XmlDocument::ParseSafely,
/// "document has no rdf:Description".
Result<std::string> WithDeprecation(std::string_view document, std::string_view reason);

}  // namespace mkt::cli
