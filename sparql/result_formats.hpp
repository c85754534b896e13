// SPARQL result serialisations (pure functions of a QueryResult):
//   application/sparql-results+xml   (W3C SPARQL Query Results XML Format)
//   application/sparql-results+json  (W3C SPARQL 1.1 Query Results JSON Format)
//   text/csv, text/tab-separated-values (W3C SPARQL 1.1 Query Results CSV and TSV)
//   text/html                         (the query form with a results table)
//   application/n-triples, text/turtle (CONSTRUCT results, N-Triples syntax)
// CSV and TSV have no boolean form in the standard: an ASK answer is written as
// one column `_askResult` with true/false (as Virtuoso and Jena do).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "registry/redland/sparql_engine.hpp"

namespace mkt::sparql {

inline constexpr std::string_view kResultsXml = "application/sparql-results+xml";
inline constexpr std::string_view kResultsJson = "application/sparql-results+json";
inline constexpr std::string_view kCsv = "text/csv";
inline constexpr std::string_view kTsv = "text/tab-separated-values";
inline constexpr std::string_view kHtml = "text/html";
inline constexpr std::string_view kNTriples = "application/n-triples";
inline constexpr std::string_view kTurtle = "text/turtle";

/// Media types offered for SELECT/ASK and for CONSTRUCT, in order of preference.
const std::vector<std::string>& ResultOffers();
const std::vector<std::string>& GraphOffers();

/// Renders `result` as `media_type` (one of the offers above).
std::string RenderResult(const redland::QueryResult& result, std::string_view media_type);

/// The HTML query page: the form (holding `query`) and, when given, the result
/// or an error message.
std::string RenderHtmlPage(std::string_view query, const redland::QueryResult* result,
                           std::string_view error);

/// One term in N-Triples / Turtle syntax (also the TSV cell syntax).
std::string TermToNTriples(const redland::RdfTerm& term);

}  // namespace mkt::sparql
