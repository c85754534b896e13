// ClientConfig: the settings of the `marketplace` tool, merged from (lowest
// first) built-in defaults, the client configuration file, MARKETPLACE_*
// environment variables and the global command-line options.
//
// File: --config FILE, else $MARKETPLACE_CLIENT_CONFIG, else
// ~/.config/marketplace/client.conf when it exists. Format: `key = value` lines,
// '#' comments; unknown keys are errors naming the file and line. Keys and
// variables are listed in docs/cli.md.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "registry/result.hpp"

namespace mkt::cli {

struct ClientConfig {
    std::string endpoint = "http://127.0.0.1:8204";  // endpoint / MARKETPLACE_ENDPOINT
    bool verify_tls = true;                          // verify_tls
    std::string ca_file;                             // ca_file: extra CA bundle for the server
    long timeout_seconds = 60;                       // timeout_seconds
    // Signing credential: a PKCS#12 file, or a PEM key and certificate.
    std::string p12_file;            // p12 / MARKETPLACE_P12
    std::string p12_password_file;   // p12_password_file (the password itself never in a file key)
    std::string key_file;            // key
    std::string cert_file;           // cert
    std::string email;               // email: endorser email when the certificate has none
    std::string profile = "rsa-sha256";  // profile: rsa-sha256, rsa-sha512, ecdsa-sha256, legacy
    std::string trust_dir;           // trust_dir: CA directory for `validate` (strict mode)
    std::string endorsers_file;      // endorsers_file: endorser list for `validate`
};

/// Errors: kInvalidArgument naming the file, the line and the key.
Result<ClientConfig> LoadClientConfig(const std::optional<std::string>& file,
                                      const std::map<std::string, std::string>& environment);

}  // namespace mkt::cli
