// JavaRfc2253 against the DN strings Java wrote into the real signed documents,
// and against Java's AVA.toRFC2253String rules for what the fixtures lack.
#include "registry/xmlsec/dn.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <gtest/gtest.h>

#include "registry/xmlsec/x509_internal.hpp"
#include "registry/xmlsec/xml_document.hpp"
#include "tests/registry/xmlsec/xmlsec_test_support.hpp"
#include "tests/support/paths.hpp"

namespace mkt::xmlsec {
namespace {

using internal::X509Ptr;

const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new testing::XmlSecEnvironment);

struct NameFree {
    void operator()(X509_NAME* n) const { X509_NAME_free(n); }
};
using NamePtr = std::unique_ptr<X509_NAME, NameFree>;

X509Ptr CertFromPem(const std::string& pem) {
    internal::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

// Every (certificate, slreq:subject, slreq:issuer) of one signed document: the
// first X509Certificate and the first endorser.
struct SignedSample {
    std::string file, cert_pem, subject, issuer;
};

std::string FirstText(xmlNode* node, const char* ns, const char* local) {
    for (xmlNode* c = node; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (IsElement(c, ns, local)) return TextContent(c);
        std::string below = FirstText(c->children, ns, local);
        if (!below.empty()) return below;
    }
    return {};
}

std::vector<SignedSample> SignedFixtures() {
    std::vector<SignedSample> out;
    const auto root = mkt::testing::StratusLabFixtures();
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.path().extension() != ".xml") continue;
        const std::string bytes = mkt::testing::ReadFile(entry.path());
        if (bytes.find("X509Certificate>") == std::string::npos) continue;
        auto xml = XmlDocument::ParseSafely(bytes, DocumentLimits{});
        if (!xml.ok()) continue;
        SignedSample sample;
        sample.file = std::filesystem::relative(entry.path(), root).string();
        sample.cert_pem = testing::CertificatePem(bytes);
        sample.subject = FirstText(xml->root(), kSlreqNs, "subject");
        sample.issuer = FirstText(xml->root(), kSlreqNs, "issuer");
        out.push_back(sample);
    }
    return out;
}

NamePtr Name(std::initializer_list<std::pair<const char*, const char*>> rdns) {
    NamePtr name(X509_NAME_new());
    for (const auto& [field, value] : rdns) {
        X509_NAME_add_entry_by_txt(name.get(), field, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value), -1, -1, 0);
    }
    return name;
}

std::string Format(const NamePtr& name) { return JavaRfc2253(name.get()); }

TEST(DnTest, MatchesTheSubjectAndIssuerJavaWroteInEverySignedFixture) {
    const auto samples = SignedFixtures();
    ASSERT_GE(samples.size(), 17u) << "signed fixtures not found";
    for (const auto& s : samples) {
        SCOPED_TRACE(s.file);
        X509Ptr cert = CertFromPem(s.cert_pem);
        ASSERT_TRUE(cert);
        EXPECT_EQ(JavaRfc2253(X509_get_subject_name(cert.get())), s.subject);
        EXPECT_EQ(JavaRfc2253(X509_get_issuer_name(cert.get())), s.issuer);
    }
}

TEST(DnTest, WritesGridCertificatesInJavaOrderNotOpenSslOrder) {
    const std::string listing =
        testing::Fixture("production/KqU_1EZFVGCDEhX9Kos9ckOaNjB.listing.xml");
    X509Ptr cert = CertFromPem(testing::CertificatePem(listing));
    ASSERT_TRUE(cert);
    EXPECT_EQ(JavaRfc2253(X509_get_subject_name(cert.get())),
              "CN=Cecile Cavet,OU=APC,O=CNRS,C=FR,O=GRID-FR");
    EXPECT_EQ(JavaRfc2253(X509_get_issuer_name(cert.get())), "CN=GRID2-FR,O=CNRS,C=FR");
}

TEST(DnTest, WritesEmailAddressAsDottedOidAndHexOfTheDerValue) {
    internal::BioPtr bio(BIO_new_file(testing::Pki("eve.pem").c_str(), "r"));
    ASSERT_TRUE(bio);
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    ASSERT_TRUE(cert);
    // IA5String (tag 0x16), 15 bytes, "eve@example.org".
    EXPECT_EQ(JavaRfc2253(X509_get_subject_name(cert.get())),
              "1.2.840.113549.1.9.1=#160f657665406578616d706c652e6f7267,"
              "CN=Eve Endorser,OU=Endorsers,O=Marketplace Test,C=EU");
}

