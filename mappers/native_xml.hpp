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

#include "registry/email_confirmation.hpp"
#include "registry/entry.hpp"
#include "registry/entry_store.hpp"
#include "registry/status.hpp"

namespace mkt::mappers {

std::string PageToXml(const EntryPage& page, std::string_view next_url);

std::string EndorsersToXml(const std::vector<EndorserSummary>& endorsers);

std::string TagsToXml(const std::vector<std::string>& tags);

/// `<entry created="true|false" url="..."/>`: the XML answer to an upload.
std::string SubmitToXml(const EntryKey& key, bool created, std::string_view url);

/// `<entry created="false" held="true" ... expires="...">explanation</entry>`:
/// the XML 202 answer to an upload held for e-mail confirmation.
std::string HeldToXml(const EntryKey& key, const HeldUpload& held);

/// `<error status="..." code="..." request-id="...">message</error>` (escaped;
/// the StratusLab original forgot to escape).
std::string ErrorToXml(const Status& status, int http_status, std::string_view request_id);

/// Escapes text for XML content and attribute values.
std::string XmlEscape(std::string_view text);

/// The document without a leading BOM, XML declaration and whitespace.
std::string_view WithoutXmlDeclaration(std::string_view document);

}  // namespace mkt::mappers
