// Content negotiation: picks the representation a client gets.
//
// The choice comes from `?media=` (StratusLab's query tunnel: xml, json, html,
// rdf, or a full media type), else from `Accept` with q-values (RFC 9110 12.5.1:
// the most specific range decides a type's quality; q=0 excludes it), else the
// first offer (the route's default). Ties between equally acceptable offers go
// to the route's order of preference.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"
#include "registry/status.hpp"

namespace mkt::http {

struct MediaRange {
    std::string type, subtype;  // lower-case; "*" for wildcards
    double q = 1.0;
};

/// Parses an Accept header; malformed ranges are skipped (lenient, as browsers need).
std::vector<MediaRange> ParseAccept(std::string_view accept);

/// The quality `accept` gives `media_type` ("application/json"); 0 = not acceptable.
double QualityOf(const std::vector<MediaRange>& accept, std::string_view media_type);

/// Picks one of `offers` (media types in order of preference) for `request`.
/// Returns nullopt when the client accepts none (the caller answers 406).
/// A `media` parameter naming something not offered also yields nullopt.
std::optional<std::string> Negotiate(const Request& request,
                                     const std::vector<std::string>& offers);

/// "xml" -> "application/xml", "json" -> "application/json", "html" -> "text/html",
/// "rdf" -> "application/rdf+xml"; a full type is returned lower-cased.
std::string MediaAlias(std::string_view value);

/// The one 406 wording: "no acceptable representation; available: a, b" plus
/// " (note)" when `note` is not empty.
Status NotAcceptable(const std::vector<std::string>& offers, std::string_view note = {});

/// The media type of a Content-Type header value, lower-cased, without parameters.
std::string BaseMediaType(std::string_view content_type);

}  // namespace mkt::http
