#include "registry/xmlsec/xmldsig_verifier.hpp"

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <xmlsec/xmldsig.h>

#include "registry/xmlsec/dn.hpp"
#include "registry/xmlsec/dsig_profile.hpp"
#include "registry/xmlsec/library.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "registry/xmlsec/x509_internal.hpp"

namespace mkt::xmlsec {
namespace {

using internal::KeyKind;
using internal::X509Ptr;

// A KeyInfo certificate, decoded once and shared by every verification that
// presents the same base64 text.
struct ParsedCertificate {
    X509Ptr cert;
    EVP_PKEY* key = nullptr;  // owned by cert
    KeyKind key_kind = KeyKind::kOther;
    std::string subject, issuer, sha256, serial;
    std::optional<std::string> san_email;
    std::optional<Timestamp> not_before, not_after;
};
using CertificatePtr = std::shared_ptr<const ParsedCertificate>;

Result<CertificatePtr> ParseCertificate(const std::string& base64, size_t index) {
    const std::string which = "X509Certificate " + std::to_string(index + 1);
    const auto der = internal::DecodeBase64(base64);
    if (!der) {
        return Status::InvalidArgument("signature refused: " + which + " is not valid base64");
    }
    auto parsed = std::make_shared<ParsedCertificate>();
    parsed->cert = internal::ParseCertificateDer(*der);
    if (!parsed->cert) {
        return Status::InvalidArgument("signature refused: " + which + " is not a DER certificate");
    }
    X509* cert = parsed->cert.get();
    parsed->key = X509_get0_pubkey(cert);
    if (!parsed->key) {
        internal::TakeOpenSslError();
        return Status::InvalidArgument("signature refused: the public key of " + which +
                                       " cannot be read");
    }
    parsed->key_kind = internal::KindOf(parsed->key);
    parsed->subject = JavaRfc2253(X509_get_subject_name(cert));
    parsed->issuer = JavaRfc2253(X509_get_issuer_name(cert));
    parsed->sha256 = internal::Sha256Fingerprint(cert);
    parsed->serial = internal::SerialHex(cert);
    parsed->san_email = internal::FirstEmailSan(cert);
    parsed->not_before = internal::ToTimestamp(X509_get0_notBefore(cert));
    parsed->not_after = internal::ToTimestamp(X509_get0_notAfter(cert));
    return CertificatePtr(std::move(parsed));
}

Status CheckCryptography(xmlNode* signature, const ParsedCertificate& signer) {
    ClearXmlSecError();
    internal::DsigContext ctx;
    if (!ctx.ok()) return Status::Internal("xmlsec1: cannot create a signature context");
    ctx.get()->signKey = internal::MakeXmlSecKey(signer.key);
    if (!ctx.get()->signKey) {
        return Status::Internal("xmlsec1: cannot use the key of " + signer.subject + ": " +
                                FirstXmlSecError());
    }
    MKT_RETURN_IF_ERROR(internal::RestrictContext(ctx.get()));
    const int rc = xmlSecDSigCtxVerify(ctx.get(), signature);
    if (rc < 0) {
        const std::string detail = FirstXmlSecError();
        ClearXmlSecError();
        return Status::InvalidArgument("signature cannot be verified: " +
                                       (detail.empty() ? std::string("xmlsec1 failed") : detail));
    }
    xmlSecPtrListPtr refs = &ctx.get()->signedInfoReferences;
    const auto* ref = xmlSecPtrListGetSize(refs) == 1
                          ? static_cast<xmlSecDSigReferenceCtxPtr>(xmlSecPtrListGetItem(refs, 0))
                          : nullptr;
    ClearXmlSecError();
    if (ctx.get()->status == xmlSecDSigStatusSucceeded && ref &&
        ref->status == xmlSecDSigStatusSucceeded) {
        return Status::Ok();
    }
    if (!ref || ref->status != xmlSecDSigStatusSucceeded) {
        return Status::InvalidArgument(
            "signature does not match: the digest of the signed content differs from "
            "DigestValue (the document was changed after signing)");
    }
    return Status::InvalidArgument(
        "signature does not match: the SignatureValue does not verify with the key of "
        "certificate " +
        signer.subject);
}

std::string OrNull(const std::string& s) { return s.empty() ? "null" : s; }

Status CheckBinding(const ParsedCertificate& signer, const Endorsement& endorsement) {
    const std::string doc_issuer = endorsement.issuers.empty() ? "" : endorsement.issuers.front();
    if (signer.subject != endorsement.subject) {
        return Status::InvalidArgument("endorser inconsistency (subject): " + signer.subject +
                                       " != " + OrNull(endorsement.subject));
    }
    if (signer.issuer != doc_issuer) {
        return Status::InvalidArgument("endorser inconsistency (issuer): " + signer.issuer +
                                       " != " + OrNull(doc_issuer));
    }
    if (signer.san_email && *signer.san_email != endorsement.email) {
        return Status::InvalidArgument("endorser inconsistency (email): " + *signer.san_email +
                                       " != " + OrNull(endorsement.email));
    }
    return Status::Ok();
}

std::string TimeOrUnknown(const std::optional<Timestamp>& t) {
    return t ? t->ToString() : "unknown";
}

Status CheckCreatedInValidity(const ParsedCertificate& signer, Timestamp created) {
    const bool inside = signer.not_before && signer.not_after && *signer.not_before <= created &&
                        created <= *signer.not_after;
    if (inside) return Status::Ok();
    return Status::PermissionDenied("endorsement created " + created.ToString() +
                                    " is outside the validity of certificate " + signer.subject +
                                    " (notBefore " + TimeOrUnknown(signer.not_before) +
                                    ", notAfter " + TimeOrUnknown(signer.not_after) + ")");
}

}  // namespace

struct XmldsigVerifier::CertificateCache {
    static constexpr size_t kMaxEntries = 1024;
    std::mutex mutex;
    std::unordered_map<std::string, CertificatePtr> by_text;

