// Every document of the StratusLab fixtures through the whole upload pipeline
// (Registry::Submit: parse, constraints, RDF, signature, rules, store), in
// compat trust mode with the clock set just after each document's endorsement:
//   - signed documents the original accepted (valid-*, the production entries,
//     the client's signed resource) are accepted;
//   - invalid-* are rejected with the reason in tests/data/metadata-lib-expectations.tsv;
//   - unsigned documents are rejected with "no signature" (they are not signed fixtures);
//     valid-minimal-signature.xml has an empty Signature element and is refused as such.
// Data-driven: it reads the folders, so a new fixture is covered without a code change.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "registry/redland/rdfxml_checker.hpp"
#include "registry/registry.hpp"
#include "registry/store/memory_store.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "registry/xmlsec/xmldsig_verifier.hpp"
#include "tests/registry/metadata/metadata_test_util.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/rdf_world.hpp"

namespace mkt {
namespace {

struct Expectation {
    std::string step;     // ok | parse | rdf
    std::string message;  // for parse / rdf
};

std::map<std::string, Expectation> MetadataLibExpectations() {
    std::map<std::string, Expectation> out;
    std::istringstream in(
        testing::ReadFile(testing::SourceDir() / "tests/data/metadata-lib-expectations.tsv"));
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        std::string file, step, message;
        std::getline(fields, file, '\t');
        std::getline(fields, step, '\t');
        std::getline(fields, message, '\t');
        out[file] = {step, message};
    }
    return out;
}

// The endorsement created of a document, read with the parser itself.
std::optional<Timestamp> EndorsementCreated(const std::string& document) {
    auto parsed = xmlsec::XmlMetadataParser().Parse(document);
    if (!parsed.ok()) return std::nullopt;
    return (*parsed)->metadata().endorsement.created;
}

class Pipeline {
  public:
    Pipeline()
        : rdf_(testing::RdfWorld()),
          verifier_({TrustMode::kCompat, nullptr}),
          clock_(Timestamp()),
          registry_({}, parser_, rdf_, verifier_, store_, clock_) {}
    Result<SubmitResult> Submit(const std::string& document, Timestamp now) {
        clock_.Set(now);
        return registry_.Submit(document);
    }
    Registry& registry() { return registry_; }

