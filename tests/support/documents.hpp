// Test documents: realistic StratusLab metadata built from a few fields and
// signed with the generated test PKI (scripts/make-test-pki), so tests can make
// fresh entries at any time instead of relying on 2011-2016 fixtures.
#pragma once

#include <optional>
#include <string>

#include "registry/timestamp.hpp"
#include "registry/xmlsec/xmldsig_signer.hpp"

namespace mkt::testing {

struct DocumentSpec {
    std::string image = "image";  // the image "content": SHA-1 and identifier derive from it
    std::string os = "ubuntu", os_version = "22.04", os_arch = "x86_64";
    std::string title = "Test image", description = "An image for tests", tag = "";
    std::string location = "https://images.example.org/test.img";
    std::optional<std::string> deprecated = std::nullopt;  // slterms:deprecated reason
    std::optional<Timestamp> valid = std::nullopt;         // default: created + 365 days
};

/// The identifier of DocumentSpec::image (SHA-1 of its bytes).
std::string IdentifierOf(const std::string& image);

/// An unsigned document (empty endorsement, to be filled by the signer).
std::string UnsignedDocument(const DocumentSpec& spec, Timestamp created);

/// Signs `document` as test-PKI endorser `endorser` ("alice", "bob", "carol",
/// "erin", "eve", "expired", "revoked", "mallory") at `created`. bob has no
/// email SAN: his email is bob@example.org. Aborts the test binary on failure.
std::string SignAs(const std::string& endorser, const std::string& document, Timestamp created,
                   std::optional<xmlsec::SignatureProfile> profile = std::nullopt);

/// UnsignedDocument + SignAs.
std::string SignedDocument(const std::string& endorser, const DocumentSpec& spec,
                           Timestamp created);

/// The endorser's email in the test PKI.
std::string EmailOf(const std::string& endorser);

}  // namespace mkt::testing
