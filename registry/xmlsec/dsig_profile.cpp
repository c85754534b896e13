#include "registry/xmlsec/dsig_profile.hpp"

#include <xmlsec/keys.h>
#include <xmlsec/openssl/crypto.h>
#include <xmlsec/openssl/evp.h>

#include "registry/xmlsec/xml_document.hpp"

namespace mkt::xmlsec::internal {
namespace {

enum class Role { kCanonicalization, kSignature, kDigest, kEnveloped };

struct Algorithm {
    std::string_view uri;
    Role role;
    KeyKind key_kind;  // signature methods only
    xmlSecTransformId (*klass)();
};

const Algorithm kAlgorithms[] = {
    {kC14n, Role::kCanonicalization, KeyKind::kOther, &xmlSecTransformInclC14NGetKlass},
    {kC14nWithComments, Role::kCanonicalization, KeyKind::kOther,
     &xmlSecTransformInclC14NWithCommentsGetKlass},
    {kExcC14n, Role::kCanonicalization, KeyKind::kOther, &xmlSecTransformExclC14NGetKlass},
    {kExcC14nWithComments, Role::kCanonicalization, KeyKind::kOther,
     &xmlSecTransformExclC14NWithCommentsGetKlass},
    {kRsaSha1, Role::kSignature, KeyKind::kRsa, &xmlSecOpenSSLTransformRsaSha1GetKlass},
    {kRsaSha256, Role::kSignature, KeyKind::kRsa, &xmlSecOpenSSLTransformRsaSha256GetKlass},
    {kRsaSha512, Role::kSignature, KeyKind::kRsa, &xmlSecOpenSSLTransformRsaSha512GetKlass},
    {kEcdsaSha256, Role::kSignature, KeyKind::kEc, &xmlSecOpenSSLTransformEcdsaSha256GetKlass},
    {kSha1, Role::kDigest, KeyKind::kOther, &xmlSecOpenSSLTransformSha1GetKlass},
    {kSha256, Role::kDigest, KeyKind::kOther, &xmlSecOpenSSLTransformSha256GetKlass},
    {kSha512, Role::kDigest, KeyKind::kOther, &xmlSecOpenSSLTransformSha512GetKlass},
    {kEnveloped, Role::kEnveloped, KeyKind::kOther, &xmlSecTransformEnvelopedGetKlass},
};

const Algorithm* Find(std::string_view uri, Role role) {
    for (const auto& a : kAlgorithms) {
        if (a.uri == uri && a.role == role) return &a;
    }
    return nullptr;
}

std::string Accepted(Role role) {
    std::string out;
    for (const auto& a : kAlgorithms) {
        if (a.role != role) continue;
        if (!out.empty()) out += ", ";
        out += a.uri;
    }
    return out;
}

Status Refuse(const std::string& what) {
    return Status::InvalidArgument("signature refused: " + what);
}

bool IsBlank(const xmlChar* text) {
    for (const xmlChar* p = text; p && *p; ++p) {
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') return false;
    }
    return true;
}

std::string QName(const xmlNode* node) {
    std::string name;
    if (node->ns && node->ns->href && xmlStrcmp(node->ns->href, BAD_CAST kDsigNs) != 0) {
        name = std::string("{") + reinterpret_cast<const char*>(node->ns->href) + "}";
    } else if (node->ns) {
        name = "ds:";
    }
    return name + reinterpret_cast<const char*>(node->name);
}

// Element children of `parent`, all in the dsig namespace; only whitespace
// text and comments may sit between them.
Result<std::vector<xmlNode*>> DsigChildren(const xmlNode* parent) {
    std::vector<xmlNode*> out;
    for (xmlNode* c = parent->children; c; c = c->next) {
        switch (c->type) {
            case XML_ELEMENT_NODE:
                if (!c->ns || xmlStrcmp(c->ns->href, BAD_CAST kDsigNs) != 0) {
                    return Refuse(QName(c) + " inside " + QName(parent) + " is not accepted");
                }
                out.push_back(c);
                break;
            case XML_TEXT_NODE:
            case XML_CDATA_SECTION_NODE:
                if (!IsBlank(c->content)) {
                    return Refuse("text inside " + QName(parent) + " is not accepted");
                }
                break;
            case XML_COMMENT_NODE:
                break;
            default:
                return Refuse("a non-element node inside " + QName(parent) + " is not accepted");
        }
    }
    return out;
}

bool Named(const xmlNode* node, const char* local) { return IsElement(node, kDsigNs, local); }

// `children` must be exactly the named elements, in order.
Status ExpectSequence(const xmlNode* parent, const std::vector<xmlNode*>& children,
                      std::initializer_list<const char*> names) {
    size_t i = 0;
    for (const char* name : names) {
        if (i >= children.size()) {
            return Refuse(QName(parent) + " has no ds:" + name);
        }
        if (!Named(children[i], name)) {
            return Refuse(QName(children[i]) + " in " + QName(parent) +
                          " is not accepted (expected ds:" + name + ")");
        }
        ++i;
    }
    if (i < children.size()) {
        return Refuse(QName(children[i]) + " in " + QName(parent) + " is not accepted");
    }
    return Status::Ok();
}

// An Algorithm-carrying element with no children whose URI is accepted for `role`.
Result<const Algorithm*> CheckMethod(const xmlNode* node, Role role) {
    const auto uri = Attribute(node, nullptr, "Algorithm");
    if (!uri) return Refuse(QName(node) + " without Algorithm is not accepted");
    const Algorithm* alg = Find(*uri, role);
    if (!alg) {
        return Refuse(QName(node) + " " + *uri + " is not accepted (accepted: " + Accepted(role) +
                      ")");
    }
    MKT_ASSIGN_OR_RETURN(auto children, DsigChildren(node));
    if (!children.empty()) {
        return Refuse(QName(node) + " " + *uri + " with parameters (" + QName(children[0]) +
                      ") is not accepted");
    }
    return alg;
}

Status CheckTransforms(const xmlNode* transforms, SignatureShape& shape) {
    MKT_ASSIGN_OR_RETURN(auto list, DsigChildren(transforms));
    for (size_t i = 0; i < list.size(); ++i) {
        if (!Named(list[i], "Transform")) {
            return Refuse(QName(list[i]) + " in ds:Transforms is not accepted");
        }
        const std::string uri = Attribute(list[i], nullptr, "Algorithm").value_or("");
        const bool allowed = (i == 0 && uri == kEnveloped) ||
                             (i == 1 && Find(uri, Role::kCanonicalization) != nullptr);
        if (!allowed) {
            return Refuse("Transform " + (uri.empty() ? std::string("without Algorithm") : uri) +
                          " is not accepted; the transforms must be enveloped-signature, "
                          "optionally followed by one canonicalization");
        }
        MKT_RETURN_IF_ERROR(
            CheckMethod(list[i], i == 0 ? Role::kEnveloped : Role::kCanonicalization).status());
        if (i == 1) shape.reference_c14n = uri;
    }
    if (list.empty()) return Refuse("ds:Transforms without the enveloped-signature transform");
    return Status::Ok();
}

Status CheckReference(const xmlNode* reference, SignatureShape& shape) {
    const auto uri = Attribute(reference, nullptr, "URI");
    if (!uri) {
        return Refuse(
            "a Reference without URI is not accepted; only URI=\"\" (the whole document)");
    }
    if (!uri->empty()) {
        return Refuse("Reference URI=\"" + *uri +
                      "\" is not accepted; only URI=\"\" (the whole document)");
    }
    if (Attribute(reference, nullptr, "Type")) {
        return Refuse("a Reference with a Type is not accepted");
    }
    MKT_ASSIGN_OR_RETURN(auto children, DsigChildren(reference));
    MKT_RETURN_IF_ERROR(
        ExpectSequence(reference, children, {"Transforms", "DigestMethod", "DigestValue"}));
    MKT_RETURN_IF_ERROR(CheckTransforms(children[0], shape));
    MKT_ASSIGN_OR_RETURN(const Algorithm* digest, CheckMethod(children[1], Role::kDigest));
    shape.digest_method = std::string(digest->uri);
    return Status::Ok();
}

Status CheckSignedInfo(const xmlNode* signed_info, SignatureShape& shape) {
    MKT_ASSIGN_OR_RETURN(auto children, DsigChildren(signed_info));
    size_t references = 0;
    for (const xmlNode* c : children) references += Named(c, "Reference") ? 1 : 0;
    if (references > 1) {
        return Refuse("SignedInfo has " + std::to_string(references) +
                      " ds:Reference elements; exactly one (URI=\"\") is accepted");
    }
    MKT_RETURN_IF_ERROR(ExpectSequence(signed_info, children,
                                       {"CanonicalizationMethod", "SignatureMethod", "Reference"}));
    MKT_ASSIGN_OR_RETURN(const Algorithm* c14n, CheckMethod(children[0], Role::kCanonicalization));
    MKT_ASSIGN_OR_RETURN(const Algorithm* method, CheckMethod(children[1], Role::kSignature));
    shape.canonicalization = std::string(c14n->uri);
    shape.signature_method = std::string(method->uri);
    shape.key_kind = method->key_kind;
    return CheckReference(children[2], shape);
}

Status CheckKeyInfo(const xmlNode* key_info, SignatureShape& shape) {
    MKT_ASSIGN_OR_RETURN(auto children, DsigChildren(key_info));
    for (const xmlNode* c : children) {
        if (!Named(c, "X509Data")) {
            return Refuse(QName(c) +
                          " in ds:KeyInfo is not accepted; the key must come from "
                          "ds:X509Data/ds:X509Certificate");
        }
    }
    if (children.size() != 1) {
        return Refuse(children.empty() ? "ds:KeyInfo without ds:X509Data"
                                       : "ds:KeyInfo with several ds:X509Data elements");
    }
    MKT_ASSIGN_OR_RETURN(auto certs, DsigChildren(children[0]));
    for (const xmlNode* c : certs) {
        if (!Named(c, "X509Certificate")) {
            return Refuse(QName(c) + " in ds:X509Data is not accepted (only ds:X509Certificate)");
        }
        shape.certificates.push_back(TextContent(c));
    }
    if (shape.certificates.empty()) return Refuse("ds:X509Data without ds:X509Certificate");
    if (shape.certificates.size() > kMaxCertificates) {
        return Refuse("ds:X509Data with more than " + std::to_string(kMaxCertificates) +
                      " certificates");
    }
    return Status::Ok();
}

size_t CountSignatures(const xmlNode* node) {
    size_t count = 0;
    for (const xmlNode* c = node; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (Named(c, "Signature")) ++count;
        count += CountSignatures(c->children);
    }
    return count;
}

}  // namespace

Status CheckPlacement(const xmlNode* root, const xmlNode* signature) {
    if (!IsElement(root, kRdfNs, "RDF")) {
        return Refuse(
            "the document element must be rdf:RDF (verify entries standalone, not "
            "inside a listing)");
    }
    const size_t count = CountSignatures(root);
    if (count != 1) {
        return Refuse(
            "the document has " + std::to_string(count) +
            " ds:Signature elements; exactly one, the last child of rdf:RDF, is accepted");
    }
    if (signature->parent != root) return Refuse("ds:Signature must be a child of rdf:RDF");
    for (const xmlNode* c = signature->next; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            return Refuse("ds:Signature must be the last element of rdf:RDF");
        }
    }
    return Status::Ok();
}

