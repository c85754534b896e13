// Helpers for the tests of registry/xmlsec/ signatures and trust.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "registry/result.hpp"
#include "registry/xmlsec/library.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "registry/xmlsec/signing_key.hpp"

namespace mkt::xmlsec::testing {

/// Holds the XmlSecLibrary for a whole test binary:
/// `::testing::AddGlobalTestEnvironment(new XmlSecEnvironment)`.
class XmlSecEnvironment : public ::testing::Environment {
  public:
    void SetUp() override;
    void TearDown() override { library_.reset(); }

  private:
    std::unique_ptr<XmlSecLibrary> library_;
};

/// A MetadataDocument built without XmlMetadataParser's constraint checks, for
/// signature tests on fixtures that fail them (e.g. client/manifest-invalid-sha1.xml):
/// ParseSafely, the endorsement read from the first slreq:endorsement, and as
/// signature the first ds:Signature element anywhere (document order), the
/// choice of a naive parser, so the verifier's own placement checks are tested.
Result<std::unique_ptr<MetadataDocument>> LooseDocument(std::string_view bytes);

/// Bytes of shared/fixtures/stratuslab/<relative>.
std::string Fixture(std::string_view relative);
/// <build>/test-pki/<name>.
std::filesystem::path Pki(std::string_view name);
/// The PKI endorser `name` from its PEM key and certificate (asserts success).
SigningKey PkiKey(std::string_view name);

struct CommandResult {
    int exit_code = -1;
    std::string output;  // stdout and stderr
};
/// Runs `command` with /bin/sh.
CommandResult RunCommand(const std::string& command);
std::string ShellQuote(std::string_view text);

/// The `index`-th (0-based) X509Certificate of `document` as a PEM block.
std::string CertificatePem(std::string_view document, size_t index = 0);

/// `text` with the first occurrence of `from` replaced by `to` (asserts it occurs).
std::string ReplaceOnce(std::string text, std::string_view from, std::string_view to);

}  // namespace mkt::xmlsec::testing
