// The XML-DSig profile check and verifier on signed documents (the seeds are
// documents signed by StratusLab's and the test PKI's keys; the fuzzer mutates
// them). Compat mode runs every check but the chain: the profile, the digest, the
// signature value with the certificate's key, and the binding of subject, issuer
// and email. Invariant: a verified signer is the document's endorser.
#include <memory>

#include "fuzz/fuzz_support.hpp"
#include "registry/timestamp.hpp"
#include "registry/xmlsec/library.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "registry/xmlsec/xmldsig_verifier.hpp"

namespace {

mkt::xmlsec::XmlSecLibrary& Library() {
    static auto* library = new mkt::xmlsec::XmlSecLibrary();
    return *library;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FUZZ_CHECK(Library().ok());
    const mkt::xmlsec::XmlMetadataParser parser;
    auto parsed = parser.Parse(mkt::fuzz::AsText(data, size));
    if (!parsed.ok() || !(*parsed)->HasSignature()) return 0;
    mkt::xmlsec::VerifierOptions options;
    options.mode = mkt::TrustMode::kCompat;
    const mkt::xmlsec::XmldsigVerifier verifier(options);
    const mkt::EntryMetadata& m = (*parsed)->metadata();
    auto signer = verifier.Verify(**parsed, m.endorsement.created);
    if (!signer.ok()) {
        FUZZ_CHECK(!signer.status().message().empty());
        return 0;
    }
    FUZZ_CHECK(signer->subject == m.endorsement.subject);
    FUZZ_CHECK(!m.endorsement.issuers.empty());
    return 0;
}