    Result<CertificatePtr> Get(const std::string& base64, size_t index) {
        {
            std::lock_guard lock(mutex);
            const auto it = by_text.find(base64);
            if (it != by_text.end()) return it->second;
        }
        MKT_ASSIGN_OR_RETURN(CertificatePtr parsed, ParseCertificate(base64, index));
        std::lock_guard lock(mutex);
        if (by_text.size() >= kMaxEntries) by_text.clear();
        by_text.emplace(base64, parsed);
        return parsed;
    }
};

XmldsigVerifier::XmldsigVerifier(VerifierOptions options)
    : options_(options), cache_(std::make_unique<CertificateCache>()) {}

XmldsigVerifier::~XmldsigVerifier() = default;

Result<SignerInfo> XmldsigVerifier::Verify(const ParsedDocument& doc, Timestamp now) const {
    const auto* metadata = dynamic_cast<const MetadataDocument*>(&doc);
    if (!metadata) {
        return Status::Internal("XmldsigVerifier needs a document parsed by XmlMetadataParser");
    }
    return VerifyMetadata(*metadata, now);
}

Result<SignerInfo> XmldsigVerifier::VerifyMetadata(const MetadataDocument& doc,
                                                   Timestamp now) const {
    if (options_.mode == TrustMode::kStrict && !options_.trust) {
        return Status::Internal("strict trust mode needs a trust store");
    }
    xmlNode* signature = doc.signature();
    if (!signature) return Status::InvalidArgument("no signature");
    MKT_RETURN_IF_ERROR(internal::CheckPlacement(doc.xml().root(), signature));
    MKT_ASSIGN_OR_RETURN(const internal::SignatureShape shape, internal::CheckShape(signature));

    std::vector<CertificatePtr> certs;
    for (size_t i = 0; i < shape.certificates.size(); ++i) {
        MKT_ASSIGN_OR_RETURN(CertificatePtr cert, cache_->Get(shape.certificates[i], i));
        certs.push_back(std::move(cert));
    }
    const ParsedCertificate* signer_ptr = certs.empty() ? nullptr : certs.front().get();
    if (!signer_ptr) {
        return Status::Internal("signature: no signer certificate after the shape check");
    }
    const ParsedCertificate& signer = *signer_ptr;
    if (signer.key_kind != shape.key_kind) {
        return Status::InvalidArgument(
            "signature refused: SignatureMethod " + shape.signature_method + " needs an " +
            std::string(internal::KeyKindName(shape.key_kind)) + " key but certificate " +
            signer.subject + " has an " + std::string(internal::KeyKindName(signer.key_kind)) +
            " key");
    }
    MKT_RETURN_IF_ERROR(CheckCryptography(signature, signer));

    const Endorsement& endorsement = doc.metadata().endorsement;
    MKT_RETURN_IF_ERROR(CheckBinding(signer, endorsement));

    SignerInfo info;
    info.trust_mode = options_.mode;
    info.subject = signer.subject;
    info.issuer = signer.issuer;
    info.serial = signer.serial;
    info.certificate_sha256 = signer.sha256;
    info.not_before = signer.not_before;
    info.not_after = signer.not_after;
    info.signature_method = shape.signature_method;
    info.canonicalization = shape.canonicalization;
    if (options_.mode == TrustMode::kCompat) {
        info.email_binding = signer.san_email ? "san" : "unbound";
        return info;
    }

    std::vector<X509*> intermediates;
    for (size_t i = 1; i < certs.size(); ++i) intermediates.push_back(certs[i]->cert.get());
    MKT_RETURN_IF_ERROR(options_.trust->VerifyChain(signer.cert.get(), intermediates, now));
    MKT_RETURN_IF_ERROR(CheckCreatedInValidity(signer, endorsement.created));
    if (signer.san_email) {
        info.email_binding = "san";
    } else if (options_.trust->EndorserListBinds(endorsement.email, signer.subject)) {
        info.email_binding = "endorser-list";
    } else {
        return Status::PermissionDenied("email " + endorsement.email +
                                        " is not bound to certificate " + signer.subject +
                                        ": no email SAN and not in the endorser list");
    }
    return info;
}

}  // namespace mkt::xmlsec
