#include "registry/xmlsec/dn.hpp"

#include <cstdint>
#include <optional>
#include <vector>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "registry/xmlsec/x509_internal.hpp"

namespace mkt::xmlsec {
namespace {

// Java's AVAKeyword entries that are RFC 2253 compliant.
std::string_view Rfc2253Keyword(int nid) {
    switch (nid) {
        case NID_commonName:
            return "CN";
        case NID_countryName:
            return "C";
        case NID_localityName:
            return "L";
        case NID_stateOrProvinceName:
            return "ST";
        case NID_organizationName:
            return "O";
        case NID_organizationalUnitName:
            return "OU";
        case NID_streetAddress:
            return "STREET";
        case NID_domainComponent:
            return "DC";
        case NID_userId:
            return "UID";
        default:
            return {};
    }
}

std::string DottedOid(const ASN1_OBJECT* obj) {
    char buf[128];
    const int len = OBJ_obj2txt(buf, sizeof buf, obj, 1);
    if (len <= 0) return "?";
    if (static_cast<size_t>(len) < sizeof buf) return std::string(buf, static_cast<size_t>(len));
    std::string big(static_cast<size_t>(len) + 1, '\0');
    OBJ_obj2txt(big.data(), static_cast<int>(big.size()), obj, 1);
    big.resize(static_cast<size_t>(len));
    return big;
}

void AppendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// UTF-16BE as Java decodes it (unpaired surrogates become U+FFFD).
std::string Utf16BeToUtf8(const unsigned char* p, size_t n) {
    std::string out;
    for (size_t i = 0; i + 1 < n; i += 2) {
        uint32_t u = (static_cast<uint32_t>(p[i]) << 8) | p[i + 1];
        if (u >= 0xD800 && u < 0xDC00 && i + 3 < n) {
            const uint32_t lo = (static_cast<uint32_t>(p[i + 2]) << 8) | p[i + 3];
            if (lo >= 0xDC00 && lo < 0xE000) {
                AppendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                i += 2;
                continue;
            }
        }
        if (u >= 0xD800 && u < 0xE000) u = 0xFFFD;
        AppendUtf8(out, u);
    }
    if (n % 2 != 0) AppendUtf8(out, 0xFFFD);
    return out;
}

// The value as Java's getCharset() reads it; nullopt for types Java prints as #hex.
std::optional<std::string> DecodeString(const ASN1_STRING* value) {
    const auto* data = ASN1_STRING_get0_data(value);
    const auto size = static_cast<size_t>(ASN1_STRING_length(value));
    switch (ASN1_STRING_type(value)) {
        case V_ASN1_UTF8STRING:
            return std::string(reinterpret_cast<const char*>(data), size);
        case V_ASN1_PRINTABLESTRING:
        case V_ASN1_T61STRING:
        case V_ASN1_IA5STRING:
        case V_ASN1_GENERALSTRING: {
            std::string out;
            for (size_t i = 0; i < size; ++i) AppendUtf8(out, data[i]);  // ISO-8859-1
            return out;
        }
        case V_ASN1_BMPSTRING:
            return Utf16BeToUtf8(data, size);
        default:
            return std::nullopt;
    }
}

std::string EscapeValue(const std::string& value) {
    static constexpr std::string_view kEscapees = ",=+<>#;\"\\";
    std::string escaped;
    escaped.reserve(value.size() + 4);
    for (char c : value) {
        if (c == '\0') {
            escaped += "\\00";
            continue;
        }
        if (kEscapees.find(c) != std::string_view::npos) escaped += '\\';
        escaped += c;
    }
    // Java then escapes leading and trailing spaces and CRs of the escaped text.
    const auto is_blank = [](char c) { return c == ' ' || c == '\r'; };
    size_t lead = 0;
    while (lead < escaped.size() && is_blank(escaped[lead])) ++lead;
    size_t trail = escaped.size();
    while (trail > lead && is_blank(escaped[trail - 1])) --trail;
    if (lead == 0 && trail == escaped.size()) return escaped;
    std::string out;
    out.reserve(escaped.size() + lead + (escaped.size() - trail));
    for (size_t i = 0; i < escaped.size(); ++i) {
        if (i < lead || i >= trail) out += '\\';
        out += escaped[i];
    }
    return out;
}

// DER of the entry's value: the encoded AttributeTypeAndValue minus its
// SEQUENCE header and the type OID.
std::string ValueDer(const X509_NAME_ENTRY* entry) {
    unsigned char* buf = nullptr;
    const int len = i2d_X509_NAME_ENTRY(entry, &buf);
    if (len <= 0) return {};
    std::string out;
    const unsigned char* p = buf;
    long content_len = 0;
    int tag = 0, xclass = 0;
    const int seq = ASN1_get_object(&p, &content_len, &tag, &xclass, len);
    if (!(seq & 0x80) && tag == V_ASN1_SEQUENCE) {
        const unsigned char* oid_start = p;
        long oid_len = 0;
        const int oid = ASN1_get_object(&p, &oid_len, &tag, &xclass, content_len);
        if (!(oid & 0x80) && tag == V_ASN1_OBJECT) {
            p += oid_len;
            const long consumed = static_cast<long>(p - oid_start);
            out.assign(reinterpret_cast<const char*>(p),
                       static_cast<size_t>(content_len - consumed));
        }
    }
    OPENSSL_free(buf);
    ERR_clear_error();
    return out;
}

std::string FormatAva(const X509_NAME_ENTRY* entry) {
    const ASN1_OBJECT* obj = X509_NAME_ENTRY_get_object(entry);
    const std::string_view keyword = Rfc2253Keyword(OBJ_obj2nid(obj));
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(entry);
    std::string out = keyword.empty() ? DottedOid(obj) : std::string(keyword);
    out += '=';
    if (!keyword.empty()) {
        if (auto text = DecodeString(value)) return out + EscapeValue(*text);
    }
    const std::string der = ValueDer(entry);
    out += '#';
    out += internal::Hex(reinterpret_cast<const unsigned char*>(der.data()), der.size());
    return out;
}

}  // namespace

std::string JavaRfc2253(const X509_NAME* name) {
    if (!name) return {};
    // Group entries into RDNs (consecutive entries sharing a set index).
    std::vector<std::vector<const X509_NAME_ENTRY*>> rdns;
    int last_set = -1;
    for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
        const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
        const int set = X509_NAME_ENTRY_set(entry);
        if (rdns.empty() || set != last_set) rdns.emplace_back();
        rdns.back().push_back(entry);
        last_set = set;
    }
    std::string out;
    for (auto rdn = rdns.rbegin(); rdn != rdns.rend(); ++rdn) {
        if (!out.empty()) out += ',';
        for (size_t i = 0; i < rdn->size(); ++i) {
            if (i > 0) out += '+';
            out += FormatAva((*rdn)[i]);
        }
    }
    return out;
}

Result<std::string> JavaRfc2253FromDer(std::string_view der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    X509_NAME* name = d2i_X509_NAME(nullptr, &p, static_cast<long>(der.size()));
    if (!name || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
        X509_NAME_free(name);
        ERR_clear_error();
        return Status::InvalidArgument("not a DER-encoded X.500 name");
    }
    std::string out = JavaRfc2253(name);
    X509_NAME_free(name);
    return out;
}

}  // namespace mkt::xmlsec
