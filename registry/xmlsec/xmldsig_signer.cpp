#include "registry/xmlsec/xmldsig_signer.hpp"

#include <vector>

#include <xmlsec/xmldsig.h>

#include "registry/xmlsec/dsig_profile.hpp"
#include "registry/xmlsec/library.hpp"
#include "registry/xmlsec/x509_internal.hpp"
#include "registry/xmlsec/xml_document.hpp"

namespace mkt::xmlsec {
namespace {

struct ProfileSpec {
    SignatureProfile profile;
    std::string_view name;
    std::string_view canonicalization;
    std::string_view signature_method;
    std::string_view digest_method;
    std::string_view reference_c14n;  // "" = none
    KeyAlgorithm key;
};

constexpr ProfileSpec kProfiles[] = {
    {SignatureProfile::kRsaSha256, "rsa-sha256", internal::kExcC14n, internal::kRsaSha256,
     internal::kSha256, internal::kExcC14n, KeyAlgorithm::kRsa},
    {SignatureProfile::kRsaSha512, "rsa-sha512", internal::kExcC14n, internal::kRsaSha512,
     internal::kSha512, internal::kExcC14n, KeyAlgorithm::kRsa},
    {SignatureProfile::kEcdsaSha256, "ecdsa-sha256", internal::kExcC14n, internal::kEcdsaSha256,
     internal::kSha256, internal::kExcC14n, KeyAlgorithm::kEc},
    {SignatureProfile::kLegacyStratusLab, "stratuslab", internal::kC14nWithComments,
     internal::kRsaSha1, internal::kSha1, "", KeyAlgorithm::kRsa},
};

const ProfileSpec& Spec(SignatureProfile profile) {
    for (const auto& p : kProfiles) {
        if (p.profile == profile) return p;
    }
    return kProfiles[0];
}

Status CheckKeyFits(const ProfileSpec& spec, const SigningKey& key) {
    if (spec.key == key.algorithm()) return Status::Ok();
    if (spec.key == KeyAlgorithm::kEc) {
        return Status::InvalidArgument("profile " + std::string(spec.name) +
                                       " needs an EC key; the key of " + key.subject() +
                                       " is RSA (use rsa-sha256, rsa-sha512 or stratuslab)");
    }
    return Status::InvalidArgument("profile " + std::string(spec.name) +
                                   " needs an RSA key; the key of " + key.subject() +
                                   " is EC (use ecdsa-sha256)");
}

void CollectElements(xmlNode* node, const char* ns, const char* local, std::vector<xmlNode*>& out) {
    for (xmlNode* c = node; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (IsElement(c, ns, local)) out.push_back(c);
        CollectElements(c->children, ns, local, out);
    }
}

void RemoveNode(xmlNode* node) {
    xmlUnlinkNode(node);
    xmlFreeNode(node);
}

// A new element `local` in namespace `href`, appended to `parent`, using a
// prefix in scope or, failing that, a default-namespace declaration.
xmlNode* AppendElement(xmlDoc* doc, xmlNode* parent, const char* href, const char* local) {
    xmlNs* ns = xmlSearchNsByHref(doc, parent, BAD_CAST href);
    xmlNode* element = xmlNewDocNode(doc, ns, BAD_CAST local, nullptr);
    xmlAddChild(parent, element);
    if (!ns) xmlSetNs(element, xmlNewNs(element, BAD_CAST href, nullptr));
    return element;
}

xmlNode* AppendTextElement(xmlDoc* doc, xmlNode* parent, const char* href, const char* local,
                           const std::string& text) {
    xmlNode* element = AppendElement(doc, parent, href, local);
    xmlAddChild(element, xmlNewDocText(doc, BAD_CAST text.c_str()));
    return element;
}

Result<std::string> EndorserEmail(const SigningKey& key, const SignOptions& options) {
    std::string email = key.email().value_or(options.email.value_or(""));
    if (email.empty()) {
        return Status::InvalidArgument(
            "cannot generate slreq:endorsement; email address not in cert or not provided");
    }
    if (!internal::IsValidEmail(email)) {
        return Status::InvalidArgument("invalid email address: " + email);
    }
    return email;
}

// Java's clearEndorsementElement + fillEndorsementElement.
Status Endorse(xmlDoc* doc, const SigningKey& key, const SignOptions& options) {
    std::vector<xmlNode*> endorsements;
    CollectElements(xmlDocGetRootElement(doc), kSlreqNs, "endorsement", endorsements);
    if (endorsements.empty()) {
        return Status::InvalidArgument("document must contain exactly 1 slreq:endorsement element");
    }
    for (size_t i = 0; i + 1 < endorsements.size(); ++i) RemoveNode(endorsements[i]);
    xmlNode* endorsement = endorsements.back();
    MKT_ASSIGN_OR_RETURN(const std::string email, EndorserEmail(key, options));
    while (endorsement->children) RemoveNode(endorsement->children);

    AppendTextElement(doc, endorsement, kDctermsNs, "created", options.created.ToString());
    xmlNode* endorser = AppendElement(doc, endorsement, kSlreqNs, "endorser");
    xmlNs* rdf = xmlSearchNsByHref(doc, endorser, BAD_CAST kRdfNs);
    if (!rdf || !rdf->prefix) rdf = xmlNewNs(endorser, BAD_CAST kRdfNs, BAD_CAST "rdf");
    xmlNewNsProp(endorser, rdf, BAD_CAST "parseType", BAD_CAST "Resource");
    AppendTextElement(doc, endorser, kSlreqNs, "email", email);
    AppendTextElement(doc, endorser, kSlreqNs, "subject", key.subject());
    AppendTextElement(doc, endorser, kSlreqNs, "issuer", key.issuer());
    return Status::Ok();
}

xmlNode* AppendMethod(xmlNode* parent, xmlNs* ns, const char* local, std::string_view uri) {
    xmlNode* node = xmlNewChild(parent, ns, BAD_CAST local, nullptr);
    xmlNewProp(node, BAD_CAST "Algorithm", BAD_CAST std::string(uri).c_str());
    return node;
}

// The unsigned Signature template, appended to the root.
xmlNode* AppendTemplate(xmlDoc* doc, const ProfileSpec& spec) {
    xmlNode* signature = xmlNewDocNode(doc, nullptr, BAD_CAST "Signature", nullptr);
    xmlNs* ns = xmlNewNs(signature, BAD_CAST kDsigNs, nullptr);
    xmlSetNs(signature, ns);
    xmlAddChild(xmlDocGetRootElement(doc), signature);
    xmlNode* signed_info = xmlNewChild(signature, ns, BAD_CAST "SignedInfo", nullptr);
    AppendMethod(signed_info, ns, "CanonicalizationMethod", spec.canonicalization);
    AppendMethod(signed_info, ns, "SignatureMethod", spec.signature_method);
    xmlNode* reference = xmlNewChild(signed_info, ns, BAD_CAST "Reference", nullptr);
    xmlNewProp(reference, BAD_CAST "URI", BAD_CAST "");
    xmlNode* transforms = xmlNewChild(reference, ns, BAD_CAST "Transforms", nullptr);
    AppendMethod(transforms, ns, "Transform", internal::kEnveloped);
    if (!spec.reference_c14n.empty()) {
        AppendMethod(transforms, ns, "Transform", spec.reference_c14n);
    }
    AppendMethod(reference, ns, "DigestMethod", spec.digest_method);
    xmlNewChild(reference, ns, BAD_CAST "DigestValue", nullptr);
    xmlNewChild(signature, ns, BAD_CAST "SignatureValue", nullptr);
    return signature;
}

Status ComputeSignature(xmlNode* signature, const SigningKey& key) {
    ClearXmlSecError();
    internal::DsigContext ctx;
    if (!ctx.ok()) return Status::Internal("xmlsec1: cannot create a signature context");
    ctx.get()->signKey = internal::MakeXmlSecKey(key.private_key());
    if (!ctx.get()->signKey) {
        return Status::Internal("xmlsec1: cannot use the private key of " + key.subject() + ": " +
                                FirstXmlSecError());
    }
    MKT_RETURN_IF_ERROR(internal::RestrictContext(ctx.get()));
    if (xmlSecDSigCtxSign(ctx.get(), signature) < 0) {
        const std::string detail = FirstXmlSecError();
        ClearXmlSecError();
        return Status::Internal("xmlsec1: signing failed: " + detail);
    }
    ClearXmlSecError();
    return Status::Ok();
}

// KeyInfo is outside the enveloped reference, so it is added after signing,
// with exactly the certificates we choose (signer first, then the chain).
void AppendKeyInfo(xmlDoc* doc, xmlNode* signature, const SigningKey& key) {
    xmlNs* ns = signature->ns;
    xmlNode* key_info = xmlNewChild(signature, ns, BAD_CAST "KeyInfo", nullptr);
    xmlNode* x509_data = xmlNewChild(key_info, ns, BAD_CAST "X509Data", nullptr);
    std::vector<X509*> certs{key.certificate()};
    certs.insert(certs.end(), key.chain().begin(), key.chain().end());
    for (X509* cert : certs) {
        xmlNode* node = xmlNewChild(x509_data, ns, BAD_CAST "X509Certificate", nullptr);
        const std::string base64 = internal::EncodeBase64(internal::CertificateDer(cert));
        xmlAddChild(node, xmlNewDocText(doc, BAD_CAST base64.c_str()));
    }
}

}  // namespace

std::string_view SignatureProfileName(SignatureProfile profile) { return Spec(profile).name; }

Result<SignatureProfile> ParseSignatureProfile(std::string_view name) {
    std::string names;
    for (const auto& p : kProfiles) {
        if (p.name == name) return p.profile;
        names += (names.empty() ? "" : ", ") + std::string(p.name);
    }
    return Status::InvalidArgument("unknown signature profile '" + std::string(name) +
                                   "' (known: " + names + ")");
}

SignatureProfile DefaultProfileFor(const SigningKey& key) {
    return key.algorithm() == KeyAlgorithm::kEc ? SignatureProfile::kEcdsaSha256
                                                : SignatureProfile::kRsaSha256;
}

Result<std::string> SignDocument(std::string_view document, const SigningKey& key,
                                 const SignOptions& options) {
    const ProfileSpec& spec = Spec(options.profile);
    MKT_RETURN_IF_ERROR(CheckKeyFits(spec, key));
    MKT_ASSIGN_OR_RETURN(XmlDocument xml, XmlDocument::ParseSafely(document, options.limits));
    xmlNode* root = xml.root();
    if (!IsElement(root, kRdfNs, "RDF")) {
        return Status::InvalidArgument("document element must be rdf:RDF, found " +
                                       std::string(reinterpret_cast<const char*>(root->name)));
    }
    std::vector<xmlNode*> signatures;
    CollectElements(root, kDsigNs, "Signature", signatures);
    for (xmlNode* s : signatures) RemoveNode(s);
    MKT_RETURN_IF_ERROR(Endorse(xml.get(), key, options));
    xmlNode* signature = AppendTemplate(xml.get(), spec);
    MKT_RETURN_IF_ERROR(ComputeSignature(signature, key));
    AppendKeyInfo(xml.get(), signature, key);
    return xml.Serialize();
}

}  // namespace mkt::xmlsec
