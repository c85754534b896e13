// HTML pages of the web UI: pure renderers from view models (mappers/web_view.hpp)
// to complete documents. No Registry, no HTTP: handlers.cpp gathers the data.
//
// Every value that comes from a document, a request or a Status message goes
// through mappers::web::HtmlEscape exactly once, at the point where it is written
// into the markup; markup itself is literal text in these functions. Pages are
// semantic HTML (header/nav/main, tables with th scope, labelled form controls)
// and work without JavaScript; /assets/app.js only enhances them.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mappers/web_view.hpp"
#include "registry/provider_holdings.hpp"

namespace mkt::web {

using Params = std::vector<std::pair<std::string, std::string>>;

/// What every page shares: where links point and what the header shows.
struct Frame {
    std::string base_url;    // ends with '/'
    std::string trust_mode;  // "strict" / "compat": compat shows a warning banner
    std::string nav;         // "browse", "endorsers", "sparql", "upload" or empty
};

/// The browse table's state, exactly the query parameters of its URL (the
/// native listing parameters, so a shared URL is also an API URL).
struct BrowseModel {
    Params filters;  // non-empty listing parameters except sort, order, limit, offset, cursor
    std::string sort = "created", order = "desc";
    size_t limit = 50, offset = 0;
    uint64_t total = 0;
    std::optional<std::string> next_cursor;
    std::vector<mappers::web::EntryRow> rows;
};

struct EntryPageModel {
    mappers::web::EntryView entry;
    std::vector<mappers::web::EntryRow> history;  // every endorsement of the image, newest first
    uint64_t history_total = 0;
    /// The providers holding the image in their Glance; nullopt when no provider's
    /// store is read (occi.provider.<name>.glance), and the section is left out.
    std::optional<std::vector<ProviderHolding>> available_at = std::nullopt;
};

struct EndorserPageModel {
    std::string email, subject, issuer;
    std::vector<std::string> tags;
    std::vector<mappers::web::EntryRow> entries;  // the endorser's history, newest first
    uint64_t total = 0;
    size_t limit = 50, offset = 0;
};

struct UploadOutcome {
    int http_status = 200;
    std::string error_code;                       // StatusCodeName, empty on success
    std::string error_message;                    // the exact rejection
    std::optional<mappers::web::EntryRow> entry;  // the stored entry on success
    bool created = false;                         // false: identical re-upload
    std::string filename;
    /// Held for e-mail confirmation (202): the upload's key and what happens next.
    std::optional<EntryKey> held_key;
    std::string held_message;
};

/// What a followed confirmation link did (GET /confirm/{token}).
struct ConfirmPageModel {
    std::string email;
    std::vector<mappers::web::EntryRow> published;  // in seq order
    std::vector<EntryKey> already_stored;
    std::vector<std::pair<EntryKey, Status>> refused;
};

/// The seed queries of the SPARQL page.
struct SparqlExample {
    std::string title, query;
};
const std::vector<SparqlExample>& SparqlExamples();

/// "<base>metadata?k=v&..." (values percent-encoded; empty list: no '?').
std::string BrowseUrl(std::string_view base_url, const Params& params);

std::string RenderBrowsePage(const Frame& frame, const BrowseModel& model);
std::string RenderEntryPage(const Frame& frame, const EntryPageModel& model);
std::string RenderEndorsersPage(const Frame& frame,
                                const std::vector<mappers::web::EndorserRow>& endorsers);
std::string RenderEndorserPage(const Frame& frame, const EndorserPageModel& model);
/// The form; with `outcome`, also the result of the upload that was just made.
std::string RenderUploadPage(const Frame& frame, const std::optional<UploadOutcome>& outcome);
std::string RenderConfirmPage(const Frame& frame, const ConfirmPageModel& model);
/// The query form prefilled with `query`; results are fetched from /query.
std::string RenderSparqlPage(const Frame& frame, std::string_view query);
/// An error page: HTTP status, code name and the exact message.
std::string RenderErrorPage(const Frame& frame, int http_status, std::string_view code,
                            std::string_view message);

}  // namespace mkt::web