TEST(DnTest, WritesAttributesWithoutRfc2253KeywordAsOid) {
    NamePtr name(X509_NAME_new());
    X509_NAME_add_entry_by_NID(name.get(), NID_serialNumber, V_ASN1_PRINTABLESTRING,
                               reinterpret_cast<const unsigned char*>("123"), 3, -1, 0);
    X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("x"), -1, -1, 0);
    EXPECT_EQ(Format(name), "CN=x,2.5.4.5=#1303313233");
}

TEST(DnTest, KeepsOnlyTheRfc2253KeywordsOfJava) {
    const auto name = Name({{"DC", "ch"},
                            {"C", "FR"},
                            {"ST", "Isere"},
                            {"L", "Grenoble"},
                            {"street", "1 rue"},
                            {"O", "CNRS"},
                            {"OU", "IT"},
                            {"UID", "jdoe"},
                            {"CN", "John"}});
    EXPECT_EQ(Format(name),
              "CN=John,UID=jdoe,OU=IT,O=CNRS,STREET=1 rue,L=Grenoble,ST=Isere,C=FR,DC=ch");
}

TEST(DnTest, JoinsMultiValuedRdnsWithPlusInEncodingOrder) {
    NamePtr name = Name({{"C", "EU"}, {"O", "X"}, {"CN", "Jane"}});
    X509_NAME_add_entry_by_txt(name.get(), "UID", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("jt"), -1, -1, -1);
    EXPECT_EQ(Format(name), "CN=Jane+UID=jt,O=X,C=EU");
}

TEST(DnTest, EscapesSpecialCharactersAsJavaDoes) {
    // Java escapes , = + < > # ; " \ anywhere in the value.
    EXPECT_EQ(Format(Name({{"CN", "a,b+c=d#e;f\"g\\h<i>j"}})),
              "CN=a\\,b\\+c\\=d\\#e\\;f\\\"g\\\\h\\<i\\>j");
    EXPECT_EQ(Format(Name({{"CN", "#x"}})), "CN=\\#x");
}

TEST(DnTest, EscapesLeadingAndTrailingSpaces) {
    EXPECT_EQ(Format(Name({{"CN", "  x y "}})), "CN=\\ \\ x y\\ ");
    EXPECT_EQ(Format(Name({{"O", " "}})), "O=\\ ");
}

TEST(DnTest, EscapesNulAsBackslashZeroZero) {
    NamePtr name(X509_NAME_new());
    X509_NAME_add_entry_by_NID(name.get(), NID_commonName, V_ASN1_UTF8STRING,
                               reinterpret_cast<const unsigned char*>("a\0b"), 3, -1, 0);
    EXPECT_EQ(Format(name), "CN=a\\00b");
}

TEST(DnTest, KeepsNonAsciiAsUtf8WhateverTheStringType) {
    EXPECT_EQ(Format(Name({{"CN",
                            "C\xc3\xa9"
                            "cile"}})),
              "CN=C\xc3\xa9"
              "cile");
    NamePtr bmp(X509_NAME_new());
    const unsigned char bmp_bytes[] = {0x00, 'C', 0x00, 0xe9};
    X509_NAME_add_entry_by_NID(bmp.get(), NID_commonName, V_ASN1_BMPSTRING, bmp_bytes, 4, -1, 0);
    EXPECT_EQ(Format(bmp), "CN=C\xc3\xa9");
    NamePtr t61(X509_NAME_new());
    const unsigned char latin1[] = {'C', 0xe9};
    X509_NAME_add_entry_by_NID(t61.get(), NID_commonName, V_ASN1_T61STRING, latin1, 2, -1, 0);
    EXPECT_EQ(Format(t61), "CN=C\xc3\xa9");
}

TEST(DnTest, WritesAnEmptyNameAsEmptyString) {
    NamePtr name(X509_NAME_new());
    EXPECT_EQ(Format(name), "");
}

TEST(DnTest, FormatsDerEncodedNamesAndRefusesGarbage) {
    const auto name = Name({{"C", "EU"}, {"CN", "Jane"}});
    unsigned char* der = nullptr;
    const int len = i2d_X509_NAME(name.get(), &der);
    ASSERT_GT(len, 0);
    const std::string bytes(reinterpret_cast<char*>(der), static_cast<size_t>(len));
    OPENSSL_free(der);
    auto formatted = JavaRfc2253FromDer(bytes);
    ASSERT_TRUE(formatted.ok()) << formatted.status().ToString();
    EXPECT_EQ(*formatted, "CN=Jane,C=EU");
    const auto bad = JavaRfc2253FromDer("not a name");
    EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mkt::xmlsec