  private:
    xmlsec::XmlMetadataParser parser_;
    redland::RaptorRdfChecker rdf_;
    xmlsec::XmldsigVerifier verifier_;
    store::MemoryEntryStore store_;
    ManualClock clock_;
    Registry registry_;
};

struct Outcome {
    std::string name;
    size_t accepted = 0, rejected = 0;
};

TEST(RegistryFixturesTest, EveryFixtureIsAcceptedOrRejectedAsItsNameSays) {
    const auto expectations = MetadataLibExpectations();
    size_t signed_accepted = 0, invalid_rejected = 0, unsigned_rejected = 0;
    for (const auto& dir : {"metadata-lib", "marketplace-server", "client", "production"}) {
        for (const auto& f :
             std::filesystem::directory_iterator(testing::StratusLabFixtures() / dir)) {
            if (f.path().extension() != ".xml") continue;
            const std::string name = f.path().filename().string();
            const auto documents = testing::SplitListing(testing::ReadFile(f.path()));
            for (size_t i = 0; i < documents.size(); ++i) {
                const std::string& doc = documents[i];
                const std::string where = std::string(dir) + "/" + name + "#" + std::to_string(i);
                const auto created = EndorsementCreated(doc);
                Pipeline pipeline;
                auto result = pipeline.Submit(doc, created.value_or(Timestamp()) + 60);
                // valid-minimal-signature.xml holds an empty Signature element: not signed.
                const bool is_signed = doc.find("SignatureValue") != std::string::npos;
                auto expected = expectations.find(name);
                if (std::string(dir) == "metadata-lib" && expected != expectations.end() &&
                    expected->second.step != "ok") {
                    ASSERT_FALSE(result.ok()) << where;
                    EXPECT_NE(result.status().message().find(expected->second.message),
                              std::string::npos)
                        << where << ": " << result.status().message();
                    ++invalid_rejected;
                } else if (name == "valid.xml" || name == "valid-minimal-empty-endorsement.xml") {
                    // Signing templates with an empty endorsement (see the manifest).
                    EXPECT_FALSE(result.ok()) << where;
                    ++invalid_rejected;
                } else if (!is_signed) {
                    ASSERT_FALSE(result.ok()) << where;
                    const std::string& m = result.status().message();
                    EXPECT_TRUE(m == "no signature" ||
                                m.find("has no ds:SignedInfo") != std::string::npos)
                        << where << ": " << m;
                    ++unsigned_rejected;
                } else {
                    ASSERT_TRUE(result.ok()) << where << ": " << result.status().ToString();
                    EXPECT_TRUE(result->created);
                    EXPECT_EQ(result->entry.document, doc) << where;
                    EXPECT_EQ(result->entry.signer.trust_mode, TrustMode::kCompat);
                    const auto& valid = result->entry.metadata.valid;
                    if (valid && *valid <= *created) {
                        // Expired when signed (valid-expired-signature, valid-indate-older):
                        // accepted as the original did, listed as expired.
                        EXPECT_EQ(result->entry.StatusAt(*created + 60), EntryStatus::kExpired)
                            << where;
                    } else if (valid) {
                        EXPECT_LT(*created + 60, *valid)
                            << where << ": the clock is not inside the validity";
                    }
                    ++signed_accepted;
                }
            }
        }
    }
    // 11 signed server documents (invalid-special-characters-signature.xml included:
    // see the next test), 2 metadata-lib, 1 client resource, 3 production.
    EXPECT_EQ(signed_accepted, 17u);
    EXPECT_GE(invalid_rejected, 31u);
    std::printf("signed accepted: %zu, invalid rejected: %zu, unsigned rejected: %zu\n",
                signed_accepted, invalid_rejected, unsigned_rejected);
}

TEST(RegistryFixturesTest, TheSpecialCharactersDocumentIsValidAndItsNameIsHistory) {
    // StratusLab named it "invalid" because its quotes once broke the server's
    // JSON listing (testCreatesValidJson); the document and signature are valid.
    const std::string doc =
        testing::ReadFile(testing::StratusLabFixtures() /
                          "marketplace-server/invalid-special-characters-signature.xml");
    Pipeline pipeline;
    auto result = pipeline.Submit(doc, *EndorsementCreated(doc) + 60);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_NE(
        result->entry.metadata.description.find("\"/home/globu/gt5/gt5.0.4-all-source-installer\""),
        std::string::npos);
}

TEST(RegistryFixturesTest, ServerFixturesReplayTheNewerThanLatestRule) {
    auto load = [](const char* name) {
        return testing::ReadFile(testing::StratusLabFixtures() / "marketplace-server" / name);
    };
    Pipeline pipeline;
    const Timestamp now = *Timestamp::Parse("2014-03-08T14:30:00Z");
    ASSERT_TRUE(pipeline.Submit(load("valid-indate-signature.xml"), now).ok());        // 14:10:40
    ASSERT_TRUE(pipeline.Submit(load("valid-indate-newer-signature.xml"), now).ok());  // 14:23:18
    auto older = pipeline.Submit(load("valid-indate-older-signature.xml"), now);       // 14:15:05
    ASSERT_FALSE(older.ok());
    EXPECT_NE(older.status().message().find("older than latest entry"), std::string::npos);
    auto deprecated_older =
        pipeline.Submit(load("valid-indate-deprecated-signature.xml"), now);  // 14:10:17
    EXPECT_FALSE(deprecated_older.ok());
    auto again = pipeline.Submit(load("valid-indate-newer-signature.xml"), now);
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again->created);  // identical re-upload
    auto two_locations = pipeline.Submit(load("valid-two-locations.xml"), now);  // 14:28:15, newest
    ASSERT_TRUE(two_locations.ok()) << two_locations.status().ToString();
    EXPECT_EQ(two_locations->entry.metadata.locations.size(), 2u);
}

TEST(RegistryFixturesTest, ProductionEntriesAreRefusedInStrictModeWithoutTheirCa) {
    // Their GRID-FR CA is not in the test PKI: strict mode says so.
    const std::string doc = testing::ReadFile(testing::StratusLabFixtures() /
                                              "production/LHfKVPoHcv4oMirHU0KuOQc-TvI.entry.xml");
    auto trust = xmlsec::TrustStore::Open({testing::TestPki() / "ca", {}, 60, 60, 4096});
    ASSERT_TRUE(trust.ok()) << trust.status().ToString();
    xmlsec::XmlMetadataParser parser;
    redland::RaptorRdfChecker rdf(testing::RdfWorld());
    xmlsec::XmldsigVerifier verifier({TrustMode::kStrict, trust->get()});
    store::MemoryEntryStore store;
    ManualClock clock(*EndorsementCreated(doc) + 60);
    Registry registry({}, parser, rdf, verifier, store, clock);
    auto result = registry.Submit(doc);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied) << result.status().ToString();
}

}  // namespace
}  // namespace mkt
