#include "sparql/result_formats.hpp"

#include <nlohmann/json.hpp>

#include "http/html_response.hpp"
#include "mappers/native_xml.hpp"
#include "registry/text.hpp"

namespace mkt::sparql {
namespace {

using mappers::XmlEscape;
using redland::QueryResult;
using redland::RdfTerm;

std::string EscapeNTriples(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    text::AppendBackslashEscaped(out, text);
    return out;
}

std::string XmlTerm(const RdfTerm& t) {
    switch (t.kind) {
        case RdfTerm::Kind::kUri:
            return "<uri>" + XmlEscape(t.value) + "</uri>";
        case RdfTerm::Kind::kBlank:
            return "<bnode>" + XmlEscape(t.value) + "</bnode>";
        case RdfTerm::Kind::kLiteral:
            break;
    }
    std::string out = "<literal";
    if (!t.language.empty()) out += " xml:lang=\"" + XmlEscape(t.language) + "\"";
    if (!t.datatype.empty()) out += " datatype=\"" + XmlEscape(t.datatype) + "\"";
    return out + ">" + XmlEscape(t.value) + "</literal>";
}

std::string RenderXml(const QueryResult& r) {
    std::string out =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">\n  <head>\n";
    for (const std::string& v : r.variables)
        out += "    <variable name=\"" + XmlEscape(v) + "\"/>\n";
    out += "  </head>\n";
    if (r.form == QueryResult::Form::kBoolean) {
        return out + "  <boolean>" + (r.boolean ? "true" : "false") + "</boolean>\n</sparql>\n";
    }
    out += "  <results>\n";
    for (const auto& row : r.rows) {
        out += "    <result>";
        for (size_t i = 0; i < row.size(); ++i) {
            if (!row[i]) continue;
            out += "<binding name=\"" + XmlEscape(r.variables[i]) + "\">" + XmlTerm(*row[i]) +
                   "</binding>";
        }
        out += "</result>\n";
    }
    return out + "  </results>\n</sparql>\n";
}

nlohmann::json JsonTerm(const RdfTerm& t) {
    nlohmann::json j;
    switch (t.kind) {
        case RdfTerm::Kind::kUri:
            j["type"] = "uri";
            break;
        case RdfTerm::Kind::kBlank:
            j["type"] = "bnode";
            break;
        case RdfTerm::Kind::kLiteral:
            j["type"] = "literal";
            if (!t.language.empty()) j["xml:lang"] = t.language;
            if (!t.datatype.empty()) j["datatype"] = t.datatype;
            break;
    }
    j["value"] = t.value;
    return j;
}

std::string RenderJson(const QueryResult& r) {
    nlohmann::json doc;
    doc["head"]["vars"] = r.variables;
    if (r.form == QueryResult::Form::kBoolean) {
        doc["head"] = nlohmann::json::object();
        doc["boolean"] = r.boolean;
        return doc.dump() + "\n";
    }
    nlohmann::json bindings = nlohmann::json::array();
    for (const auto& row : r.rows) {
        nlohmann::json b = nlohmann::json::object();
        for (size_t i = 0; i < row.size(); ++i) {
            if (row[i]) b[r.variables[i]] = JsonTerm(*row[i]);
        }
        bindings.push_back(std::move(b));
    }
    doc["results"]["bindings"] = std::move(bindings);
    return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string CsvField(const RdfTerm& t) {
    std::string value = t.kind == RdfTerm::Kind::kBlank ? "_:" + t.value : t.value;
    if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
    std::string out = "\"";
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string RenderDelimited(const QueryResult& r, bool tsv) {
    const char sep = tsv ? '\t' : ',';
    const char* eol = tsv ? "\n" : "\r\n";
    if (r.form == QueryResult::Form::kBoolean) {
        return std::string(tsv ? "?_askResult" : "_askResult") + eol +
               (r.boolean ? "true" : "false") + eol;
    }
    std::string out;
    for (size_t i = 0; i < r.variables.size(); ++i) {
        if (i) out += sep;
        if (tsv) out += '?';
        out += r.variables[i];
    }
    out += eol;
    for (const auto& row : r.rows) {
        for (size_t i = 0; i < row.size(); ++i) {
            if (i) out += sep;
            if (row[i]) out += tsv ? TermToNTriples(*row[i]) : CsvField(*row[i]);
        }
        out += eol;
    }
    return out;
}

std::string RenderNTriples(const QueryResult& r) {
    std::string out;
    for (const auto& t : r.triples) {
        out +=
            TermToNTriples(t[0]) + " " + TermToNTriples(t[1]) + " " + TermToNTriples(t[2]) + " .\n";
    }
    return out;
}

// Only http, https and ftp IRIs become links: a query can produce any IRI
// (BIND(IRI("javascript:...") AS ?x)), and escaping does not make those safe.
std::string HtmlCell(const RdfTerm& t) {
    if (t.kind == RdfTerm::Kind::kUri && http::IsLinkableIri(t.value)) {
        return "<a href=\"" + XmlEscape(t.value) + "\">" + XmlEscape(t.value) + "</a>";
    }
    return XmlEscape(TermToNTriples(t));
}

std::string HtmlResult(const QueryResult& r) {
    if (r.form == QueryResult::Form::kBoolean) {
        return std::string("<p class=\"ask\">") + (r.boolean ? "true" : "false") + "</p>\n";
    }
    std::string out = "<table>\n<tr>";
    if (r.form == QueryResult::Form::kGraph) {
        out += "<th>subject</th><th>predicate</th><th>object</th></tr>\n";
        for (const auto& t : r.triples) {
            out += "<tr><td>" + HtmlCell(t[0]) + "</td><td>" + HtmlCell(t[1]) + "</td><td>" +
                   HtmlCell(t[2]) + "</td></tr>\n";
        }
        return out + "</table>\n";
    }
    for (const std::string& v : r.variables) out += "<th>" + XmlEscape(v) + "</th>";
    out += "</tr>\n";
    for (const auto& row : r.rows) {
        out += "<tr>";
        for (const auto& cell : row) out += "<td>" + (cell ? HtmlCell(*cell) : "") + "</td>";
        out += "</tr>\n";
    }
    return out + "</table>\n<p>" + std::to_string(r.rows.size()) + " rows</p>\n";
}

}  // namespace

const std::vector<std::string>& ResultOffers() {
    static const std::vector<std::string> offers = {
        std::string(kResultsXml), std::string(kResultsJson), std::string(kCsv), std::string(kTsv),
        std::string(kHtml),       "application/xml",         "application/json"};
    return offers;
}

const std::vector<std::string>& GraphOffers() {
    static const std::vector<std::string> offers = {std::string(kTurtle), std::string(kNTriples),
                                                    "text/plain", std::string(kHtml)};
    return offers;
}

std::string TermToNTriples(const RdfTerm& t) {
    switch (t.kind) {
        case RdfTerm::Kind::kUri:
            return "<" + t.value + ">";
        case RdfTerm::Kind::kBlank:
            return "_:" + t.value;
        case RdfTerm::Kind::kLiteral:
            break;
    }
    std::string out = "\"" + EscapeNTriples(t.value) + "\"";
    if (!t.language.empty()) return out + "@" + t.language;
    if (!t.datatype.empty()) return out + "^^<" + t.datatype + ">";
    return out;
}

std::string RenderResult(const QueryResult& result, std::string_view media_type) {
    if (result.form == QueryResult::Form::kGraph) {
        if (media_type == kHtml) return RenderHtmlPage("", &result, "");
        return RenderNTriples(result);
    }
    if (media_type == kResultsJson || media_type == "application/json") return RenderJson(result);
    if (media_type == kCsv) return RenderDelimited(result, false);
    if (media_type == kTsv) return RenderDelimited(result, true);
    if (media_type == kHtml) return RenderHtmlPage("", &result, "");
    return RenderXml(result);
}

std::string RenderHtmlPage(std::string_view query, const QueryResult* result,
                           std::string_view error) {
    std::string out =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>SPARQL query - "
        "Marketplace</title></head>\n<body>\n<h1>SPARQL query</h1>\n"
        "<form method=\"post\" action=\"query\">\n<textarea name=\"query\" rows=\"12\" "
        "cols=\"100\">" +
        XmlEscape(query) + "</textarea><br>\n<button type=\"submit\">Run</button>\n</form>\n";
    if (!error.empty()) out += "<p class=\"error\">" + XmlEscape(error) + "</p>\n";
    if (result) out += HtmlResult(*result);
    return out + "</body></html>\n";
}

}  // namespace mkt::sparql
