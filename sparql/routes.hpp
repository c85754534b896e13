// The SPARQL 1.1 Protocol front-end at /query (thin handlers over SparqlEngine).
//
//   GET  /query?query=...                          query in the URL
//   POST /query  application/x-www-form-urlencoded  query=... in the body
//   POST /query  application/sparql-query           the query is the body
// Results by Accept (or ?media=): sparql-results+xml (default, as StratusLab),
// +json, text/csv, text/tab-separated-values, text/html (the form and a table;
// without a query it is just the form); CONSTRUCT as Turtle / N-Triples.
// Refused with 400 and the reason: updates (also `update=` and
// application/sparql-update), default-graph-uri / named-graph-uri, FROM, SERVICE,
// DESCRIBE, syntax errors (rasqal's message). 503 with Retry-After while the graph
// is built or when every query slot is busy, and when a query hits the time limit;
// 400 when the answer would exceed the row cap.
//   GET  /query/export.nt  the whole graph as N-Triples (for cross-checks with
//                          other engines); 503 + Retry-After while it is built.
// See docs/sparql.md.
#pragma once

#include "http/router.hpp"
#include "registry/redland/sparql_engine.hpp"

namespace mkt::sparql {

/// `engine` must outlive the router.
void RegisterSparqlRoutes(http::Router& router, const redland::SparqlEngine& engine);

}  // namespace mkt::sparql
