#include "tests/registry/xmlsec/xmlsec_test_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include <sys/wait.h>

#include "registry/xmlsec/xml_document.hpp"
#include "tests/support/paths.hpp"

namespace mkt::xmlsec::testing {
namespace {

xmlNode* FirstElement(xmlNode* node, const char* ns, const char* local) {
    for (xmlNode* c = node; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (IsElement(c, ns, local)) return c;
        if (xmlNode* found = FirstElement(c->children, ns, local)) return found;
    }
    return nullptr;
}

std::vector<xmlNode*> AllElements(xmlNode* node, const char* ns, const char* local) {
    std::vector<xmlNode*> out;
    for (xmlNode* c = node; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (IsElement(c, ns, local)) out.push_back(c);
        auto below = AllElements(c->children, ns, local);
        out.insert(out.end(), below.begin(), below.end());
    }
    return out;
}

std::string Text(xmlNode* scope, const char* ns, const char* local) {
    xmlNode* node = scope ? FirstElement(scope->children, ns, local) : nullptr;
    return node ? TextContent(node) : std::string();
}

}  // namespace

void XmlSecEnvironment::SetUp() {
    library_ = std::make_unique<XmlSecLibrary>();
    ASSERT_TRUE(library_->ok()) << library_->status().ToString();
}

Result<std::unique_ptr<MetadataDocument>> LooseDocument(std::string_view bytes) {
    MKT_ASSIGN_OR_RETURN(XmlDocument xml, XmlDocument::ParseSafely(bytes, DocumentLimits{}));
    EntryMetadata metadata;
    xmlNode* endorsement = FirstElement(xml.root(), kSlreqNs, "endorsement");
    if (endorsement) {
        Endorsement& e = metadata.endorsement;
        const auto created = Timestamp::Parse(Text(endorsement, kDctermsNs, "created"));
        if (created.ok()) e.created = *created;
        e.email = Text(endorsement, kSlreqNs, "email");
        e.subject = Text(endorsement, kSlreqNs, "subject");
        for (xmlNode* issuer : AllElements(endorsement->children, kSlreqNs, "issuer")) {
            e.issuers.push_back(TextContent(issuer));
        }
    }
    xmlNode* signature = FirstElement(xml.root(), kDsigNs, "Signature");
    return std::make_unique<MetadataDocument>(std::move(xml), std::move(metadata), signature);
}

std::string Fixture(std::string_view relative) {
    return mkt::testing::ReadFile(mkt::testing::StratusLabFixtures() / relative);
}

std::filesystem::path Pki(std::string_view name) { return mkt::testing::TestPki() / name; }

SigningKey PkiKey(std::string_view name) {
    const std::string n(name);
    auto key = SigningKey::FromPem(Pki(n + ".key"), Pki(n + ".pem"));
    if (!key.ok()) {
        ADD_FAILURE() << "cannot load test PKI key " << n << ": " << key.status().ToString();
        std::abort();
    }
    return *key;
}

CommandResult RunCommand(const std::string& command) {
    CommandResult result;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return result;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) result.output.append(buf, n);
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::string ShellQuote(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

std::string CertificatePem(std::string_view document, size_t index) {
    auto xml = XmlDocument::ParseSafely(document, DocumentLimits{});
    if (!xml.ok()) return {};
    const auto certs = AllElements(xml->root(), kDsigNs, "X509Certificate");
    if (index >= certs.size()) return {};
    std::string base64;
    for (char c : TextContent(certs[index])) {
        if (c != '\n' && c != '\r' && c != ' ' && c != '\t') base64 += c;
    }
    std::string pem = "-----BEGIN CERTIFICATE-----\n";
    for (size_t i = 0; i < base64.size(); i += 64) pem += base64.substr(i, 64) + "\n";
    return pem + "-----END CERTIFICATE-----\n";
}

std::string ReplaceOnce(std::string text, std::string_view from, std::string_view to) {
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << "text to replace not found: " << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

}  // namespace mkt::xmlsec::testing
