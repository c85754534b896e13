// Small OpenSSL helpers shared by the DN formatter, trust store, verifier and
// signer of this folder (internal: not for use outside registry/xmlsec/).
// All functions are pure or thread-safe; none throws.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "registry/timestamp.hpp"

namespace mkt::xmlsec::internal {

struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct X509CrlFree {
    void operator()(X509_CRL* c) const { X509_CRL_free(c); }
};
struct EvpPkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using X509CrlPtr = std::unique_ptr<X509_CRL, X509CrlFree>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

/// A new reference to `x` (X509_up_ref).
X509Ptr Share(X509* x);

/// Standard base64; ASCII whitespace is skipped. nullopt for any other
/// character outside the alphabet, misplaced padding or a bad length.
std::optional<std::string> DecodeBase64(std::string_view text);
/// Standard base64 with '=' padding, a '\n' after every `line_length`
/// characters except at the very end (Java's MIME style uses 76).
std::string EncodeBase64(std::string_view bytes, size_t line_length = 76);

std::string Hex(const unsigned char* data, size_t size);  // lowercase

/// DER -> certificate; nullptr when the bytes are not exactly one certificate.
X509Ptr ParseCertificateDer(std::string_view der);
std::string CertificateDer(const X509* cert);
/// SHA-256 of the DER encoding, lowercase hex.
std::string Sha256Fingerprint(const X509* cert);
/// Serial number, lowercase hex without leading zeros ("0" for zero).
std::string SerialHex(const X509* cert);
/// ASN.1 UTCTime/GeneralizedTime -> Timestamp; nullopt when malformed.
std::optional<Timestamp> ToTimestamp(const ASN1_TIME* time);
/// The first rfc822Name of the subjectAltName extension (what Java's
/// X509Info.extractEmailAddress reads), if any.
std::optional<std::string> FirstEmailSan(const X509* cert);

/// Drains this thread's OpenSSL error queue: "" or "; <reason>" of the first error.
std::string TakeOpenSslError();

/// The slreq:email pattern of StratusLab: [A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+ (whole string).
bool IsValidEmail(std::string_view email);

enum class KeyKind { kRsa, kEc, kOther };
KeyKind KindOf(const EVP_PKEY* key);
std::string_view KeyKindName(KeyKind kind);  // "RSA", "EC", "unsupported"

}  // namespace mkt::xmlsec::internal
