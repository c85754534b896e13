#include "mappers/native_xml.hpp"

namespace mkt::mappers {

std::string XmlEscape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\r':  // a literal CR would be read back as LF (XML end-of-line handling)
                out += "&#13;";
                break;
            default:
                out.push_back(c);
        }
    }
    return out;
}

namespace {

struct SparqlRow {
    std::vector<std::pair<std::string, std::string>> bindings;
};

std::string SparqlResults(const std::vector<std::string>& variables,
                          const std::vector<SparqlRow>& rows) {
    std::string out =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">\n<head>\n";
    for (const auto& v : variables) out += "  <variable name=\"" + v + "\"/>\n";
    out += "</head>\n<results>\n";
    for (const auto& row : rows) {
        out += "  <result>\n";
        for (const auto& [name, value] : row.bindings) {
            out += "    <binding name=\"" + name + "\"><literal>" + XmlEscape(value) +
                   "</literal></binding>\n";
        }
        out += "  </result>\n";
    }
    out += "</results>\n</sparql>\n";
    return out;
}

}  // namespace

std::string_view WithoutXmlDeclaration(std::string_view document) {
    if (document.starts_with("\xEF\xBB\xBF")) document.remove_prefix(3);
    if (document.starts_with("<?xml")) {
        const size_t end = document.find("?>");
        if (end != std::string_view::npos) document.remove_prefix(end + 2);
    }
    while (!document.empty() && (document.front() == '\n' || document.front() == '\r' ||
                                 document.front() == ' ' || document.front() == '\t')) {
        document.remove_prefix(1);
    }
    return document;
}

std::string PageToXml(const EntryPage& page, std::string_view next_url) {
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata total=\"" +
                      std::to_string(page.total) + "\" count=\"" +
                      std::to_string(page.entries.size()) + "\"";
    if (!next_url.empty()) out += " next=\"" + XmlEscape(next_url) + "\"";
    out += ">\n";
    for (const Entry& e : page.entries) {
        out += WithoutXmlDeclaration(e.document);
        out += "\n";
    }
    out += "</metadata>\n";
    return out;
}

std::string EndorsersToXml(const std::vector<EndorserSummary>& endorsers) {
    std::vector<SparqlRow> rows;
    for (const auto& e : endorsers) {
        rows.push_back({{{"email", e.email},
                         {"subject", e.subject},
                         {"issuer", e.issuer},
                         {"entries", std::to_string(e.entries)},
                         {"latest", e.latest_created.ToString()}}});
    }
    return SparqlResults({"email", "subject", "issuer", "entries", "latest"}, rows);
}

std::string SubmitToXml(const EntryKey& key, bool created, std::string_view url) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<entry created=\"" +
           std::string(created ? "true" : "false") + "\" identifier=\"" +
           XmlEscape(key.identifier) + "\" email=\"" + XmlEscape(key.email) +
           "\" endorsement-created=\"" + key.created.ToString() + "\" url=\"" + XmlEscape(url) +
           "\"/>\n";
}

std::string HeldToXml(const EntryKey& key, const HeldUpload& held) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<entry created=\"false\" held=\"true\" "
           "identifier=\"" +
           XmlEscape(key.identifier) + "\" email=\"" + XmlEscape(key.email) +
           "\" endorsement-created=\"" + key.created.ToString() + "\" confirmation-sent-to=\"" +
           XmlEscape(held.email) + "\" expires=\"" + held.expires.ToString() + "\">" +
           XmlEscape(HeldUploadExplanation(held)) + "</entry>\n";
}

std::string ErrorToXml(const Status& status, int http_status, std::string_view request_id) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<error status=\"" +
           std::to_string(http_status) + "\" code=\"" + std::string(StatusCodeName(status.code())) +
           "\" request-id=\"" + XmlEscape(request_id) + "\">" + XmlEscape(status.message()) +
           "</error>\n";
}

std::string TagsToXml(const std::vector<std::string>& tags) {
    std::vector<SparqlRow> rows;
    for (const auto& t : tags) rows.push_back({{{"tag", t}}});
    return SparqlResults({"tag"}, rows);
}

}  // namespace mkt::mappers
