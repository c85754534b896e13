// Images for the OCCI front-end, read from the Registry without loading them all.
//
// An image is the group of latest valid entries (one per endorser) sharing an
// identifier (mappers::occi::OcciImage). ForEachImage walks the store in
// identifier order, one store page (the registry's max page size) at a time,
// through the listing cursor, and hands each complete group to `visit`; memory
// stays bounded by one page whatever the number of entries.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "mappers/occi_model.hpp"
#include "registry/provider_holdings.hpp"
#include "registry/registry.hpp"

namespace mkt::occi {

/// Filters pushed to the store (all optional; empty = every valid image).
struct ImageFilter {
    std::optional<std::string> identifier, os, os_version, os_arch;
    std::optional<std::string> text;  // words that must occur (narrows; callers re-check)
    /// Entries per store page; 0 = the registry's max page size. A caller that needs
    /// only the first few images asks for small pages (one store page of 1000 entries
    /// costs more than a page of 100 images of the query interface).
    size_t page_size = 0;
};

/// Where images come from: the registry's entries and, when providers' Glance
/// stores are read (occi.provider.<name>.glance), what each provider holds
/// (OcciImage::held_at). Converts from a Registry alone (no holdings).
struct ImageSource {
    ImageSource(const Registry& entries, const ProviderHoldings* held = nullptr)
        : registry(entries), holdings(held) {}
    const Registry& registry;
    const ProviderHoldings* holdings;
};

/// Calls `visit` for each image in identifier order until it returns false.
/// Errors: those of Registry::Search.
Status ForEachImage(const ImageSource& source, const ImageFilter& filter,
                    const std::function<bool(mappers::occi::OcciImage&&)>& visit);

/// The image with this identifier, or nullopt when it has no valid entry.
Result<std::optional<mappers::occi::OcciImage>> FindImage(const ImageSource& source,
                                                          const std::string& identifier);

}  // namespace mkt::occi
