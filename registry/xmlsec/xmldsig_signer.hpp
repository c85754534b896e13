// SignDocument: endorses and signs a StratusLab metadata document, as the Java
// signer does (reference/stratuslab-marketplace.md 4.1), with modern profiles.
//
// Steps: parse with XmlDocument::ParseSafely; the root must be rdf:RDF; remove
// every slreq:endorsement except the last and every ds:Signature; empty the
// endorsement and refill it with dcterms:created (options.created) and
// slreq:endorser (rdf:parseType="Resource") holding slreq:email, slreq:subject
// and slreq:issuer (Java RFC 2253 DNs of the certificate); append an enveloped
// ds:Signature as the last child of rdf:RDF, with KeyInfo/X509Data holding the
// signer certificate then the key's chain. Signing a signed document replaces
// its endorsement and signature. New elements use the prefixes in scope, or a
// default-namespace declaration (Java's form) when there is none.
//
// The email is the certificate's first rfc822Name SAN, else options.email.
// Profiles (all: one Reference URI="" with enveloped-signature):
//   kRsaSha256 (default)  exc-c14n, rsa-sha256, sha256, + exc-c14n transform
//   kRsaSha512            exc-c14n, rsa-sha512, sha512, + exc-c14n transform
//   kEcdsaSha256          exc-c14n, ecdsa-sha256, sha256, + exc-c14n transform
//   kLegacyStratusLab     c14n#WithComments, rsa-sha1, sha1 (the Java signer's)
// EC keys sign only with kEcdsaSha256; RSA keys cannot use it.
// Thread-safe (no shared state); XmlSecLibrary must be alive.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "registry/document.hpp"
#include "registry/result.hpp"
#include "registry/timestamp.hpp"
#include "registry/xmlsec/signing_key.hpp"

namespace mkt::xmlsec {

enum class SignatureProfile { kRsaSha256, kRsaSha512, kEcdsaSha256, kLegacyStratusLab };

/// "rsa-sha256", "rsa-sha512", "ecdsa-sha256", "stratuslab".
std::string_view SignatureProfileName(SignatureProfile profile);
/// Inverse of SignatureProfileName. Errors: kInvalidArgument listing the names.
Result<SignatureProfile> ParseSignatureProfile(std::string_view name);
/// kEcdsaSha256 for EC keys, kRsaSha256 for RSA keys.
SignatureProfile DefaultProfileFor(const SigningKey& key);

struct SignOptions {
    SignatureProfile profile = SignatureProfile::kRsaSha256;
    /// Used only when the certificate has no email SAN.
    std::optional<std::string> email;
    /// The endorsement's dcterms:created (the CLI passes its clock's now).
    Timestamp created;
    DocumentLimits limits;
};

/// Returns the signed document (UTF-8, with an XML declaration).
/// Errors (kInvalidArgument): parse errors of ParseSafely (kPayloadTooLarge over
/// the size limit); "document element must be rdf:RDF ..."; "document must
/// contain exactly 1 slreq:endorsement element"; "cannot generate
/// slreq:endorsement; email address not in cert or not provided"; "invalid email
/// address: <x>" (outside [A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+); a profile that does
/// not fit the key ("profile ecdsa-sha256 needs an EC key ..."). kInternal when
/// xmlsec1 fails.
Result<std::string> SignDocument(std::string_view document, const SigningKey& key,
                                 const SignOptions& options);

}  // namespace mkt::xmlsec
