// UploadAll: the HTTP load of the upload benchmarks (POST /metadata).
//
// One thread per connection, each with its own keep-alive RawHttpConnection (a
// lean load generator: the clients share the machine with the server); threads
// take the next document from a shared index,
// so `connections` requests are in flight until the corpus is exhausted. The
// wall time runs from the release of the threads (first send) to the join of the
// last one (last answer). Every answer must be 201 Created: the first other
// answer stops the run and is reported with its body.
#pragma once

#include <string>
#include <vector>

#include "bench/corpus.hpp"
#include "registry/result.hpp"

namespace mkt::bench {

struct UploadReport {
    size_t created = 0;                  // 201 answers
    double wall_seconds = 0;             // first send to last answer
    std::vector<double> latencies_ms;    // one per document, in corpus order
    std::vector<std::string> locations;  // Location header of each 201, in corpus order
};

/// Posts each document once to `metadata_url` as application/rdf+xml.
/// Errors: kInternal "upload <i> (<endorser>): HTTP <status> <body>" for the first
/// answer that is not 201 or has no Location; kUnavailable for a transport
/// failure.
Result<UploadReport> UploadAll(const std::string& metadata_url,
                               const std::vector<CorpusDocument>& documents, unsigned connections);

}  // namespace mkt::bench
