// View models of the web UI (docs/web.md): what each page shows of an entry.
//
// Pure functions: an entry (or endorser summary) plus explicit context (base URL,
// the time deciding valid/expired) in, plain strings out. Values are NOT escaped
// here; every renderer in web/ passes each of them through HtmlEscape, because
// everything a document carries (title, description, locations, DNs) is
// attacker-chosen text. Links are built here, so a renderer never concatenates
// document text into a URL: locations become download links only for http,
// https and ftp (a `javascript:` location stays text).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mappers/native_json.hpp"
#include "registry/entry.hpp"
#include "registry/entry_store.hpp"

namespace mkt::mappers::web {

/// Escapes & < > " ' for HTML text and double- or single-quoted attribute values.
std::string HtmlEscape(std::string_view text);

/// True for a location a browser may follow as a download: http://, https://
/// or ftp:// (case-insensitive scheme), no control characters or spaces.
bool IsDownloadLink(std::string_view location);

/// One row of the browse table and of history tables.
struct EntryRow {
    std::string identifier, email, created, os, os_version, os_arch, kind, title;
    std::string status;        // "valid" / "expired" / "deprecated"
    std::string page_url;      // the entry page: <base>metadata/<id>/<email>/<created>
    std::string endorser_url;  // <base>endorsers/<email>
    std::string download_url;  // first downloadable location, or empty
};
EntryRow ToEntryRow(const Entry& entry, const LinkContext& context);

struct Field {
    std::string label, value;
    friend bool operator==(const Field&, const Field&) = default;
};

struct Location {
    std::string text;   // as written in the document
    bool link = false;  // IsDownloadLink(text)
};

/// The signature verdict: who signed, who vouches for them, and how far that
/// was checked (strict: chain, dates, revocation; compat: self-consistency only).
struct SignatureView {
    std::string trust_mode;  // "strict" / "compat"
    std::string verdict;     // one sentence a user can act on
    std::string subject, issuer, serial, fingerprint;
    std::string not_before, not_after;  // empty when unknown
    std::string certificate_state;      // "valid on <now>", "expired on <t>", "not yet valid ..."
    std::string email_binding, signature_method, canonicalization;
    std::string endorser_email, endorser_subject, endorsement_created;
    std::vector<std::string> endorser_issuers;
};
SignatureView ToSignatureView(const Entry& entry, Timestamp now);

/// Links from the entry page to the other representations of the same entry or image.
struct EntryLinks {
    std::string raw_xml;  // the signed original (?media=rdf)
    std::string json;     // native JSON (?media=json)
    std::string cimi;     // <base>cimi/machineImages/<identifier>
    std::string occi;     // <base>storage/<identifier>
    std::string image;    // browse filtered on the identifier, every status
};

struct EntryView {
    EntryRow row;
    std::string description;
    std::optional<std::string> deprecated;  // the reason, when deprecated
    std::vector<Field> fields;              // every metadata field present, in document order
    std::vector<Checksum> checksums;
    std::vector<Location> locations;
    SignatureView signature;
    EntryLinks links;
    std::string received;  // server time of acceptance
};
EntryView ToEntryView(const Entry& entry, const LinkContext& context);

struct EndorserRow {
    std::string email, subject, issuer, entries, latest_created;
    std::string page_url;  // <base>endorsers/<email>
};
EndorserRow ToEndorserRow(const EndorserSummary& summary, std::string_view base_url);

/// "<base>endorsers/<email>" with the email percent-encoded as a path segment.
std::string EndorserUrl(std::string_view email, std::string_view base_url);

}  // namespace mkt::mappers::web
