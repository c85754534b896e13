// Entry generator: N signed, distinct, realistic entries in a SQLite store, for
// the benchmarks that need a registry at scale (CIMI, OCCI, web UI, SPARQL).
//
// Every entry is a real document signed with the test PKI (tests/support's
// generator) and submitted through the real Registry (parse, RDF check, strict
// signature and trust checks, store), as a replicated entry so that
// endorsement dates may lie in the past. The mix is deterministic in N:
//   - 4 in 5 entries endorse a new image; the 5th endorses the image of the
//     first entry of its block of five again, later: by the same endorser
//     (a newer endorsement, history) or by another one (two endorsers);
//   - 12 operating systems with their usual versions, 3 architectures;
//   - 5 endorsers (alice, bob, carol, erin, eve: every strict-trust path);
//   - about 10% deprecated (half of the re-endorsements deprecate the image
//     with a reason), about 20% expired (valid until 90 days after created);
//   - endorsement dates spread evenly over the five years before `now`;
//   - titles, descriptions, tags (dcterms:alternative), locations per image.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>

#include "registry/redland/world.hpp"
#include "registry/result.hpp"
#include "registry/timestamp.hpp"

namespace mkt::bench {

struct GeneratorOptions {
    size_t count = 100000;
    unsigned threads = 0;       // 0 = hardware threads
    std::filesystem::path pki;  // test PKI (scripts/make-test-pki); empty = MKT_TEST_PKI
    Timestamp now;              // the epoch (default) = the system clock
    /// Called now and then from one thread with (entries stored, count).
    std::function<void(size_t, size_t)> progress;
};

struct GeneratedDatabase {
    size_t entries = 0;   // stored in the database
    bool reused = false;  // the file already held exactly `count` entries
    double seconds = 0;   // time spent generating (0 when reused)
};

/// Fills the SQLite store at `path` (created if missing; its directory must
/// exist) with the generated entries, or reuses it when it already holds
/// exactly options.count entries. The caller has initialised xmlsec
/// (XmlSecLibrary) after creating `rdf_world`.
/// Errors: kInvalidArgument when the file holds another number of entries
/// (delete it to regenerate) or the PKI is missing; any Registry refusal of a
/// generated document (a bug), naming the entry.
Result<GeneratedDatabase> GenerateDatabase(const std::filesystem::path& path,
                                           const GeneratorOptions& options,
                                           const redland::World& rdf_world);

}  // namespace mkt::bench
