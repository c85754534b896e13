#include "tests/support/documents.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

#include <openssl/evp.h>

#include "registry/identifier.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/test_trust.hpp"

namespace mkt::testing {
namespace {

std::string Digest(const EVP_MD* md, const std::string& data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < len; ++i) {
        hex.push_back(kHex[out[i] >> 4]);
        hex.push_back(kHex[out[i] & 15]);
    }
    return hex;
}

std::string Escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else
            out.push_back(c);
    }
    return out;
}

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "test documents: %s\n", what.c_str());
    std::abort();
}

const xmlsec::SigningKey& KeyOf(const std::string& endorser) {
    static std::mutex mu;
    static std::map<std::string, xmlsec::SigningKey> keys;
    std::lock_guard lock(mu);
    auto it = keys.find(endorser);
    if (it != keys.end()) return it->second;
    const auto pki = TestPki();
    std::vector<std::filesystem::path> chain;
    if (endorser == "carol") chain.push_back(pki / "intermediate.pem");
    auto key =
        xmlsec::SigningKey::FromPem(pki / (endorser + ".key"), pki / (endorser + ".pem"), chain);
    if (!key.ok()) Die("cannot load key of " + endorser + ": " + key.status().message());
    return keys.emplace(endorser, std::move(key).value()).first->second;
}

}  // namespace

std::string IdentifierOf(const std::string& image) {
    return *identifier::FromSha1Hex(Digest(EVP_sha1(), image));
}

std::string EmailOf(const std::string& endorser) { return endorser + "@example.org"; }

std::string UnsignedDocument(const DocumentSpec& s, Timestamp created) {
    const std::string id = IdentifierOf(s.image);
    const Timestamp valid = s.valid.value_or(created + 365 * 86400);
    std::string doc =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
        "xmlns:dcterms=\"http://purl.org/dc/terms/\" "
        "xmlns:slreq=\"http://mp.stratuslab.eu/slreq#\" "
        "xmlns:slterms=\"http://mp.stratuslab.eu/slterms#\" "
        "xml:base=\"http://mp.stratuslab.eu/\">\n"
        "  <rdf:Description rdf:about=\"#" +
        id +
        "\">\n"
        "    <dcterms:identifier>" +
        id +
        "</dcterms:identifier>\n"
        "    <slreq:bytes>" +
        std::to_string(s.image.size()) + "</slreq:bytes>\n";
    const std::pair<const char*, const EVP_MD*> digests[] = {{"MD5", EVP_md5()},
                                                             {"SHA-1", EVP_sha1()},
                                                             {"SHA-256", EVP_sha256()},
                                                             {"SHA-512", EVP_sha512()}};
    for (const auto& [name, md] : digests) {
        doc += "    <slreq:checksum rdf:parseType=\"Resource\"><slreq:algorithm>" +
               std::string(name) + "</slreq:algorithm><slreq:value>" + Digest(md, s.image) +
               "</slreq:value></slreq:checksum>\n";
    }
    doc +=
        "    <slreq:endorsement rdf:parseType=\"Resource\"/>\n"
        "    <dcterms:type>base</dcterms:type>\n"
        "    <slterms:kind>machine</slterms:kind>\n"
        "    <slterms:os>" +
        Escape(s.os) +
        "</slterms:os>\n"
        "    <slterms:os-version>" +
        Escape(s.os_version) +
        "</slterms:os-version>\n"
        "    <slterms:os-arch>" +
        Escape(s.os_arch) +
        "</slterms:os-arch>\n"
        "    <dcterms:format>qcow2</dcterms:format>\n"
        "    <slterms:location>" +
        Escape(s.location) +
        "</slterms:location>\n"
        "    <dcterms:created>" +
        created.ToString() +
        "</dcterms:created>\n"
        "    <dcterms:valid>" +
        valid.ToString() +
        "</dcterms:valid>\n"
        "    <dcterms:title>" +
        Escape(s.title) +
        "</dcterms:title>\n"
        "    <dcterms:description>" +
        Escape(s.description) + "</dcterms:description>\n";
    if (!s.tag.empty())
        doc += "    <dcterms:alternative>" + Escape(s.tag) + "</dcterms:alternative>\n";
    if (s.deprecated)
        doc += "    <slterms:deprecated>" + Escape(*s.deprecated) + "</slterms:deprecated>\n";
    doc += "  </rdf:Description>\n</rdf:RDF>\n";
    return doc;
}

std::string SignAs(const std::string& endorser, const std::string& document, Timestamp created,
                   std::optional<xmlsec::SignatureProfile> profile) {
    const xmlsec::SigningKey& key = KeyOf(endorser);
    xmlsec::SignOptions options;
    options.profile = profile.value_or(xmlsec::DefaultProfileFor(key));
    options.created = created;
    if (!key.email()) options.email = EmailOf(endorser);
    auto signed_doc = xmlsec::SignDocument(document, key, options);
    if (!signed_doc.ok()) Die("cannot sign as " + endorser + ": " + signed_doc.status().message());
    return std::move(signed_doc).value();
}

std::string SignedDocument(const std::string& endorser, const DocumentSpec& spec,
                           Timestamp created) {
    return SignAs(endorser, UnsignedDocument(spec, created), created);
}

std::unique_ptr<xmlsec::TrustStore> OpenTestPkiTrust() {
    xmlsec::TrustStoreOptions options;
    options.ca_dir = (TestPki() / "ca").string();
    auto trust = xmlsec::TrustStore::Open(options);
    if (!trust.ok()) {
        std::fprintf(stderr, "cannot open the test PKI's trust store: %s\n",
                     trust.status().ToString().c_str());
        std::abort();
    }
    return std::move(trust).value();
}

}  // namespace mkt::testing
