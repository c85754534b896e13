// The signing credential of `sign` and `deprecate`: which key, which profile,
// which endorser email, from the command line, the environment, the client
// configuration or a prompt.
//
// Credential: --p12 FILE, or --key FILE --cert FILE [--chain FILE]...; without
// either, the configuration's p12, else its key + cert. A PKCS#12 password (or
// an encrypted PEM key's) comes from --p12-password-file, else
// $MARKETPLACE_P12_PASSWORD, else the configuration's p12_password_file, else a
// prompt on the terminal (never from an option that takes the password itself:
// command lines are visible to every user of the machine).
// Profile: --legacy-sha1 or --profile NAME; else the configuration's profile,
// except that an EC key signs ecdsa-sha256 unless the command line says otherwise.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/args.hpp"
#include "cli/command.hpp"
#include "registry/timestamp.hpp"
#include "registry/xmlsec/signing_key.hpp"
#include "registry/xmlsec/xmldsig_signer.hpp"

namespace mkt::cli {

/// --p12, --p12-password-file, --key, --cert, --chain, --email, --profile, --legacy-sha1.
std::vector<OptionSpec> SigningOptionSpecs();

/// A usage problem of the signing options (no credential, both kinds, --chain
/// without --key, --profile with --legacy-sha1), or nullopt when they are usable.
std::optional<std::string> SigningUsageProblem(const ParsedArgs& args, const ClientConfig& config);

class Signer {
  public:
    Signer(xmlsec::SigningKey key, xmlsec::SignatureProfile profile,
           std::optional<std::string> email)
        : key_(std::move(key)), profile_(profile), email_(std::move(email)) {}

    /// The endorser email signatures carry: the certificate's email SAN, else
    /// --email / the configuration's email; nullopt when neither exists.
    std::optional<std::string> EndorserEmail() const;
    xmlsec::SignatureProfile profile() const { return profile_; }
    const xmlsec::SigningKey& key() const { return key_; }

    /// Errors: those of xmlsec::SignDocument (kInvalidArgument naming the problem).
    Result<std::string> Sign(std::string_view document, Timestamp created) const;

  private:
    xmlsec::SigningKey key_;
    xmlsec::SignatureProfile profile_;
    std::optional<std::string> email_;
};

/// Loads the credential (call SigningUsageProblem first). Errors: IoError for a
/// file that cannot be read; kInvalidArgument from SigningKey (wrong password,
/// not PKCS#12, key and certificate that do not match, ...), for an unknown
/// profile, or when no password can be obtained.
Result<Signer> LoadSigner(const ParsedArgs& args, const CommandContext& ctx);

}  // namespace mkt::cli
