#include "web/pages.hpp"

#include <algorithm>

#include "mappers/url.hpp"
#include "web/assets.hpp"

namespace mkt::web {
namespace {

using mappers::web::EndorserRow;
using mappers::web::EntryRow;
using mappers::web::HtmlEscape;

// Shorthand: every interpolated value goes through E().
std::string E(std::string_view text) { return HtmlEscape(text); }

std::string AssetUrl(const Frame& f, std::string_view name) {
    const Asset* asset = FindAsset(name);
    return f.base_url + "assets/" + std::string(name) +
           "?v=" + std::string(asset ? asset->version : "");
}

std::string NavLink(const Frame& f, std::string_view key, std::string_view path,
                    std::string_view label) {
    const bool current = f.nav == key;
    return "<li><a href=\"" + E(f.base_url + std::string(path)) + "\"" +
           (current ? " aria-current=\"page\"" : "") + ">" + std::string(label) + "</a></li>";
}

std::string Layout(const Frame& f, std::string_view title, std::string_view body) {
    std::string html =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>" +
        E(title) + " · Marketplace</title>\n<link rel=\"stylesheet\" href=\"" +
        E(AssetUrl(f, "app.css")) + "\">\n<script src=\"" + E(AssetUrl(f, "app.js")) +
        "\" defer></script>\n</head>\n<body>\n";
    html += "<header class=\"site\"><a class=\"brand\" href=\"" + E(f.base_url) +
            "\">Marketplace</a>\n<nav aria-label=\"Main\"><ul>" +
            NavLink(f, "browse", "metadata", "Browse") +
            NavLink(f, "endorsers", "endorsers", "Endorsers") +
            NavLink(f, "sparql", "sparql", "SPARQL") + NavLink(f, "upload", "upload", "Upload") +
            "</ul></nav></header>\n";
    if (f.trust_mode == "compat") {
        html +=
            "<p class=\"banner warn\" role=\"note\">This server runs in <strong>compat</strong> "
            "trust mode: signatures are checked for self-consistency only; certificates are not "
            "chained to trusted CAs nor checked for expiry or revocation.</p>\n";
    }
    html += "<main>\n";
    html += body;
    html +=
        "</main>\n<footer class=\"site\"><p>Every page is also available to programs: "
        "<a href=\"" +
        E(f.base_url + "metadata?media=json") + "\">JSON</a>, <a href=\"" +
        E(f.base_url + "metadata?media=xml") + "\">XML</a>, <a href=\"" + E(f.base_url + "query") +
        "\">SPARQL</a>, <a href=\"" + E(f.base_url + "cimi/") + "\">CIMI</a>, <a href=\"" +
        E(f.base_url + "-/") + "\">OCCI</a>.</p></footer>\n";
    html += "</body>\n</html>\n";
    return html;
}

std::string StatusBadge(std::string_view status) {
    return "<span class=\"status status-" + E(status) + "\">" + E(status) + "</span>";
}

std::string Link(std::string_view url, std::string_view text) {
    return "<a href=\"" + E(url) + "\">" + E(text) + "</a>";
}

std::string Cell(std::string_view text) { return "<td>" + E(text) + "</td>"; }

std::string Get(const Params& params, std::string_view name) {
    for (const auto& [k, v] : params) {
        if (k == name) return v;
    }
    return {};
}

// ----- browse -----

struct Column {
    std::string_view label, sort;  // sort key of the listing API; empty: not sortable
};
constexpr Column kBrowseColumns[] = {
    {"Title", "title"},     {"OS", "os"},          {"Version", "os-version"},
    {"Arch", "os-arch"},    {"Endorser", "email"}, {"Kind", ""},
    {"Created", "created"}, {"Status", ""},        {"Image", ""}};

Params StateParams(const BrowseModel& m, std::string_view sort, std::string_view order,
                   size_t offset) {
    Params p = m.filters;
    if (sort != "created" || order != "desc") {
        p.emplace_back("sort", std::string(sort));
        p.emplace_back("order", std::string(order));
    }
    if (m.limit != 50) p.emplace_back("limit", std::to_string(m.limit));
    if (offset > 0) p.emplace_back("offset", std::to_string(offset));
    return p;
}

std::string SortHeader(const Frame& f, const BrowseModel& m, const Column& c) {
    if (c.sort.empty()) return "<th scope=\"col\">" + std::string(c.label) + "</th>";
    const bool current = m.sort == c.sort;
    std::string order = c.sort == "created" ? "desc" : "asc";
    if (current) order = m.order == "asc" ? "desc" : "asc";
    const std::string aria =
        current ? (m.order == "asc" ? " aria-sort=\"ascending\"" : " aria-sort=\"descending\"")
                : "";
    const std::string arrow = current ? (m.order == "asc" ? " ▲" : " ▼") : "";
    return "<th scope=\"col\"" + aria + "><a data-sort=\"" + E(c.sort) + "\" href=\"" +
           E(BrowseUrl(f.base_url, StateParams(m, c.sort, order, 0))) + "\">" +
           std::string(c.label) + arrow + "</a></th>";
}

std::string TextInput(std::string_view name, std::string_view label, std::string_view value,
                      std::string_view hint = "") {
    std::string id = "f-" + std::string(name);
    return "<p><label for=\"" + id + "\">" + std::string(label) + "</label> <input type=\"" +
           (name == "q" ? "search" : "text") + "\" id=\"" + id + "\" name=\"" + std::string(name) +
           "\" value=\"" + E(value) + "\"" +
           (hint.empty() ? "" : " placeholder=\"" + std::string(hint) + "\"") + "></p>";
}

std::string Select(std::string_view name, std::string_view label, std::string_view current,
                   const std::vector<std::pair<std::string, std::string>>& options) {
    std::string id = "f-" + std::string(name);
    std::string html = "<p><label for=\"" + id + "\">" + std::string(label) +
                       "</label> <select id=\"" + id + "\" name=\"" + std::string(name) + "\">";
    for (const auto& [value, text] : options) {
        html += "<option value=\"" + E(value) + "\"" + (value == current ? " selected" : "") + ">" +
                E(text) + "</option>";
    }
    return html + "</select></p>";
}

std::string BrowseForm(const Frame& f, const BrowseModel& m) {
    std::string status = Get(m.filters, "status");
    if (status.empty()) status = "valid";
    std::string html = "<form class=\"filters\" method=\"get\" action=\"" +
                       E(f.base_url + "metadata") +
                       "\" role=\"search\">\n<fieldset><legend>Search and filter</legend>\n";
    html += TextInput("q", "Search", Get(m.filters, "q"), "words in title, OS, endorser...");
    html += TextInput("os", "OS", Get(m.filters, "os"), "e.g. Ubuntu");
    html += TextInput("os-version", "Version", Get(m.filters, "os-version"));
    html += TextInput("os-arch", "Arch", Get(m.filters, "os-arch"), "e.g. x86_64");
    html += TextInput("endorser", "Endorser", Get(m.filters, "endorser"), "email or name");
    html += TextInput("tag", "Tag", Get(m.filters, "tag"));
    html += TextInput("identifier", "Identifier", Get(m.filters, "identifier"));
    html += Select(
        "status", "Status", status,
        {{"valid", "valid"}, {"expired", "expired"}, {"deprecated", "deprecated"}, {"all", "all"}});
    html += Select("limit", "Rows", std::to_string(m.limit),
                   {{"25", "25"}, {"50", "50"}, {"100", "100"}});
    for (const char* hidden : {"email", "created"}) {
        if (std::string v = Get(m.filters, hidden); !v.empty()) {
            html += "<input type=\"hidden\" name=\"" + std::string(hidden) + "\" value=\"" + E(v) +
                    "\">";
        }
    }
    if (m.sort != "created" || m.order != "desc") {
        html += "<input type=\"hidden\" name=\"sort\" value=\"" + E(m.sort) +
                "\"><input type=\"hidden\" name=\"order\" value=\"" + E(m.order) + "\">";
    }
    html += "<p class=\"actions\"><button type=\"submit\">Search</button> <a href=\"" +
            E(f.base_url + "metadata") + "\">Clear</a></p>\n</fieldset>\n</form>\n";
    return html;
}

std::string BrowseRow(const EntryRow& r) {
    std::string html = "<tr><td><a class=\"entry\" href=\"" + E(r.page_url) + "\">" +
                       E(r.title.empty() ? r.identifier : r.title) + "</a></td>";
    html += Cell(r.os) + Cell(r.os_version) + Cell(r.os_arch);
    html += "<td>" + Link(r.endorser_url, r.email) + "</td>";
    html += Cell(r.kind) + "<td><time>" + E(r.created) + "</time></td><td>" +
            StatusBadge(r.status) + "</td>";
    html += "<td><code>" + E(r.identifier) + "</code>";
    if (!r.download_url.empty()) {
        html += " <a class=\"download\" href=\"" + E(r.download_url) +
                "\" rel=\"nofollow\">download</a>";
    }
    return html + "</td></tr>\n";
}

std::string Pager(const Frame& f, const BrowseModel& m) {
    const size_t shown = m.rows.size();
    std::string html = "<nav class=\"pager\" aria-label=\"Pages\"><p>";
    if (shown == 0) {
        html += "No entries match.";
    } else {
        html += "Rows " + std::to_string(m.offset + 1) + "–" + std::to_string(m.offset + shown) +
                " of <span id=\"total\">" + std::to_string(m.total) + "</span>.";
    }
    if (m.offset > 0) {
        html += " <a rel=\"first\" href=\"" +
                E(BrowseUrl(f.base_url, StateParams(m, m.sort, m.order, 0))) + "\">First</a>";
        const size_t prev = m.offset > m.limit ? m.offset - m.limit : 0;
        html += " <a rel=\"prev\" href=\"" +
                E(BrowseUrl(f.base_url, StateParams(m, m.sort, m.order, prev))) + "\">Previous</a>";
    }
    if (m.next_cursor) {
        // The cursor makes the store seek instead of skipping rows; offset is
        // kept only to number the rows and to go back.
        Params next = StateParams(m, m.sort, m.order, m.offset + m.limit);
        next.emplace_back("cursor", *m.next_cursor);
        html += " <a rel=\"next\" href=\"" + E(BrowseUrl(f.base_url, next)) + "\">Next</a>";
    }
    return html + "</p></nav>\n";
}

// ----- entry -----

std::string DefinitionList(const std::vector<std::pair<std::string, std::string>>& items) {
    std::string html = "<dl class=\"fields\">\n";
    for (const auto& [label, value] : items) {
        if (value.empty()) continue;
        html += "<div><dt>" + E(label) + "</dt><dd>" + E(value) + "</dd></div>\n";
    }
    return html + "</dl>\n";
}

std::string HistoryTable(const std::vector<EntryRow>& rows, std::string_view caption,
                         std::string_view current_url) {
    std::string html = "<table class=\"history\"><caption>" + E(caption) +
                       "</caption>\n<thead><tr><th scope=\"col\">Created</th><th "
                       "scope=\"col\">Endorser</th><th scope=\"col\">Title</th><th "
                       "scope=\"col\">OS</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n";
    for (const EntryRow& r : rows) {
        const bool current = r.page_url == current_url;
        html += std::string("<tr") + (current ? " class=\"current\"" : "") + "><td><a href=\"" +
                E(r.page_url) + "\"" + (current ? " aria-current=\"page\"" : "") + "><time>" +
                E(r.created) + "</time></a></td><td>" + Link(r.endorser_url, r.email) + "</td>" +
                Cell(r.title) + Cell(r.os + " " + r.os_version + " " + r.os_arch) + "<td>" +
                StatusBadge(r.status) + "</td></tr>\n";
    }
    return html + "</tbody></table>\n";
}

std::string SignatureSection(const mappers::web::SignatureView& s) {
    std::string issuers;
    for (const auto& i : s.endorser_issuers) issuers += (issuers.empty() ? "" : "; ") + i;
    std::string html =
        "<section id=\"signature\" class=\"signature trust-" + E(s.trust_mode) +
        "\" aria-labelledby=\"signature-h\">\n<h2 id=\"signature-h\">Signature</h2>\n"
        "<p class=\"verdict\">" +
        E(s.verdict) + "</p>\n";
    html += DefinitionList({{"Trust mode", s.trust_mode},
                            {"Signer subject", s.subject},
                            {"Issuer", s.issuer},
                            {"Certificate validity", s.not_before.empty() && s.not_after.empty()
                                                         ? std::string()
                                                         : s.not_before + " to " + s.not_after},
                            {"Certificate now", s.certificate_state},
                            {"Certificate serial", s.serial},
                            {"Certificate SHA-256", s.fingerprint},
                            {"Email binding", s.email_binding},
                            {"Signature method", s.signature_method},
                            {"Canonicalization", s.canonicalization},
                            {"Endorser email", s.endorser_email},
                            {"Endorser subject", s.endorser_subject},
                            {"Endorser issuers", issuers},
                            {"Endorsed at", s.endorsement_created}});
    return html + "</section>\n";
}

std::string FieldsSection(const mappers::web::EntryView& v) {
    std::vector<std::pair<std::string, std::string>> items;
    for (const auto& field : v.fields) items.emplace_back(field.label, field.value);
    items.emplace_back("Endorser", v.row.email);
    items.emplace_back("Endorsement created", v.row.created);
    items.emplace_back("Received by this server", v.received);
    return "<section aria-labelledby=\"fields-h\"><h2 id=\"fields-h\">Metadata</h2>\n" +
           DefinitionList(items) + "</section>\n";
}

std::string ChecksumsAndLocations(const mappers::web::EntryView& v) {
    std::string html =
        "<section aria-labelledby=\"sums-h\"><h2 id=\"sums-h\">Checksums</h2>\n<table "
        "class=\"checksums\"><thead><tr><th scope=\"col\">Algorithm</th><th "
        "scope=\"col\">Value</th></tr></thead><tbody>\n";
    for (const auto& c : v.checksums)
        html += "<tr><th scope=\"row\">" + E(c.algorithm) + "</th><td><code>" + E(c.value) +
                "</code></td></tr>\n";
    html +=
        "</tbody></table></section>\n<section aria-labelledby=\"loc-h\"><h2 "
        "id=\"loc-h\">Locations</h2>\n";
    if (v.locations.empty()) html += "<p>The document names no location.</p>\n";
    html += "<ul class=\"locations\">\n";
    for (const auto& l : v.locations) {
        html += l.link ? "<li><a class=\"download\" href=\"" + E(l.text) + "\" rel=\"nofollow\">" +
                             E(l.text) + "</a></li>\n"
                       : "<li><code>" + E(l.text) + "</code></li>\n";
    }
    return html + "</ul></section>\n";
}

// "Available at": where the image can be started, as read from each provider's Glance.
std::string AvailableAtSection(const std::vector<ProviderHolding>& held_at) {
    std::string html =
        "<section aria-labelledby=\"avail-h\"><h2 id=\"avail-h\">Available at</h2>\n";
    if (held_at.empty()) {
        return html + "<p>No resource provider's image store holds this image.</p></section>\n";
    }
    html +=
        "<table class=\"available-at\"><thead><tr><th scope=\"col\">Provider</th><th "
        "scope=\"col\">State</th><th scope=\"col\">OCCI endpoint</th><th "
        "scope=\"col\">os_tpl</th></tr></thead><tbody>\n";
    for (const ProviderHolding& h : held_at) {
        html += "<tr><th scope=\"row\">" + E(h.provider) + "</th><td>" + E(h.state) +
                "</td><td><code>" + E(h.occi_endpoint) + "</code></td><td><code>" +
                E(std::string(kOpenStackOsTplScheme) + h.glance_id) + "</code></td></tr>\n";
    }
    return html + "</tbody></table></section>\n";
}

std::string RepresentationLinks(const mappers::web::EntryLinks& l) {
    return "<nav class=\"representations\" aria-label=\"Other views\"><ul>"
           "<li><a id=\"raw-xml\" href=\"" +
           E(l.raw_xml) + "\">Signed XML</a></li><li><a id=\"json\" href=\"" + E(l.json) +
           "\">JSON</a></li><li><a id=\"cimi\" href=\"" + E(l.cimi) +
           "\">CIMI machine image</a></li><li><a id=\"occi\" href=\"" + E(l.occi) +
           "\">OCCI storage</a></li><li><a href=\"" + E(l.image) +
           "\">All endorsers of this image</a></li></ul></nav>\n";
}

// ----- endorsers -----

std::string EndorsersTable(const std::vector<EndorserRow>& rows) {
    std::string html =
        "<table class=\"endorsers\"><thead><tr><th scope=\"col\">Email</th><th "
        "scope=\"col\">Subject</th><th scope=\"col\">Issuer</th><th scope=\"col\">Entries</th><th "
        "scope=\"col\">Latest</th></tr></thead><tbody>\n";
    for (const auto& r : rows) {
        html += "<tr><td>" + Link(r.page_url, r.email) + "</td>" + Cell(r.subject) +
                Cell(r.issuer) + "<td class=\"num\">" + E(r.entries) + "</td><td><time>" +
                E(r.latest_created) + "</time></td></tr>\n";
    }
    return html + "</tbody></table>\n";
}

}  // namespace

const std::vector<SparqlExample>& SparqlExamples() {
    static const std::vector<SparqlExample> examples = {
        {"Latest images by operating system",
         "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
         "PREFIX slterms: <http://mp.stratuslab.eu/slterms#>\n"
         "SELECT ?identifier ?os ?version ?title WHERE {\n"
         "  ?entry dcterms:identifier ?identifier ;\n"
         "         slterms:os ?os ;\n"
         "         slterms:os-version ?version ;\n"
         "         dcterms:title ?title ;\n"
         "         slterms:tag \"latest\" .\n"
         "} ORDER BY ?os ?version LIMIT 50\n"},
        {"Entries per endorser",
         "PREFIX slreq: <http://mp.stratuslab.eu/slreq#>\n"
         "SELECT ?email (COUNT(?entry) AS ?entries) WHERE {\n"
         "  ?entry slreq:endorsement ?endorsement .\n"
         "  ?endorsement slreq:endorser ?endorser .\n"
         "  ?endorser slreq:email ?email .\n"
         "} GROUP BY ?email ORDER BY ?email\n"},
        {"Deprecated images and why",
         "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
         "PREFIX slterms: <http://mp.stratuslab.eu/slterms#>\n"
         "SELECT ?identifier ?reason WHERE {\n"
         "  ?entry dcterms:identifier ?identifier ;\n"
         "         slterms:deprecated ?reason .\n"
         "} LIMIT 50\n"},
    };
    return examples;
}

std::string BrowseUrl(std::string_view base_url, const Params& params) {
    std::string url = std::string(base_url) + "metadata";
    char sep = '?';
    for (const auto& [k, v] : params) {
        url += sep + mappers::PercentEncode(k, false) + "=" + mappers::PercentEncode(v, false);
        sep = '&';
    }
    return url;
}

std::string RenderBrowsePage(const Frame& f, const BrowseModel& m) {
    std::string body = "<h1>Images</h1>\n" + BrowseForm(f, m);
    body += Pager(f, m);
    body +=
        "<table class=\"browse\" id=\"entries\"><caption>Latest entry of each endorser for each "
        "image</caption>\n<thead><tr>";
    for (const Column& c : kBrowseColumns) body += SortHeader(f, m, c);
    body += "</tr></thead>\n<tbody>\n";
    for (const EntryRow& r : m.rows) body += BrowseRow(r);
    body += "</tbody></table>\n";
    if (m.rows.size() > 10) body += Pager(f, m);
    return Layout(f, "Images", body);
}

std::string RenderEntryPage(const Frame& f, const EntryPageModel& m) {
    const auto& v = m.entry;
    const std::string heading = v.row.title.empty() ? v.row.identifier : v.row.title;
    std::string body = "<h1>" + E(heading) + " " + StatusBadge(v.row.status) + "</h1>\n";
    body += "<p class=\"lead\">Image <code>" + E(v.row.identifier) + "</code>, endorsed by " +
            Link(v.row.endorser_url, v.row.email) + " on <time>" + E(v.row.created) +
            "</time>.</p>\n";
    if (v.deprecated) {
        body += "<p class=\"banner deprecated\" role=\"note\"><strong>Deprecated:</strong> " +
                E(v.deprecated->empty() ? "(no reason given)" : *v.deprecated) + "</p>\n";
    }
    if (!v.description.empty()) body += "<p class=\"description\">" + E(v.description) + "</p>\n";
    body += RepresentationLinks(v.links);
    body += SignatureSection(v.signature);
    body += FieldsSection(v);
    body += ChecksumsAndLocations(v);
    if (m.available_at) body += AvailableAtSection(*m.available_at);
    body +=
        "<section aria-labelledby=\"history-h\"><h2 id=\"history-h\">History of "
        "endorsements</h2>\n";
    body += HistoryTable(
        m.history,
        "Every endorser, every version of this image (" + std::to_string(m.history_total) + ")",
        v.row.page_url);
    if (m.history_total > m.history.size()) {
        body += "<p>Showing the newest " + std::to_string(m.history.size()) + ".</p>\n";
    }
    body += "</section>\n";
    return Layout(f, heading, body);
}

std::string RenderEndorsersPage(const Frame& f, const std::vector<EndorserRow>& endorsers) {
    std::string body = "<h1>Endorsers</h1>\n<p>" + std::to_string(endorsers.size()) +
                       " endorsers have signed entries on this Marketplace.</p>\n";
    body += EndorsersTable(endorsers);
    return Layout(f, "Endorsers", body);
}

std::string RenderEndorserPage(const Frame& f, const EndorserPageModel& m) {
    std::string body = "<h1>" + E(m.email) + "</h1>\n";
    body += DefinitionList({{"Subject", m.subject},
                            {"Issuer", m.issuer},
                            {"Entries (history included)", std::to_string(m.total)}});
    body += "<section aria-labelledby=\"tags-h\"><h2 id=\"tags-h\">Tags</h2>\n";
    if (m.tags.empty()) body += "<p>No tags.</p>\n";
    body += "<ul class=\"tags\">";
    for (const auto& tag : m.tags) {
        body += "<li>" +
                Link(BrowseUrl(f.base_url, {{"email", m.email}, {"tag", tag}, {"status", "all"}}),
                     tag) +
                "</li>";
    }
    body +=
        "</ul></section>\n<section aria-labelledby=\"history-h\"><h2 id=\"history-h\">"
        "History</h2>\n";
    body += HistoryTable(m.entries, "Entries, newest first", "");
    const std::string page = mappers::web::EndorserUrl(m.email, f.base_url);
    body += "<nav class=\"pager\" aria-label=\"Pages\"><p>";
    if (m.offset > 0) {
        const size_t prev = m.offset > m.limit ? m.offset - m.limit : 0;
        body += "<a rel=\"prev\" href=\"" + E(page + "?offset=" + std::to_string(prev)) +
                "\">Previous</a> ";
    }
    if (m.offset + m.entries.size() < m.total) {
        body += "<a rel=\"next\" href=\"" +
                E(page + "?offset=" + std::to_string(m.offset + m.limit)) + "\">Next</a>";
    }
    body += "</p></nav>\n</section>\n";
    return Layout(f, m.email, body);
}

std::string RenderUploadPage(const Frame& f, const std::optional<UploadOutcome>& outcome) {
    std::string body = "<h1>Upload a signed entry</h1>\n";
    if (outcome && outcome->entry) {
        const EntryRow& r = *outcome->entry;
        body +=
            "<section class=\"outcome ok\" role=\"status\" id=\"upload-result\"><h2>" +
            std::string(outcome->created ? "Entry created" : "Entry already stored (unchanged)") +
            "</h2>\n<p>" + Link(r.page_url, r.title.empty() ? r.identifier : r.title) +
            ": image <code>" + E(r.identifier) + "</code> endorsed by " + E(r.email) +
            " on <time>" + E(r.created) + "</time>, " + StatusBadge(r.status) + ".</p></section>\n";
    } else if (outcome && outcome->held_key) {
        const EntryKey& k = *outcome->held_key;
        body +=
            "<section class=\"outcome held\" role=\"status\" id=\"upload-result\"><h2>Held "
            "until the e-mail address is confirmed (202)</h2>\n<p>Image <code>" +
            E(k.identifier) + "</code> endorsed by " + E(k.email) + " on <time>" +
            E(k.created.ToString()) + "</time>.</p>\n<p class=\"message\">" +
            E(outcome->held_message) + "</p></section>\n";
    } else if (outcome) {
        body +=
            "<section class=\"outcome error\" role=\"alert\" id=\"upload-result\"><h2>Rejected "
            "(" +
            std::to_string(outcome->http_status) + " " + E(outcome->error_code) + ")</h2>\n" +
            (outcome->filename.empty()
                 ? ""
                 : "<p>File: <code>" + E(outcome->filename) + "</code></p>\n") +
            "<p class=\"message\">" + E(outcome->error_message) + "</p></section>\n";
    }
    body += "<form method=\"post\" action=\"" + E(f.base_url + "upload") +
            "\" enctype=\"multipart/form-data\">\n<p>Choose a metadata document signed with your "
            "certificate (<code>marketplace sign</code>). The server checks it exactly as "
            "<code>POST /metadata</code> does.</p>\n<p><label for=\"file\">Signed document "
            "(XML)</label> <input type=\"file\" id=\"file\" name=\"file\" "
            "accept=\".xml,application/rdf+xml,application/xml\" required></p>\n<p><button "
            "type=\"submit\">Upload</button></p>\n</form>\n";
    return Layout(f, "Upload", body);
}

std::string RenderConfirmPage(const Frame& f, const ConfirmPageModel& m) {
    std::string body = "<h1>E-mail address confirmed</h1>\n<p><strong>" + E(m.email) +
                       "</strong> is confirmed on this Marketplace: entries signed for it are "
                       "published as soon as they are uploaded.</p>\n";
    body += "<section aria-labelledby=\"published-h\"><h2 id=\"published-h\">Published now (" +
            std::to_string(m.published.size()) + ")</h2>\n";
    if (m.published.empty()) {
        body += "<p>No held entry was waiting (they may have expired).</p>\n";
    } else {
        body += "<ul class=\"published\">";
        for (const EntryRow& r : m.published) {
            body += "<li>" + Link(r.page_url, r.title.empty() ? r.identifier : r.title) +
                    ": image <code>" + E(r.identifier) + "</code> endorsed on <time>" +
                    E(r.created) + "</time>, " + StatusBadge(r.status) + "</li>";
        }
        body += "</ul>\n";
    }
    body += "</section>\n";
    if (!m.already_stored.empty()) {
        body += "<section><h2>Already stored</h2><ul>";
        for (const EntryKey& k : m.already_stored) {
            body += "<li>image <code>" + E(k.identifier) + "</code> endorsed on <time>" +
                    E(k.created.ToString()) + "</time></li>";
        }
        body += "</ul></section>\n";
    }
    if (!m.refused.empty()) {
        body += "<section class=\"outcome error\" role=\"alert\"><h2>Not published (" +
                std::to_string(m.refused.size()) + ")</h2><ul>";
        for (const auto& [k, status] : m.refused) {
            body += "<li>image <code>" + E(k.identifier) + "</code> endorsed on <time>" +
                    E(k.created.ToString()) + "</time>: <span class=\"message\">" +
                    E(status.message()) + "</span></li>";
        }
        body += "</ul></section>\n";
    }
    return Layout(f, "E-mail address confirmed", body);
}

std::string RenderSparqlPage(const Frame& f, std::string_view query) {
    std::string body =
        "<h1>SPARQL</h1>\n<p>Query every entry (history included) with SPARQL 1.1. The form "
        "posts to <a href=\"" +
        E(f.base_url + "query") +
        "\"><code>/query</code></a>, the standard protocol endpoint; with JavaScript the "
        "results appear below, without it the endpoint answers with its own page.</p>\n";
    body +=
        "<section aria-labelledby=\"examples-h\"><h2 id=\"examples-h\">Examples</h2><ul "
        "class=\"examples\">";
    for (size_t i = 0; i < SparqlExamples().size(); ++i) {
        const SparqlExample& ex = SparqlExamples()[i];
        body += "<li><a class=\"example\" data-example=\"" + std::to_string(i) + "\" href=\"" +
                E(f.base_url + "sparql?query=" + mappers::PercentEncode(ex.query, false)) + "\">" +
                E(ex.title) + "</a></li>";
    }
    body += "</ul></section>\n";
    body += "<form id=\"sparql-form\" method=\"post\" action=\"" +
            E(f.base_url + "query?media=html") +
            "\">\n<p><label for=\"query\">Query</label></p>\n<textarea id=\"query\" name=\"query\" "
            "rows=\"12\" spellcheck=\"false\" required>" +
            E(query) + "</textarea>\n<p><button type=\"submit\">Run query</button></p>\n</form>\n";
    body +=
        "<div id=\"sparql-error\" class=\"outcome error\" role=\"alert\" hidden></div>\n"
        "<div id=\"sparql-results\" aria-live=\"polite\"></div>\n";
    return Layout(f, "SPARQL", body);
}

std::string RenderErrorPage(const Frame& f, int http_status, std::string_view code,
                            std::string_view message) {
    std::string body = "<h1>" + std::to_string(http_status) + " " + E(code) +
                       "</h1>\n<p class=\"message\" id=\"error-message\">" + E(message) +
                       "</p>\n<p><a href=\"" + E(f.base_url + "metadata") +
                       "\">Back to the images</a></p>\n";
    return Layout(f, "Error " + std::to_string(http_status), body);
}

}  // namespace mkt::web
