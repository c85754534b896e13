#include "registry/xmlsec/x509_internal.hpp"

#include <array>
#include <cctype>
#include <ctime>

#include <openssl/err.h>
#include <openssl/x509v3.h>

namespace mkt::xmlsec::internal {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> MakeDecodeTable() {
    std::array<int8_t, 256> table{};
    for (auto& v : table) v = -1;
    for (size_t i = 0; i < kBase64Alphabet.size(); ++i) {
        table[static_cast<unsigned char>(kBase64Alphabet[i])] = static_cast<int8_t>(i);
    }
    return table;
}
constexpr auto kDecodeTable = MakeDecodeTable();

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

bool IsEmailLocalChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '%' || c == '+' || c == '-';
}
bool IsEmailDomainChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-';
}

}  // namespace

X509Ptr Share(X509* x) {
    if (x) X509_up_ref(x);
    return X509Ptr(x);
}

std::optional<std::string> DecodeBase64(std::string_view text) {
    std::string out;
    out.reserve(text.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    size_t symbols = 0, padding = 0;
    for (char c : text) {
        if (IsSpace(c)) continue;
        if (c == '=') {
            ++padding;
            continue;
        }
        if (padding > 0) return std::nullopt;  // data after padding
        const int8_t v = kDecodeTable[static_cast<unsigned char>(c)];
        if (v < 0) return std::nullopt;
        ++symbols;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    if ((symbols + padding) % 4 != 0 || padding > 2 || symbols % 4 == 1) return std::nullopt;
    return out;
}

std::string EncodeBase64(std::string_view bytes, size_t line_length) {
    std::string raw;
    raw.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) |
                           (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                           static_cast<uint8_t>(bytes[i + 2]);
        raw += kBase64Alphabet[(n >> 18) & 63];
        raw += kBase64Alphabet[(n >> 12) & 63];
        raw += kBase64Alphabet[(n >> 6) & 63];
        raw += kBase64Alphabet[n & 63];
    }
    if (i < bytes.size()) {
        uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
        raw += kBase64Alphabet[(n >> 18) & 63];
        raw += kBase64Alphabet[(n >> 12) & 63];
        raw += i + 1 < bytes.size() ? kBase64Alphabet[(n >> 6) & 63] : '=';
        raw += '=';
    }
    if (line_length == 0) return raw;
    std::string out;
    out.reserve(raw.size() + raw.size() / line_length);
    for (size_t pos = 0; pos < raw.size(); pos += line_length) {
        if (pos > 0) out += '\n';
        out.append(raw, pos, line_length);
    }
    return out;
}

std::string Hex(const unsigned char* data, size_t size) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (size_t i = 0; i < size; ++i) {
        out += kDigits[data[i] >> 4];
        out += kDigits[data[i] & 15];
    }
    return out;
}

X509Ptr ParseCertificateDer(std::string_view der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!cert || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
        ERR_clear_error();
        return nullptr;
    }
    return cert;
}

std::string CertificateDer(const X509* cert) {
    unsigned char* buf = nullptr;
    const int len = i2d_X509(cert, &buf);
    if (len <= 0) return {};
    std::string out(reinterpret_cast<char*>(buf), static_cast<size_t>(len));
    OPENSSL_free(buf);
    return out;
}

std::string Sha256Fingerprint(const X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return {};
    return Hex(md, len);
}

std::string SerialHex(const X509* cert) {
    BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
    if (!bn) return {};
    char* hex = BN_bn2hex(bn);
    std::string out = hex ? hex : "";
    OPENSSL_free(hex);
    BN_free(bn);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool negative = !out.empty() && out[0] == '-';
    std::string digits = negative ? out.substr(1) : out;
    const size_t first = digits.find_first_not_of('0');
    digits = first == std::string::npos ? "0" : digits.substr(first);
    return negative ? "-" + digits : digits;
}

std::optional<Timestamp> ToTimestamp(const ASN1_TIME* time) {
    std::tm tm{};
    if (!time || ASN1_TIME_to_tm(time, &tm) != 1) return std::nullopt;
    return Timestamp::FromUnixSeconds(static_cast<int64_t>(timegm(&tm)));
}

std::optional<std::string> FirstEmailSan(const X509* cert) {
    auto* names =
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (!names) return std::nullopt;
    std::optional<std::string> email;
    for (int i = 0; i < sk_GENERAL_NAME_num(names) && !email; ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        if (name->type != GEN_EMAIL) continue;
        const ASN1_IA5STRING* s = name->d.rfc822Name;
        email.emplace(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                      static_cast<size_t>(ASN1_STRING_length(s)));
    }
    GENERAL_NAMES_free(names);
    return email;
}

std::string TakeOpenSslError() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return {};
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    const char* reason = ERR_reason_error_string(code);
    return std::string("; ") + (reason ? reason : buf);
}

bool IsValidEmail(std::string_view email) {
    const size_t at = email.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == email.size()) return false;
    for (size_t i = 0; i < at; ++i) {
        if (!IsEmailLocalChar(email[i])) return false;
    }
    for (size_t i = at + 1; i < email.size(); ++i) {
        if (!IsEmailDomainChar(email[i])) return false;
    }
    return true;
}

KeyKind KindOf(const EVP_PKEY* key) {
    switch (EVP_PKEY_get_base_id(key)) {
        case EVP_PKEY_RSA:
            return KeyKind::kRsa;
        case EVP_PKEY_EC:
            return KeyKind::kEc;
        default:
            return KeyKind::kOther;
    }
}

std::string_view KeyKindName(KeyKind kind) {
    switch (kind) {
        case KeyKind::kRsa:
            return "RSA";
        case KeyKind::kEc:
            return "EC";
        case KeyKind::kOther:
            break;
    }
    return "unsupported";
}

}  // namespace mkt::xmlsec::internal
