// SigningKey: an endorser's signing credential (private key + certificate +
// optional chain), loaded from PKCS#12 or PEM files.
//
// The certificate must match the private key; RSA and EC keys are supported
// (EC signs only with the ecdsa-sha256 profile, see xmldsig_signer.hpp).
// From PKCS#12, the private key, the certificate that matches it, and the other
// certificates as the chain (the Java original kept the last alias's key, a quirk
// not reproduced). Immutable; copies share the same keys;
// thread-safe. XmlSecLibrary (or at least OpenSSL) must be initialised.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/types.h>

#include "registry/result.hpp"

namespace mkt::xmlsec {

enum class KeyAlgorithm { kRsa, kEc };

class SigningKey {
  public:
    /// Errors (kInvalidArgument, naming the file): unreadable file, not PKCS#12,
    /// wrong password or unsupported encryption, no key or no certificate,
    /// key and certificate that do not match, a key that is neither RSA nor EC.
    static Result<SigningKey> FromPkcs12(const std::filesystem::path& file,
                                         std::string_view password);
    /// As FromPkcs12, from bytes in memory; `what` names them in messages.
    static Result<SigningKey> FromPkcs12Bytes(std::string_view bytes, std::string_view password,
                                              std::string_view what = "PKCS#12 data");
    /// `cert_file` holds the signer certificate first, optionally followed by
    /// chain certificates; `chain_files` add more. An encrypted key needs
    /// `key_password`. Errors: as FromPkcs12.
    static Result<SigningKey> FromPem(const std::filesystem::path& key_file,
                                      const std::filesystem::path& cert_file,
                                      const std::vector<std::filesystem::path>& chain_files = {},
                                      std::string_view key_password = {});

    EVP_PKEY* private_key() const;
    X509* certificate() const;
    /// Chain certificates (intermediates), in the order given; never the signer.
    const std::vector<X509*>& chain() const;
    KeyAlgorithm algorithm() const;
    /// Java RFC 2253 forms (dn.hpp).
    const std::string& subject() const;
    const std::string& issuer() const;
    /// The certificate's first rfc822Name subjectAltName, if any.
    const std::optional<std::string>& email() const;

    struct Impl;

  private:
    explicit SigningKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
    std::shared_ptr<const Impl> impl_;
};

}  // namespace mkt::xmlsec
