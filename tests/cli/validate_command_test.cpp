// marketplace validate: the server's rules on local files, strict and compat
// trust, the original's output and exit code, and interoperability with
// documents signed by the independent xmlsec1 tool.
#include <cstdlib>
#include <regex>

#include <gtest/gtest.h>

#include "registry/clock.hpp"
#include "tests/cli/cli_runner.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::testing {
namespace {

constexpr const char* kAliceDn = "CN=Alice Endorser,OU=Endorsers,O=Marketplace Test,C=EU";
constexpr const char* kRootDn = "CN=Marketplace Test CA,O=Marketplace Test,C=EU";

bool Contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class ValidateCommandTest : public ::testing::Test {
  protected:
    std::string Pki(const std::string& name) const { return (TestPki() / name).string(); }

    std::string Write(const std::string& name, const std::string& bytes) {
        WriteFile(dir_ / name, bytes);
        return (dir_ / name).string();
    }

    std::string Signed(const std::string& name, const std::string& who,
                       const DocumentSpec& spec = {}) {
        return Write(name, SignedDocument(who, spec, now_));
    }

    CliResult Validate(std::vector<std::string> args, const CliOptions& cli = {}) {
        args.insert(args.begin(), "validate");
        return RunCli(args, cli);
    }

    // An unsigned document with alice's endorsement written out, plus an
    // rsa-sha256 Signature template, signed by `xmlsec1 --sign`.
    std::string SignedByXmlsec1(const std::string& name) {
        std::string doc =
            UnsignedDocument({.image = "xmlsec1", .description = "Signed by xmlsec1"}, now_);
        doc = std::regex_replace(
            doc, std::regex("<slreq:endorsement rdf:parseType=\"Resource\"/>"),
            "<slreq:endorsement rdf:parseType=\"Resource\"><dcterms:created>" + now_.ToString() +
                "</dcterms:created><slreq:endorser rdf:parseType=\"Resource\"><slreq:email>"
                "alice@example.org</slreq:email><slreq:subject>" +
                kAliceDn + "</slreq:subject><slreq:issuer>" + kRootDn +
                "</slreq:issuer></slreq:endorser></slreq:endorsement>");
        doc.replace(
            doc.rfind("</rdf:RDF>"), 10,
            "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>"
            "<CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
            "<SignatureMethod "
            "Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>"
            "<Reference URI=\"\"><Transforms><Transform "
            "Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"
            "</Transforms><DigestMethod "
            "Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><DigestValue/>"
            "</Reference></SignedInfo><SignatureValue/><KeyInfo><X509Data>"
            "<X509Certificate/></X509Data></KeyInfo></Signature></rdf:RDF>");
        const std::string tmpl = Write(name + ".template", doc);
        const std::string out = (dir_ / name).string();
        const std::string command = "xmlsec1 --sign --privkey-pem " + Pki("alice.key") + "," +
                                    Pki("alice.pem") + " --output " + out + " " + tmpl +
                                    " >/dev/null 2>&1";
        EXPECT_EQ(std::system(command.c_str()), 0) << command;
        return out;
    }

    TempDir dir_;
    const Timestamp now_ = SystemClock().Now();
};

TEST_F(ValidateCommandTest, AcceptsADocumentSignedByXmlsec1FromATemplate) {
    const std::string file = SignedByXmlsec1("xmlsec1.xml");
    const CliResult r = Validate({"--trust-dir", Pki("ca"), file});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "Valid: " + file + "\n");
}

TEST_F(ValidateCommandTest, RejectsItAfterOneByteOfTheDescriptionChanges) {
    const std::string file = SignedByXmlsec1("tampered.xml");
    std::string bytes = ReadFile(file);
    const size_t at = bytes.find("Signed by xmlsec1");
    ASSERT_NE(at, std::string::npos);
    bytes[at] = 's';
    WriteFile(file, bytes);
    const CliResult r = Validate({"--trust-dir", Pki("ca"), file});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_TRUE(std::regex_match(
        r.err, std::regex("Invalid: " + file + "\nsignature does not match: [^\n]*digest[^\n]*\n")))
        << r.err;
}

TEST_F(ValidateCommandTest, TheExitCodeIsTheNumberOfInvalidFiles) {
    const std::string good = Signed("good.xml", "alice", {.image = "g"});
    std::string tampered_bytes = SignedDocument("alice", {.image = "t"}, now_);
    tampered_bytes.replace(tampered_bytes.find("Test image"), 10, "Test imagE");
    const std::string tampered = Write("tampered.xml", tampered_bytes);
    const std::string missing = (dir_ / "missing.xml").string();
    const CliResult r = Validate({"--trust-dir", Pki("ca"), good, tampered, missing});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "Valid: " + good + "\n");
    EXPECT_TRUE(Contains(r.err, "Invalid: " + tampered + "\nsignature does not match")) << r.err;
    EXPECT_TRUE(Contains(r.err, "Invalid: " + missing + "\ncannot read " + missing +
                                    ": No such file or directory\n"))
        << r.err;
}

