// Corpus: the signed documents the benchmarks upload, verify and read back.
//
// Each document is a realistic StratusLab metadata document (the generator of
// tests/support/documents.hpp: identifier, size, MD5/SHA-1/SHA-256/SHA-512
// checksums, OS fields, location, validity, title, description) for its own
// image, so every upload is a new entry. Endorsers rotate over the test-PKI
// identities that strict trust accepts, so the mix covers every verification
// path a real deployment sees: RSA with an email SAN (alice), RSA bound by the
// endorser list (bob), RSA under an intermediate CA sent in KeyInfo (carol),
// ECDSA P-256 (erin) and a subject with an emailAddress attribute (eve).
//
// The test PKI is the one scripts/make-test-pki writes (target mkt_test_pki);
// UseTestPki points the test-support signer at it (it reads MKT_TEST_PKI).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "registry/timestamp.hpp"

namespace mkt::bench {

/// Test-PKI endorsers whose documents pass strict trust (with the PKI's
/// `endorsers` file as endorser list, which binds bob).
const std::vector<std::string>& StrictEndorsers();

struct CorpusDocument {
    std::string endorser;  // test-PKI name, e.g. "alice"
    std::string bytes;     // the signed document
};

/// Makes the test-support signer load its keys from `pki_dir` (sets
/// MKT_TEST_PKI for this process). Call before SignCorpus, from main.
void UseTestPki(const std::filesystem::path& pki_dir);

/// Signs `count` documents for distinct images (named after `run_tag` and the
/// index), endorsement `created` = `created`, endorser i = endorsers[i % size],
/// on `threads` threads. Aborts the process when a key cannot be loaded or a
/// document cannot be signed (the test-support contract), naming the endorser.
std::vector<CorpusDocument> SignCorpus(size_t count, Timestamp created,
                                       const std::vector<std::string>& endorsers,
                                       const std::string& run_tag, unsigned threads);

/// Mean size of the corpus' signed documents, in bytes (0 for an empty corpus).
size_t AverageSize(const std::vector<CorpusDocument>& corpus);

}  // namespace mkt::bench
