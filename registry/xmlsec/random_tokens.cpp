#include "registry/xmlsec/random_tokens.hpp"

#include <algorithm>

#include <openssl/rand.h>
#include <openssl/sha.h>

#include "registry/text.hpp"

namespace mkt::xmlsec {

namespace {
constexpr size_t kTokenBytes = 32;  // 256 random bits
}

Result<std::string> OpenSslConfirmationTokens::NewToken() {
    unsigned char bytes[kTokenBytes];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
        return Status::Internal("cannot make a confirmation token: the random generator failed");
    }
    std::string token =
        text::Base64Encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
    std::replace(token.begin(), token.end(), '+', '-');
    std::replace(token.begin(), token.end(), '/', '_');
    token.erase(std::remove(token.begin(), token.end(), '='), token.end());
    return token;
}

std::string OpenSslConfirmationTokens::Hash(std::string_view token) const {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
    return text::HexLower(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace mkt::xmlsec
