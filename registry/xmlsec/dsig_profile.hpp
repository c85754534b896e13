// The XML-DSig profile the Marketplace accepts and produces (internal to
// registry/xmlsec/: shared by XmldsigVerifier and the signer).
//
// Accepted shape, exactly (anything else is refused before any key is used,
// because xmlsec1 itself accepts any reference and transform it knows, the
// playground of signature-wrapping attacks):
//
//   rdf:RDF
//     ... (no other ds:Signature anywhere in the document)
//     ds:Signature                          last element child of rdf:RDF
//       ds:SignedInfo
//         ds:CanonicalizationMethod         c14n, c14n#WithComments,
//                                           exc-c14n, exc-c14n#WithComments; no children
//         ds:SignatureMethod                rsa-sha1, rsa-sha256, rsa-sha512,
//                                           ecdsa-sha256; no children
//         ds:Reference URI=""               exactly one; no Type attribute
//           ds:Transforms
//             ds:Transform enveloped-signature          no children
//             [ds:Transform <one canonicalization>]     optional, no children
//           ds:DigestMethod                 sha1, sha256, sha512; no children
//           ds:DigestValue
//       ds:SignatureValue
//       ds:KeyInfo
//         ds:X509Data
//           ds:X509Certificate+             1..10; the first is the signer,
//                                           the others chain intermediates
//
// No ds:Object, no Manifest, no KeyValue/KeyName/RetrievalMethod, no other
// X509Data children, no XPath/XSLT/base64 transforms, no elements of other
// namespaces inside ds:Signature, no text but whitespace between elements.
// Comments between elements are allowed (they are not signed content).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <libxml/tree.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>

#include "registry/result.hpp"
#include "registry/xmlsec/x509_internal.hpp"

namespace mkt::xmlsec::internal {

inline constexpr std::string_view kC14n = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
inline constexpr std::string_view kC14nWithComments =
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
inline constexpr std::string_view kExcC14n = "http://www.w3.org/2001/10/xml-exc-c14n#";
inline constexpr std::string_view kExcC14nWithComments =
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
inline constexpr std::string_view kRsaSha1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
inline constexpr std::string_view kRsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
inline constexpr std::string_view kRsaSha512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";
inline constexpr std::string_view kEcdsaSha256 =
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
inline constexpr std::string_view kSha1 = "http://www.w3.org/2000/09/xmldsig#sha1";
inline constexpr std::string_view kSha256 = "http://www.w3.org/2001/04/xmlenc#sha256";
inline constexpr std::string_view kSha512 = "http://www.w3.org/2001/04/xmlenc#sha512";
inline constexpr std::string_view kEnveloped =
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
inline constexpr size_t kMaxCertificates = 10;

/// What the shape check read from an accepted Signature.
struct SignatureShape {
    std::string canonicalization;           // SignedInfo's CanonicalizationMethod URI
    std::string signature_method;           // SignatureMethod URI
    std::string digest_method;              // DigestMethod URI
    std::string reference_c14n;             // the optional second transform, or ""
    KeyKind key_kind = KeyKind::kOther;     // what the signature method needs
    std::vector<std::string> certificates;  // X509Certificate texts (base64), signer first
};

/// `signature` must be the only ds:Signature of the document and the last
/// element child of the root. Errors: kInvalidArgument "signature refused: ...".
Status CheckPlacement(const xmlNode* root, const xmlNode* signature);

/// Checks the accepted shape above. Errors: kInvalidArgument "signature refused:
/// <what> is not accepted ..." naming the element or algorithm.
Result<SignatureShape> CheckShape(const xmlNode* signature);

/// Restricts `ctx` to the accepted algorithms and to URI="" references.
Status RestrictContext(xmlSecDSigCtx* ctx);

/// The xmlsec transform of an accepted URI (nullptr if not accepted).
xmlSecTransformId TransformFor(std::string_view uri);

/// An xmlsec key holding a new reference to `pkey` (public or private);
/// nullptr on failure (see FirstXmlSecError()).
xmlSecKeyPtr MakeXmlSecKey(EVP_PKEY* pkey);

/// xmlSecDSigCtx without keys manager, on the stack; finalized (which also
/// destroys signKey) on scope exit.
class DsigContext {
  public:
    DsigContext() { ok_ = xmlSecDSigCtxInitialize(&ctx_, nullptr) == 0; }
    ~DsigContext() {
        if (ok_) xmlSecDSigCtxFinalize(&ctx_);
    }
    DsigContext(const DsigContext&) = delete;
    DsigContext& operator=(const DsigContext&) = delete;
    bool ok() const { return ok_; }
    xmlSecDSigCtx* get() { return &ctx_; }

  private:
    xmlSecDSigCtx ctx_{};
    bool ok_ = false;
};

}  // namespace mkt::xmlsec::internal
