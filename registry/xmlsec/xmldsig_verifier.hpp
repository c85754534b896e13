// XmldsigVerifier: the SignatureVerifier of StratusLab metadata documents
// (enveloped XML-DSig, libxmlsec1 + OpenSSL).
//
// Verify(doc, now), on a MetadataDocument from XmlMetadataParser (any other
// ParsedDocument: kInternal), in this order:
//  1. a ds:Signature must exist (else kInvalidArgument "no signature");
//  2. placement and SignedInfo shape: exactly the profile documented in
//     dsig_profile.hpp (one Reference URI="", enveloped-signature [+ one c14n],
//     accepted algorithms, KeyInfo/X509Data/X509Certificate only); anything else
//     is kInvalidArgument "signature refused: <what> is not accepted ...", before
//     any key is used;
//  3. the KeyInfo certificates must decode (first = signer, others = chain) and
//     the signer's key must fit the SignatureMethod (RSA for rsa-*, EC for ecdsa-*);
//  4. xmlsec1 checks the signature with exactly the signer certificate's public
//     key (no keys manager, no KeyInfo lookups, URI="" only, the accepted
//     transforms only): kInvalidArgument "signature does not match: the digest
//     of the signed content differs ..." or "... the SignatureValue does not
//     verify ...";
//  5. signer binding, exact strings as StratusLab (reference 4.2): certificate
//     subject (Java RFC 2253) == slreq:subject, issuer == first slreq:issuer,
//     and when the certificate has an rfc822Name SAN, SAN == slreq:email; else
//     kInvalidArgument "endorser inconsistency (subject|issuer|email): <cert> != <doc>";
//  6. strict mode only (kPermissionDenied with the reason): the chain, validity
//     dates and CRLs via TrustStore::VerifyChain at `now`; the endorsement
//     `created` inside the certificate's validity; the email bound by the SAN or
//     by the endorser list, else "email <x> is not bound to certificate <subject>:
//     no email SAN and not in the endorser list".
//  Compat mode stops after 5 (StratusLab's self-consistency: no chain, dates,
//  CRLs); its SignerInfo says email_binding "san" or "unbound".
//
// Thread-safety: Verify may run concurrently on different documents. Decoded
// certificates are cached (bounded) under a short lock; no lock is held during
// the RSA/ECDSA work. XmlSecLibrary must be alive.
#pragma once

#include <memory>

#include "registry/document.hpp"
#include "registry/xmlsec/trust_store.hpp"

namespace mkt::xmlsec {

class MetadataDocument;

struct VerifierOptions {
    TrustMode mode = TrustMode::kStrict;
    /// Required in strict mode (Verify fails with kInternal without it); must
    /// outlive the verifier. Ignored in compat mode.
    const TrustStore* trust = nullptr;
};

class XmldsigVerifier final : public SignatureVerifier {
  public:
    explicit XmldsigVerifier(VerifierOptions options);
    ~XmldsigVerifier() override;
    XmldsigVerifier(const XmldsigVerifier&) = delete;
    XmldsigVerifier& operator=(const XmldsigVerifier&) = delete;

    Result<SignerInfo> Verify(const ParsedDocument& doc, Timestamp now) const override;
    /// As Verify, with the concrete type.
    Result<SignerInfo> VerifyMetadata(const MetadataDocument& doc, Timestamp now) const;

    const VerifierOptions& options() const { return options_; }

  private:
    struct CertificateCache;
    VerifierOptions options_;
    std::unique_ptr<CertificateCache> cache_;
};

}  // namespace mkt::xmlsec
