// The /query routes before the graph is ready, without HTTP: the handler's
// Status goes through the same status mapping and error renderer as the server's
// dispatcher, so the 503 + Retry-After contract (docs/sparql.md) is checked for
// both the query and the N-Triples export while the graph is still building.
#include "sparql/routes.hpp"

#include <gtest/gtest.h>

#include "http/router.hpp"
#include "http/status_mapping.hpp"
#include "registry/redland/entry_graph.hpp"
#include "registry/redland/sparql_engine.hpp"
#include "tests/support/rdf_world.hpp"

namespace mkt {
namespace {

/// Dispatches GET `target` like the server: the handler, else the route's error
/// renderer with the mapped HTTP status.
http::Response Dispatch(const http::Router& router, const std::string& target) {
    http::Request req;
    req.method = http::Method::kGet;
    EXPECT_TRUE(http::ParseTarget(target, req));
    req.headers.Set("Accept", "application/sparql-results+json");
    http::Router::Match match = router.Find(req);
    EXPECT_EQ(match.kind, http::Router::MatchKind::kFound) << target;
    if (match.kind != http::Router::MatchKind::kFound) return {};
    Result<http::Response> r = match.route->handler(req);
    if (r.ok()) return std::move(r).value();
    return match.render_error(req, r.status(), http::HttpStatusFor(r.status().code()));
}

TEST(QueryRoutesWhileBuilding, TheQueryAndTheExportAnswer503WithRetryAfter) {
    redland::EntryGraph graph(testing::RdfWorld(), 1);  // never started: not ready
    auto engine = redland::SparqlEngine::Create(graph, {});
    ASSERT_TRUE(engine.ok());
    http::Router router;
    sparql::RegisterSparqlRoutes(router, **engine);
    for (const std::string target : {"/query?query=ASK%20%7B%7D", "/query/export.nt"}) {
        http::Response r = Dispatch(router, target);
        EXPECT_EQ(r.status, 503) << target << ": " << r.body;
        EXPECT_EQ(r.headers.Get("Retry-After").value_or(""), "5") << target;
        EXPECT_NE(r.body.find("SPARQL graph"), std::string::npos) << target << ": " << r.body;
    }
}

}  // namespace
}  // namespace mkt
