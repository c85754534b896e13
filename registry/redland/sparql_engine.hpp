// SparqlEngine: SPARQL 1.1 SELECT / ASK / CONSTRUCT over the EntryGraph.
//
// Rasqal (Redland's query library) parses the query and evaluates its algebra,
// so Redland stays the reference semantics. Data comes from a rasqal triples
// source of our own that answers each triple pattern from the TripleGraph's
// sorted indexes: rasqal's evaluator then does index nested-loop joins (pattern
// variables already bound by an outer pattern become index prefixes).
// Two rasqal operators do not scale and are replaced at the top level of SELECT
// (measured: DISTINCT over 20,000 rows took 7 s): DISTINCT, OFFSET and LIMIT are
// removed from the query after parsing and applied here while reading rasqal's
// rows, DISTINCT with a hash set (after rasqal's ORDER BY, so order is kept).
// Nested sub-queries keep rasqal's operators.
//
// Read-only: updates, LOAD, SERVICE, FROM / FROM NAMED and DESCRIBE are refused.
// Limits: each query has a time limit (checked in the triples source and while
// reading rows, so a runaway join is stopped), a result-row cap, and at most
// `max_concurrent` queries run at once (each needs one of a fixed pool of rasqal
// worlds); hitting one is an error, never a silently truncated result.
//
// Thread-safe: Execute may be called from any number of threads.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/redland/entry_graph.hpp"
#include "registry/status_counts.hpp"

namespace mkt::redland {

struct QueryLimits {
    int timeout_ms = 10000;     // per query
    size_t max_rows = 10000;    // SELECT rows or CONSTRUCT triples per answer
    size_t max_concurrent = 4;  // queries running at once
};

struct QueryResult {
    enum class Form { kBindings, kBoolean, kGraph };
    Form form = Form::kBindings;
    std::vector<std::string> variables;                     // kBindings
    std::vector<std::vector<std::optional<RdfTerm>>> rows;  // kBindings; nullopt = unbound
    bool boolean = false;                                   // kBoolean
    std::vector<std::array<RdfTerm, 3>> triples;            // kGraph
};

class SparqlEngine {
  public:
    /// `graph` must outlive the engine. Errors: kInternal when rasqal cannot start.
    static Result<std::unique_ptr<SparqlEngine>> Create(const EntryGraph& graph,
                                                        QueryLimits limits);
    ~SparqlEngine();
    SparqlEngine(const SparqlEngine&) = delete;
    SparqlEngine& operator=(const SparqlEngine&) = delete;

    /// Errors:
    ///  kInvalidArgument: empty query; "SPARQL syntax error: <rasqal message> (line N)";
    ///    a refused form (update, LOAD, SERVICE, FROM, DESCRIBE) with the reason;
    ///    "the result has more than N rows (sparql.max_rows)";
    ///  kUnavailable: graph still being built (with progress) or failed; all
    ///    query slots busy;
    ///  kDeadlineExceeded: "query stopped after N ms (sparql.timeout_ms)";
    ///  kInternal: rasqal failed to execute.
    Result<QueryResult> Execute(std::string_view query) const;

    const QueryLimits& limits() const { return limits_; }
    /// How many Execute calls ended with each code since start (kOk: answered,
    /// kDeadlineExceeded: timed out, kUnavailable: busy or graph not ready,
    /// kInvalidArgument: refused: syntax, refused form, too many rows).
    const StatusCounts& outcomes() const { return outcomes_; }
    /// Queries holding a slot now (0..max_concurrent).
    size_t running() const;
    /// The graph queried (for the N-Triples export of the same data).
    const EntryGraph& graph() const { return graph_; }

    struct Slot;  // one rasqal world and the state of the query using it

  private:
    SparqlEngine(const EntryGraph& graph, QueryLimits limits);
    Result<QueryResult> ExecuteUncounted(std::string_view query) const;
    Slot* AcquireSlot() const;
    void ReleaseSlot(Slot* slot) const;

    const EntryGraph& graph_;
    QueryLimits limits_;
    std::vector<std::unique_ptr<Slot>> slots_;
    mutable std::mutex mutex_;
    mutable std::vector<Slot*> idle_;  // guarded by mutex_
    mutable StatusCounts outcomes_;
};

}  // namespace mkt::redland