TEST_F(ValidateCommandTest, TheExitCodeStopsAt125) {
    std::vector<std::string> args = {"--quiet", "validate", "--compat"};
    for (int i = 0; i < 130; ++i) args.push_back((dir_ / ("none" + std::to_string(i))).string());
    EXPECT_EQ(RunCli(args).exit_code, 125);
}

TEST_F(ValidateCommandTest, CompatModeSaysSoAndOnlyStrictModeChecksRevocation) {
    const std::string file = Signed("revoked.xml", "revoked", {.image = "r"});
    const CliResult compat = Validate({file});
    EXPECT_EQ(compat.exit_code, 0) << compat.err;
    EXPECT_EQ(compat.out, "Valid: " + file + "\n");
    EXPECT_TRUE(Contains(compat.err, "compat mode: signature and endorser binding only"))
        << compat.err;
    const CliResult strict = Validate({"--trust-dir", Pki("ca"), file});
    EXPECT_EQ(strict.exit_code, 1);
    EXPECT_TRUE(Contains(strict.err, "Invalid: " + file + "\ncertificate")) << strict.err;
    EXPECT_TRUE(Contains(strict.err, "revoked")) << strict.err;
    EXPECT_FALSE(Contains(strict.err, "compat mode"));
}

TEST_F(ValidateCommandTest, StrictModeRefusesAnUntrustedCa) {
    const std::string file = Signed("mallory.xml", "mallory", {.image = "m"});
    const CliResult r = Validate({"--trust-dir", Pki("ca"), file});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(r.err, "not issued by a trusted CA")) << r.err;
}

TEST_F(ValidateCommandTest, TheEndorserListBindsAnEmailWithoutSan) {
    const std::string file = Signed("bob.xml", "bob", {.image = "b"});
    const CliResult unbound = Validate({"--trust-dir", Pki("ca"), file});
    EXPECT_EQ(unbound.exit_code, 1);
    EXPECT_TRUE(Contains(unbound.err, "is not bound to certificate")) << unbound.err;
    const CliResult bound =
        Validate({"--trust-dir", Pki("ca"), "--endorsers", Pki("endorsers"), file});
    EXPECT_EQ(bound.exit_code, 0) << bound.err;
}

TEST_F(ValidateCommandTest, TheConfigurationNamesTheTrustDirectory) {
    const std::string file = Signed("revoked.xml", "revoked", {.image = "rc"});
    const CliResult r = Validate({file}, {.env = {{"MARKETPLACE_TRUST_DIR", Pki("ca")}}});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(Contains(r.err, "revoked")) << r.err;
    const CliResult compat =
        Validate({"--compat", file}, {.env = {{"MARKETPLACE_TRUST_DIR", Pki("ca")}}});
    EXPECT_EQ(compat.exit_code, 0) << compat.err;
}

TEST_F(ValidateCommandTest, AtValidatesAtAnotherTime) {
    const std::string file = Signed("alice.xml", "alice", {.image = "at"});
    EXPECT_EQ(Validate({"--trust-dir", Pki("ca"), file}).exit_code, 0);
    const CliResult later =
        Validate({"--trust-dir", Pki("ca"), "--at", "2045-01-01T00:00:00Z", file});
    EXPECT_EQ(later.exit_code, 1);
    EXPECT_TRUE(Contains(later.err, "expired")) << later.err;
}

TEST_F(ValidateCommandTest, StructureErrorsCarryTheParsersMessage) {
    const std::string file =
        (StratusLabFixtures() / "metadata-lib/invalid-bad-xml-base.xml").string();
    const CliResult r = RunCli({"--quiet", "validate", file});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "Invalid: " + file +
                         "\nroot element must have xml:base attribute with value "
                         "http://mp.stratuslab.eu/\n");
}

TEST_F(ValidateCommandTest, AnEndorsedDocumentWithoutSignatureIsInvalid) {
    const std::string doc = SignedDocument("alice", {.image = "u"}, now_);
    const std::string file =
        Write("unsigned.xml", doc.substr(0, doc.find("<Signature")) + "</rdf:RDF>\n");
    const CliResult r = RunCli({"--quiet", "validate", file});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "Invalid: " + file + "\nno signature\n");
}

TEST_F(ValidateCommandTest, StdinIsValidatedAsDash) {
    const CliResult r = Validate({"--trust-dir", Pki("ca"), "-"},
                                 {.input = SignedDocument("carol", {.image = "stdin"}, now_)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "Valid: -\n");
}

TEST_F(ValidateCommandTest, ABadTrustDirectoryIsAUsageError) {
    const std::string file = Signed("a.xml", "alice", {.image = "bad-dir"});
    const CliResult r = Validate({"--trust-dir", (dir_ / "nowhere").string(), file});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(Contains(r.err, (dir_ / "nowhere").string())) << r.err;
}

}  // namespace
}  // namespace mkt::testing
