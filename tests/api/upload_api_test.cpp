// POST /metadata over real HTTP against the real server (SQLite, strict trust,
// test PKI): every acceptance rule and every rejection, each leaving the store
// untouched.
#include <cstdlib>
#include <regex>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/test_server.hpp"

namespace mkt {
namespace {

using testing::DocumentSpec;
using testing::SignedDocument;

class UploadApiTest : public ::testing::Test {
  protected:
    testing::TestServer server_;
    Timestamp now_ = server_.clock().Now();

    StoreStats Stats() { return *server_.registry().Stats(); }

    // Expects `response` to be a rejection and the store to be as `before`.
    void ExpectRejected(const client::HttpResponse& response, long status,
                        const std::string& message_part, const StoreStats& before) {
        EXPECT_EQ(response.status, status) << response.body;
        EXPECT_NE(response.body.find(message_part), std::string::npos)
            << "expected '" << message_part << "' in " << response.body;
        const StoreStats after = Stats();
        EXPECT_EQ(after.entries, before.entries);
        EXPECT_EQ(after.last_seq, before.last_seq);
    }
};

TEST_F(UploadApiTest, AcceptsAFreshlySignedEntryAndServesTheSameBytes) {
    const std::string doc = SignedDocument("alice", {.image = "fresh"}, now_);
    auto r = server_.Upload(doc);
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string location = r.Header("Location");
    const std::string expected_path =
        "metadata/" + testing::IdentifierOf("fresh") + "/alice@example.org/" + now_.ToString();
    EXPECT_EQ(location, server_.url(expected_path));
    auto got = server_.Get(expected_path);
    EXPECT_EQ(got.status, 200);
    EXPECT_EQ(got.Header("Content-Type"), "application/rdf+xml");
    EXPECT_EQ(got.body, doc);
}

TEST_F(UploadApiTest, ServedBytesVerifyWithTheXmlsec1Tool) {
    const std::string doc = SignedDocument("alice", {.image = "interop"}, now_);
    auto r = server_.Upload(doc);
    ASSERT_EQ(r.status, 201);
    auto got = server_.Get(r.Header("Location").substr(server_.url().size()));
    const auto file = server_.dir() / "served.xml";
    testing::WriteFile(file, got.body);
    const std::string command = "xmlsec1 --verify --trusted-pem " +
                                (testing::TestPki() / "ca.pem").string() + " " + file.string() +
                                " >/dev/null 2>&1";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

TEST_F(UploadApiTest, IdenticalReuploadIsIdempotent) {
    const std::string doc = SignedDocument("alice", {.image = "twice"}, now_);
    ASSERT_EQ(server_.Upload(doc).status, 201);
    const StoreStats before = Stats();
    auto again = server_.Upload(doc);
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(nlohmann::json::parse(again.body)["created"], false) << again.body;
    EXPECT_EQ(Stats().last_seq, before.last_seq);
}

TEST_F(UploadApiTest, RefusesAnEntryOlderThanTheEndorsersLatest) {
    const std::string older = SignedDocument("alice", {.image = "series"}, now_ - 60);
    ASSERT_EQ(server_.Upload(SignedDocument("alice", {.image = "series"}, now_)).status, 201);
    ExpectRejected(server_.Upload(older), 400, "older than latest", Stats());
}

TEST_F(UploadApiTest, AnotherEndorsersOlderEntryIsFine) {
    ASSERT_EQ(server_.Upload(SignedDocument("alice", {.image = "shared"}, now_)).status, 201);
    EXPECT_EQ(server_.Upload(SignedDocument("erin", {.image = "shared"}, now_ - 60)).status, 201);
}

TEST_F(UploadApiTest, RefusesATamperedDocument) {
    std::string doc =
        SignedDocument("alice", {.image = "tamper", .description = "original text"}, now_);
    doc.replace(doc.find("original text"), 13, "Original text");
    ExpectRejected(server_.Upload(doc), 400, "invalid", Stats());
}

TEST_F(UploadApiTest, RefusesAnUnsignedDocument) {
    std::string doc = SignedDocument("alice", {.image = "unsigned"}, now_);
    doc.erase(doc.find("<Signature"), doc.find("</Signature>") + 12 - doc.find("<Signature"));
    ExpectRejected(server_.Upload(doc), 400, "no signature", Stats());
}

TEST_F(UploadApiTest, RefusesUntrustedRevokedAndExpiredSigners) {
    const StoreStats before = Stats();
    ExpectRejected(server_.Upload(SignedDocument("mallory", {.image = "m"}, now_)), 403, "trusted",
                   before);
    ExpectRejected(server_.Upload(SignedDocument("revoked", {.image = "r"}, now_)), 403, "revoked",
                   before);
    ExpectRejected(server_.Upload(SignedDocument("expired", {.image = "e"}, now_)), 403, "expired",
                   before);
}

TEST_F(UploadApiTest, RefusesASubjectThatIsNotTheSigners) {
    // Sign with alice's key a document whose endorsement names someone else,
    // using the independent xmlsec1 tool (our signer always writes the truth).
    std::string doc = SignedDocument("alice", {.image = "impostor"}, now_);
    const size_t sig = doc.find("<Signature");
    std::string unsigned_doc = doc.substr(0, sig) + "</rdf:RDF>\n";
    unsigned_doc = std::regex_replace(
        unsigned_doc, std::regex("<slreq:subject>[^<]*</slreq:subject>"),
        "<slreq:subject>CN=Somebody Else,O=Marketplace Test,C=EU</slreq:subject>");
    const std::string tmpl =
        unsigned_doc.substr(0, unsigned_doc.rfind("</rdf:RDF>")) +
        "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>"
        "<CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
        "<SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>"
        "<Reference URI=\"\"><Transforms><Transform "
        "Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"
        "</Transforms><DigestMethod "
        "Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><DigestValue/></Reference>"
        "</SignedInfo><SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></"
        "Signature></rdf:RDF>\n";
    const auto in = server_.dir() / "impostor-template.xml";
    const auto out = server_.dir() / "impostor.xml";
    testing::WriteFile(in, tmpl);
    const auto pki = testing::TestPki();
    const std::string command = "xmlsec1 --sign --privkey-pem " + (pki / "alice.key").string() +
                                "," + (pki / "alice.pem").string() + " --output " + out.string() +
                                " " + in.string() + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    ExpectRejected(server_.Upload(testing::ReadFile(out)), 400, "endorser inconsistency (subject)",
                   Stats());
}

TEST_F(UploadApiTest, RefusesExternalEntitiesAndDtds) {
    std::string doc = SignedDocument("alice", {.image = "xxe", .description = "&xxe;"}, now_);
    const std::string xxe = "<!DOCTYPE rdf:RDF [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n";
    doc.insert(doc.find("<rdf:RDF"), xxe);
    ExpectRejected(server_.Upload(doc), 400, "DOCTYPE", Stats());
}

TEST_F(UploadApiTest, RefusesATwentyMegabyteBodyWith413) {
    std::string doc = SignedDocument("alice", {.image = "huge"}, now_);
    doc.insert(doc.find("</rdf:RDF>"), "<!-- " + std::string(20 << 20, 'x') + " -->");
    auto r = server_.Upload(doc);
    ExpectRejected(r, 413, "exceeds the limit", Stats());
    // The connection was closed after the error; the server still serves.
    EXPECT_EQ(server_.Get("health").status, 200);
}

TEST_F(UploadApiTest, RefusesADocumentOverTheMetadataLimitButUnderTheBodyLimit) {
    std::string doc = SignedDocument("alice", {.image = "big"}, now_);
    doc.insert(doc.find("</rdf:RDF>"), "<!-- " + std::string(1 << 20, 'x') + " -->");
    ExpectRejected(server_.Upload(doc), 413, "limit", Stats());
}

TEST_F(UploadApiTest, RefusesEndorsementsOutsideTheTimeWindow) {
    const StoreStats before = Stats();
    ExpectRejected(server_.Upload(SignedDocument("alice", {.image = "future"}, now_ + 600)), 400,
                   "in the future", before);
    EXPECT_EQ(server_.Upload(SignedDocument("alice", {.image = "skew"}, now_ + 120)).status, 201);
    // Signed now, uploaded eight days later (the certificate is still valid).
    const std::string late = SignedDocument("alice", {.image = "late"}, now_);
    server_.clock().Advance(8 * 86400);
    ExpectRejected(server_.Upload(late), 400, "too old", Stats());
}

TEST_F(UploadApiTest, RefusesOtherContentTypesWith415) {
    const std::string doc = SignedDocument("alice", {.image = "form"}, now_);
    ExpectRejected(server_.Upload(doc, "application/x-www-form-urlencoded"), 415, "Content-Type",
                   Stats());
    ExpectRejected(server_.Upload("", "application/rdf+xml"), 400, "empty", Stats());
    ExpectRejected(server_.Upload("not xml at all"), 400, "unable to parse metadata", Stats());
}

TEST_F(UploadApiTest, AcceptsAMultipartBrowserUpload) {
    const std::string doc = SignedDocument("alice", {.image = "multipart"}, now_);
    const std::string body =
        "--b0undary\r\nContent-Disposition: form-data; name=\"Metadata File\"; "
        "filename=\"entry.xml\"\r\nContent-Type: text/xml\r\n\r\n" +
        doc + "\r\n--b0undary--\r\n";
    auto r = server_.Upload(body, "multipart/form-data; boundary=b0undary");
    EXPECT_EQ(r.status, 201) << r.body;
}

TEST_F(UploadApiTest, AcceptsEveryEndorserKindAndProfile) {
    EXPECT_EQ(server_.Upload(SignedDocument("bob", {.image = "b"}, now_)).status,
              201);  // endorser list
    EXPECT_EQ(server_.Upload(SignedDocument("carol", {.image = "c"}, now_)).status,
              201);  // intermediate CA
    EXPECT_EQ(server_.Upload(SignedDocument("erin", {.image = "e"}, now_)).status, 201);  // ECDSA
    EXPECT_EQ(server_.Upload(SignedDocument("eve", {.image = "v"}, now_)).status,
              201);  // emailAddress in DN
    const std::string legacy =
        testing::SignAs("alice", testing::UnsignedDocument({.image = "l"}, now_), now_,
                        xmlsec::SignatureProfile::kLegacyStratusLab);
    EXPECT_EQ(server_.Upload(legacy).status, 201);
}

TEST_F(UploadApiTest, ErrorBodiesAreJsonOrXmlByAccept) {
    client::HttpClient client;
    auto json_reply =
        client.Send({"POST",
                     server_.url("metadata"),
                     {{"Content-Type", "application/rdf+xml"}, {"Accept", "application/json"}},
                     "<x/>"});
    ASSERT_TRUE(json_reply.ok());
    EXPECT_EQ(json_reply->status, 400);
    auto body = nlohmann::json::parse(json_reply->body);
    EXPECT_EQ(body["error"]["status"], 400);
    EXPECT_EQ(body["error"]["code"], "invalid_argument");
    EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
    EXPECT_EQ(body["error"]["request_id"], json_reply->Header("X-Request-Id"));
    auto xml_reply = server_.Upload("<x/>");
    EXPECT_TRUE(xml_reply.body.find("<error status=\"400\"") != std::string::npos)
        << xml_reply.body;
}

}  // namespace
}  // namespace mkt
