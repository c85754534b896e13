// Native JSON representations (docs/api/native.md documents every field).
//
// Pure functions: an entry (or page, or list) plus explicit context (the time
// that decides valid/expired, the base URL for links) in, JSON text out.
// Absent optional fields are null, never the string "null" (a StratusLab bug).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "registry/email_confirmation.hpp"
#include "registry/entry.hpp"
#include "registry/entry_store.hpp"
#include "registry/provider_holdings.hpp"
#include "registry/status.hpp"

namespace mkt::mappers {

struct LinkContext {
    std::string base_url;  // ends with '/'
    Timestamp now;
};

/// "<base>metadata/<id>/<email>/<created>" with each segment percent-encoded.
std::string EntryUrl(const EntryKey& key, std::string_view base_url);

std::string EntryToJson(const Entry& entry, const LinkContext& context);
/// The same with "available_at": [{"provider", "occi_endpoint", "state", "glance_id",
/// "os_tpl": {"scheme": "http://schemas.openstack.org/template/os#", "term"}}].
std::string EntryToJson(const Entry& entry, const LinkContext& context,
                        const std::vector<ProviderHolding>& available_at);

/// {"total", "count", "offset", "limit", "next_cursor", "next", "entries": [...]}.
/// `next_url` is the URL of the following page, empty when there is none.
std::string PageToJson(const EntryPage& page, size_t offset, size_t limit,
                       std::string_view next_url, const LinkContext& context);

std::string EndorsersToJson(const std::vector<EndorserSummary>& endorsers,
                            const LinkContext& context);

std::string TagsToJson(std::string_view email, const std::vector<std::string>& tags);

/// {"error": {"status", "code", "message", "request_id"}}.
std::string ErrorToJson(const Status& status, int http_status, std::string_view request_id);

/// The upload answer: {"created": bool, "url", "identifier", "email",
/// "endorsement_created", "seq", "status", "trust_mode"} (GET the url for the rest).
std::string SubmitToJson(const Entry& entry, bool created, const LinkContext& context);

/// The 202 answer to an upload held for e-mail confirmation: {"created": false,
/// "held": true, "identifier", "email", "endorsement_created",
/// "confirmation_sent_to", "expires", "message"} (no url: nothing is stored yet).
std::string HeldToJson(const EntryKey& key, const HeldUpload& held);

/// The answer to a followed confirmation link: {"email", "published": [{"url",
/// "identifier", "endorsement_created", "seq"}...] in seq order,
/// "already_stored": [{"identifier", "endorsement_created"}...], "refused":
/// [{"identifier", "endorsement_created", "code", "message"}...]}.
std::string ConfirmOutcomeToJson(const ConfirmOutcome& outcome, const LinkContext& context);

}  // namespace mkt::mappers
