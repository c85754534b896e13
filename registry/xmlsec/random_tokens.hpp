// OpenSslConfirmationTokens: the ConfirmationTokens of the e-mail confirmation
// (registry/email_confirmation.hpp) from OpenSSL: 32 bytes of RAND_bytes (the
// CSPRNG, seeded by the operating system) as base64url without padding (43
// characters), and the lower-case hex SHA-256 of a token, the only form stored.
#pragma once

#include "registry/email_confirmation.hpp"

namespace mkt::xmlsec {

class OpenSslConfirmationTokens final : public ConfirmationTokens {
  public:
    /// Errors: kInternal when the CSPRNG cannot deliver (not seeded).
    Result<std::string> NewToken() override;
    std::string Hash(std::string_view token) const override;
};

}  // namespace mkt::xmlsec
