// marketplace query [QUERY | --file FILE]: runs a SPARQL query at the server's
// /query endpoint (POST application/sparql-query) and prints the answer.
//
//   --format table (default)  aligned columns (terms in N-Triples syntax), a row
//                             count; ASK prints true or false
//   --format json|xml|csv|tsv the server's result document, verbatim
// CONSTRUCT answers are printed as Turtle whatever the format. Errors are the
// server's messages (syntax, refused forms, limits) with exit code 1, transport
// failures exit 3 (cli/command.hpp).
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "client/http_client.hpp"

namespace mkt::cli {
namespace {

constexpr const char* kName = "query";

const ArgParser& Parser() {
    static const ArgParser parser(
        "query [QUERY] [options]",
        "Runs a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT) at the Marketplace's /query endpoint\n"
        "and prints a table or the raw results. The query is the argument, or --file, or stdin\n"
        "when neither is given.",
        {
            {"file", "FILE", "read the query from FILE ('-' for stdin)", false, 'f'},
            {"format", "FORMAT", "table (default), json, xml, csv or tsv"},
        });
    return parser;
}

std::string AcceptFor(const std::string& format) {
    if (format == "json" || format == "table") {
        return "application/sparql-results+json, text/turtle;q=0.9, application/json;q=0.5";
    }
    if (format == "xml")
        return "application/sparql-results+xml, text/turtle;q=0.9, application/xml;q=0.5";
    if (format == "csv") return "text/csv, text/turtle;q=0.9, application/json;q=0.5";
    return "text/tab-separated-values, text/turtle;q=0.9, application/json;q=0.5";
}

std::string Cell(const nlohmann::json& term) {
    const std::string value = term.value("value", "");
    const std::string type = term.value("type", "");
    if (type == "uri") return "<" + value + ">";
    if (type == "bnode") return "_:" + value;
    std::string out = "\"" + value + "\"";
    if (term.contains("xml:lang")) return out + "@" + term["xml:lang"].get<std::string>();
    if (term.contains("datatype")) return out + "^^<" + term["datatype"].get<std::string>() + ">";
    return out;
}

/// Renders SPARQL JSON results as an aligned table.
Result<std::string> Table(const std::string& body) {
    nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_discarded()) return Status::Internal("the server's answer is not JSON results");
    if (doc.contains("boolean"))
        return std::string(doc["boolean"].get<bool>() ? "true\n" : "false\n");
    std::vector<std::string> vars = doc["head"].value("vars", std::vector<std::string>{});
    std::vector<std::vector<std::string>> rows;
    for (const auto& b : doc["results"]["bindings"]) {
        std::vector<std::string> row;
        for (const std::string& v : vars) row.push_back(b.contains(v) ? Cell(b[v]) : "");
        rows.push_back(std::move(row));
    }
    std::vector<size_t> widths;
    for (const std::string& v : vars) widths.push_back(v.size() + 1);
    for (const auto& row : rows) {
        for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    std::ostringstream out;
    auto line = [&](const std::vector<std::string>& cells) {
        for (size_t i = 0; i < cells.size(); ++i) {
            out << cells[i];
            if (i + 1 < cells.size()) out << std::string(widths[i] - cells[i].size() + 2, ' ');
        }
        out << "\n";
    };
    std::vector<std::string> header;
    for (const std::string& v : vars) header.push_back("?" + v);
    line(header);
    for (const auto& row : rows) line(row);
    out << rows.size() << (rows.size() == 1 ? " row\n" : " rows\n");
    return out.str();
}

/// The server's error message from a native error body (JSON), else the body.
std::string ServerMessage(const std::string& body) {
    nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
    if (!doc.is_discarded() && doc.contains("error")) {
        return doc["error"].value("message", body);
    }
    return body.substr(0, 500);
}

Result<std::string> ReadQuery(const ParsedArgs& args) {
    if (!args.positional().empty()) return args.positional()[0];
    const std::string file = args.GetOr("file", "-");
    std::ostringstream text;
    if (file == "-") {
        text << std::cin.rdbuf();
    } else {
        std::ifstream in(file, std::ios::binary);
        if (!in) return Status(StatusCode::kNotFound, "cannot read query file " + file);
        text << in.rdbuf();
    }
    return text.str();
}

}  // namespace

int RunQuery(const std::vector<std::string>& args, CommandContext& ctx) {
    ParsedArgs parsed;
    if (auto exit = ParseCommandLine(Parser(), args, ctx, kName, parsed)) return *exit;
    if (parsed.positional().size() > 1 || (parsed.positional().size() == 1 && parsed.Has("file"))) {
        return UsageError(ctx, kName, "give the query as one argument or with --file, not both");
    }
    const std::string format = parsed.GetOr("format", "table");
    if (format != "table" && format != "json" && format != "xml" && format != "csv" &&
        format != "tsv") {
        return UsageError(ctx, kName,
                          "--format must be table, json, xml, csv or tsv, not " + format);
    }
    auto query = ReadQuery(parsed);
    if (!query.ok()) return Fail(ctx, kName, query.status());

    client::ClientOptions options;
    options.timeout_seconds = ctx.config.timeout_seconds;
    options.verify_tls = ctx.config.verify_tls;
    options.ca_file = ctx.config.ca_file;
    client::HttpClient http(options);
    std::string endpoint = ctx.config.endpoint;
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
    client::HttpRequest request{
        "POST",
        endpoint + "/query",
        {{"Content-Type", "application/sparql-query"}, {"Accept", AcceptFor(format)}},
        *query};
    auto response = http.Send(request);
    if (!response.ok()) return Fail(ctx, kName, response.status());
    if (response->status != 200) {
        const std::string message = "query refused (HTTP " + std::to_string(response->status) +
                                    "): " + ServerMessage(response->body);
        return Fail(ctx, kName,
                    Status(response->status >= 500 ? StatusCode::kUnavailable
                                                   : StatusCode::kInvalidArgument,
                           message));
    }
    const bool graph = response->Header("Content-Type").starts_with("text/turtle");
    if (format != "table" || graph) {
        ctx.out << response->body;
        return kExitOk;
    }
    auto table = Table(response->body);
    if (!table.ok()) return Fail(ctx, kName, table.status());
    ctx.out << *table;
    return kExitOk;
}

}  // namespace mkt::cli
