// S/MIME signing of a text (the HEPiX image lists, docs/federation.md): the
// content as the first part of a multipart/signed message with a detached
// PKCS#7 signature that carries the signer certificate (and its chain), as
// `openssl smime -sign` writes it and `openssl smime -verify` reads it.
// The content is signed as given (binary mode): one changed byte fails the
// verification. Thread-safe (the key is immutable).
#pragma once

#include <string>
#include <string_view>

#include "registry/result.hpp"
#include "registry/xmlsec/signing_key.hpp"

namespace mkt::xmlsec {

/// The certificate names as HEPiX lists write them (OpenSSL's one-line form,
/// "/C=EU/O=Marketplace Test/CN=...").
struct SignerNames {
    std::string subject_oneline, issuer_oneline, common_name;
};
SignerNames NamesOf(const SigningKey& key);

/// The S/MIME message. Errors: kInternal naming OpenSSL's reason.
Result<std::string> SmimeSign(const SigningKey& key, std::string_view content);

}  // namespace mkt::xmlsec
