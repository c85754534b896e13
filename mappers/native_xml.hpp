// Native XML representations, StratusLab compatible.
//
// A listing is the original's `<metadata>` wrapper around the stored signed
// documents (each without its XML declaration), with paging attributes added
// (total, count, next); clients must verify each document standalone, never
// inside the wrapper. Endorsers and tags use the SPARQL results XML format the
// original served. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "registry/entry.hpp"
#include "registry/entry_store.hpp"

namespace mkt::mappers {

std::string PageToXml(const EntryPage& page, std::string_view next_url);

std::string EndorsersToXml(const std::vector<EndorserSummary>& endorsers);

std::string TagsToXml(const std::vector<std::string>& tags);

/// The document without a leading BOM, XML declaration and whitespace.
std::string_view WithoutXmlDeclaration(std::string_view document);

}  // namespace mkt::mappers
