#include "sparql/routes.hpp"

#include <future>
#include <memory>
#include <sstream>

#include "http/error_body.hpp"
#include "http/html_response.hpp"
#include "http/negotiation.hpp"
#include "http/worker_pool.hpp"
#include "sparql/result_formats.hpp"

namespace mkt::sparql {
namespace {

using http::Request;
using http::Response;

constexpr const char* kRetryAfterSeconds = "5";
/// Query threads yield the CPU to everything else (nice 0 -> 10: about a tenth
/// of a core's share while other threads are runnable).
constexpr int kQueryThreadNice = 10;

Status ReadOnly() {
    return Status::InvalidArgument(
        "SPARQL updates are refused: this endpoint is read-only; entries change only by signed "
        "uploads");
}

Status DatasetRefused(std::string_view name) {
    return Status::InvalidArgument(std::string(name) +
                                   " is refused: the endpoint queries its own default graph "
                                   "(every entry); remove the parameter");
}

/// The query text of a protocol request; nullopt when none was sent.
Result<std::optional<std::string>> QueryText(const Request& req) {
    std::vector<std::pair<std::string, std::string>> params = req.query;
    if (req.method == http::Method::kPost) {
        const std::string type = http::BaseMediaType(req.headers.Get("Content-Type").value_or(""));
        if (type == "application/sparql-query") {
            return std::optional<std::string>(req.body);
        }
        if (type == "application/sparql-update") return ReadOnly();
        if (type != "application/x-www-form-urlencoded") {
            return Status(StatusCode::kUnsupportedMedia,
                          "POST /query takes application/x-www-form-urlencoded (query=...) or "
                          "application/sparql-query, not '" +
                              type.substr(0, 64) + "'");
        }
        auto form = http::ParseFormEncoded(req.body);
        if (!form) return Status::InvalidArgument("malformed form body: bad percent escape");
        params.insert(params.end(), form->begin(), form->end());
    }
    std::optional<std::string> query;
    for (const auto& [name, value] : params) {
        if (name == "update") return ReadOnly();
        if (name == "default-graph-uri" || name == "named-graph-uri") return DatasetRefused(name);
        if (name != "query") continue;
        if (query) return Status::InvalidArgument("more than one 'query' parameter");
        query = value;
    }
    return query;
}

/// Runs the query on one of the query threads, which run at a lower priority:
/// a query is CPU-bound for up to its time limit, and on a small machine it
/// would otherwise take the cores from the reactors and the other handlers.
/// Errors: kUnavailable when every query thread is busy.
Result<Result<redland::QueryResult>> ExecuteYielding(const redland::SparqlEngine& engine,
                                                     http::WorkerPool& pool,
                                                     const std::string& query) {
    std::promise<Result<redland::QueryResult>> done;
    auto result = done.get_future();
    if (!pool.TrySubmit([&] { done.set_value(engine.Execute(query)); })) {
        return Status::Unavailable("too many SPARQL queries at once (" +
                                   std::to_string(pool.threads()) + " run now); try again later");
    }
    return result.get();
}

Result<Response> HandleQuery(const redland::SparqlEngine& engine, http::WorkerPool& pool,
                             Request& req) {
    auto type = http::Negotiate(req, ResultOffers());
    MKT_ASSIGN_OR_RETURN(std::optional<std::string> query, QueryText(req));
    const bool html = type && *type == kHtml;
    if (!query || query->find_first_not_of(" \t\r\n") == std::string::npos) {
        if (html) return http::HtmlResponse(200, RenderHtmlPage("", nullptr, ""));
        return Status::InvalidArgument(
            "missing query: send ?query=<SPARQL> (GET), a form field 'query' or an "
            "application/sparql-query body (POST)");
    }
    MKT_ASSIGN_OR_RETURN(Result<redland::QueryResult> result,
                         ExecuteYielding(engine, pool, *query));
    if (html) {
        if (!result.ok() && result.status().code() == StatusCode::kInvalidArgument) {
            return http::HtmlResponse(400,
                                      RenderHtmlPage(*query, nullptr, result.status().message()));
        }
        MKT_RETURN_IF_ERROR(result.status());
        return http::HtmlResponse(200, RenderHtmlPage(*query, &result.value(), ""));
    }
    MKT_RETURN_IF_ERROR(result.status());
    if (result->form == redland::QueryResult::Form::kGraph) {
        type = http::Negotiate(req, GraphOffers());
    }
    if (!type) {
        return http::NotAcceptable(
            {"application/sparql-results+xml", "application/sparql-results+json", "text/csv",
             "text/tab-separated-values", "text/html"},
            "CONSTRUCT: text/turtle, application/n-triples");
    }
    std::string content_type = *type;
    if (content_type == "application/xml") content_type = kResultsXml;
    if (content_type == "application/json") content_type = kResultsJson;
    return Response::Make(200, content_type + "; charset=utf-8", RenderResult(*result, *type));
}

/// GET /query/export.nt: the whole graph as N-Triples, the data the cross-checks
/// give other SPARQL engines, streamed (memory is one piece of the graph,
/// whatever its size). 503 while the graph is built.
Result<Response> HandleExport(const redland::SparqlEngine& engine) {
    if (engine.graph().state() != redland::EntryGraph::State::kReady)
        return Status::Unavailable("the SPARQL graph is not ready yet");
    Response response;
    response.headers.Set("Content-Type", "application/n-triples; charset=utf-8");
    response.stream = [&engine](http::BodySink& sink) {
        return engine.graph().WriteNTriples(
            [&sink](std::string_view piece) { return sink.Write(piece); });
    };
    return response;
}

/// Native error bodies, plus Retry-After on 503 (graph not ready, busy, time limit).
Response RenderSparqlError(const Request& req, const Status& status, int http_status) {
    Response response = http::RenderNativeError(req, status, http_status);
    if (http_status == 503) response.headers.Set("Retry-After", kRetryAfterSeconds);
    return response;
}

}  // namespace

void RegisterSparqlRoutes(http::Router& router, const redland::SparqlEngine& engine) {
    // Owned by the routes' handlers: the threads stop when the router goes.
    auto pool = std::make_shared<http::WorkerPool>(static_cast<int>(engine.limits().max_concurrent),
                                                   0, kQueryThreadNice);
    auto handler = [&engine, pool](Request& req) { return HandleQuery(engine, *pool, req); };
    router.Add(http::Method::kGet, "/query", handler, &RenderSparqlError);
    router.Add(http::Method::kPost, "/query", handler, &RenderSparqlError);
    router.Add(
        http::Method::kGet, "/query/export.nt",
        [&engine](Request&) { return HandleExport(engine); }, &RenderSparqlError);
}

}  // namespace mkt::sparql