Result<SignatureShape> CheckShape(const xmlNode* signature) {
    SignatureShape shape;
    MKT_ASSIGN_OR_RETURN(auto children, DsigChildren(signature));
    for (const xmlNode* c : children) {
        if (Named(c, "Object")) return Refuse("ds:Object is not accepted");
    }
    MKT_RETURN_IF_ERROR(
        ExpectSequence(signature, children, {"SignedInfo", "SignatureValue", "KeyInfo"}));
    MKT_RETURN_IF_ERROR(CheckSignedInfo(children[0], shape));
    MKT_RETURN_IF_ERROR(CheckKeyInfo(children[2], shape));
    return shape;
}

Status RestrictContext(xmlSecDSigCtx* ctx) {
    ctx->flags |= XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
    ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty;
    for (const auto& a : kAlgorithms) {
        const xmlSecTransformId id = a.klass();
        const bool signature_side = a.role == Role::kCanonicalization || a.role == Role::kSignature;
        const bool reference_side = a.role != Role::kSignature;
        if (signature_side && xmlSecDSigCtxEnableSignatureTransform(ctx, id) < 0) {
            return Status::Internal("xmlsec1: cannot enable " + std::string(a.uri));
        }
        if (reference_side && xmlSecDSigCtxEnableReferenceTransform(ctx, id) < 0) {
            return Status::Internal("xmlsec1: cannot enable " + std::string(a.uri));
        }
    }
    return Status::Ok();
}

xmlSecTransformId TransformFor(std::string_view uri) {
    for (const auto& a : kAlgorithms) {
        if (a.uri == uri) return a.klass();
    }
    return nullptr;
}

xmlSecKeyPtr MakeXmlSecKey(EVP_PKEY* pkey) {
    EVP_PKEY_up_ref(pkey);
    xmlSecKeyDataPtr data = xmlSecOpenSSLEvpKeyAdopt(pkey);
    if (!data) {
        EVP_PKEY_free(pkey);
        return nullptr;
    }
    xmlSecKeyPtr key = xmlSecKeyCreate();
    if (!key || xmlSecKeySetValue(key, data) < 0) {
        xmlSecKeyDataDestroy(data);
        if (key) xmlSecKeyDestroy(key);
        return nullptr;
    }
    return key;
}

}  // namespace mkt::xmlsec::internal
