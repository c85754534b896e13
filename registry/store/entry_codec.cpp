#include "registry/store/entry_codec.hpp"

#include <array>
#include <cstdint>
#include <utility>

#include <nlohmann/json.hpp>

namespace mkt::store {
namespace {

using nlohmann::json;

template <typename T>
struct TextField {
    const char* key;   // JSON key
    const char* name;  // what an error message calls it
    std::string T::*member;
};

// Short keys keep the stored form small; never reuse a key for another field.
constexpr std::array<TextField<EntryMetadata>, 19> kMetadataText = {{
    {"id", "identifier", &EntryMetadata::identifier},
    {"ty", "type", &EntryMetadata::type},
    {"ti", "title", &EntryMetadata::title},
    {"de", "description", &EntryMetadata::description},
    {"tg", "tag", &EntryMetadata::tag},
    {"cr", "creator", &EntryMetadata::creator},
    {"pu", "publisher", &EntryMetadata::publisher},
    {"fo", "format", &EntryMetadata::format},
    {"co", "compression", &EntryMetadata::compression},
    {"hy", "hypervisor", &EntryMetadata::hypervisor},
    {"ki", "kind", &EntryMetadata::kind},
    {"db", "disks_bus", &EntryMetadata::disks_bus},
    {"os", "os", &EntryMetadata::os},
    {"ov", "os_version", &EntryMetadata::os_version},
    {"oa", "os_arch", &EntryMetadata::os_arch},
    {"ve", "version", &EntryMetadata::version},
    {"rp", "replaces", &EntryMetadata::replaces},
    {"rb", "is_replaced_by", &EntryMetadata::is_replaced_by},
    {"vo", "is_version_of", &EntryMetadata::is_version_of},
}};

constexpr std::array<TextField<SignerInfo>, 7> kSignerText = {{
    {"su", "signer subject", &SignerInfo::subject},
    {"is", "signer issuer", &SignerInfo::issuer},
    {"sr", "signer serial", &SignerInfo::serial},
    {"fp", "signer certificate_sha256", &SignerInfo::certificate_sha256},
    {"eb", "signer email_binding", &SignerInfo::email_binding},
    {"sm", "signer signature_method", &SignerInfo::signature_method},
    {"cm", "signer canonicalization", &SignerInfo::canonicalization},
}};

// Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF): what JSON can carry.
bool IsValidUtf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        size_t n = 0;
        uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, cp = c & 0x1Fu;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, cp = c & 0x0Fu;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, cp = c & 0x07u;
        } else {
            return false;
        }
        for (size_t k = 1; k <= n; ++k) {
            if (i + k >= s.size()) return false;
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3Fu);
        }
        static constexpr std::array<uint32_t, 4> kMin = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n + 1;
    }
    return true;
}

Status CheckUtf8(std::string_view value, std::string_view name) {
    if (IsValidUtf8(value)) return Status::Ok();
    return Status::InvalidArgument("entry field " + std::string(name) + " is not valid UTF-8");
}

template <typename T, size_t N>
Status PutTextFields(const T& value, const std::array<TextField<T>, N>& fields, json& out) {
    for (const auto& f : fields) {
        const std::string& text = value.*f.member;
        if (text.empty()) continue;
        MKT_RETURN_IF_ERROR(CheckUtf8(text, f.name));
        out[f.key] = text;
    }
    return Status::Ok();
}

Status PutTextList(const std::vector<std::string>& values, const char* key, std::string_view name,
                   json& out) {
    if (values.empty()) return Status::Ok();
    for (const auto& v : values) MKT_RETURN_IF_ERROR(CheckUtf8(v, name));
    out[key] = values;
    return Status::Ok();
}

void PutTime(const std::optional<Timestamp>& t, const char* key, json& out) {
    if (t) out[key] = t->unix_seconds();
}

void PutNumbers(const std::vector<uint32_t>& values, const char* key, json& out) {
    if (!values.empty()) out[key] = values;
}

Status EncodeMetadata(const EntryMetadata& m, json& out) {
    MKT_RETURN_IF_ERROR(PutTextFields(m, kMetadataText, out));
    if (m.bytes != 0) out["by"] = m.bytes;
    if (!m.checksums.empty()) {
        json list = json::array();
        for (const auto& c : m.checksums) {
            MKT_RETURN_IF_ERROR(CheckUtf8(c.algorithm, "checksum algorithm"));
            MKT_RETURN_IF_ERROR(CheckUtf8(c.value, "checksum value"));
            list.push_back(json::array({c.algorithm, c.value}));
        }
        out["ck"] = std::move(list);
    }
    const Endorsement& e = m.endorsement;
    out["ec"] = e.created.unix_seconds();
    if (!e.email.empty()) {
        MKT_RETURN_IF_ERROR(CheckUtf8(e.email, "endorsement email"));
        out["em"] = e.email;
    }
    if (!e.subject.empty()) {
        MKT_RETURN_IF_ERROR(CheckUtf8(e.subject, "endorsement subject"));
        out["es"] = e.subject;
    }
    MKT_RETURN_IF_ERROR(PutTextList(e.issuers, "ei", "endorsement issuer", out));
    PutTime(m.valid, "va", out);
    PutTime(m.image_created, "ic", out);
    if (m.deprecated) {
        MKT_RETURN_IF_ERROR(CheckUtf8(*m.deprecated, "deprecated"));
        out["dp"] = *m.deprecated;
    }
    if (m.serial_number) out["sn"] = *m.serial_number;
    MKT_RETURN_IF_ERROR(PutTextList(m.locations, "lo", "location", out));
    PutNumbers(m.inbound_ports, "ip", out);
    PutNumbers(m.outbound_ports, "op", out);
    PutNumbers(m.icmp, "im", out);
    return Status::Ok();
}

Status EncodeSigner(const SignerInfo& s, json& out) {
    if (s.trust_mode != TrustMode::kStrict) out["tm"] = std::string(TrustModeName(s.trust_mode));
    MKT_RETURN_IF_ERROR(PutTextFields(s, kSignerText, out));
    PutTime(s.not_before, "nb", out);
    PutTime(s.not_after, "na", out);
    return Status::Ok();
}

// --- decoding: every accessor below may throw json exceptions; the caller converts.

template <typename T, size_t N>
void GetTextFields(const json& in, const std::array<TextField<T>, N>& fields, T& value) {
    for (const auto& f : fields) {
        auto it = in.find(f.key);
        (value.*f.member) = it == in.end() ? std::string() : it->template get<std::string>();
    }
}

std::string GetText(const json& in, const char* key) {
    auto it = in.find(key);
    return it == in.end() ? std::string() : it->get<std::string>();
}

std::optional<Timestamp> GetTime(const json& in, const char* key) {
    auto it = in.find(key);
    if (it == in.end()) return std::nullopt;
    return Timestamp::FromUnixSeconds(it->get<int64_t>());
}

template <typename T>
std::vector<T> GetList(const json& in, const char* key) {
    auto it = in.find(key);
    return it == in.end() ? std::vector<T>() : it->get<std::vector<T>>();
}

void DecodeMetadata(const json& in, EntryMetadata& m) {
    GetTextFields(in, kMetadataText, m);
    m.bytes = in.value("by", uint64_t{0});
    m.checksums.clear();
    if (auto it = in.find("ck"); it != in.end()) {
        for (const auto& pair : *it) {
            m.checksums.push_back({pair.at(0).get<std::string>(), pair.at(1).get<std::string>()});
        }
    }
    m.endorsement.created = Timestamp::FromUnixSeconds(in.at("ec").get<int64_t>());
    m.endorsement.email = GetText(in, "em");
    m.endorsement.subject = GetText(in, "es");
    m.endorsement.issuers = GetList<std::string>(in, "ei");
    m.valid = GetTime(in, "va");
    m.image_created = GetTime(in, "ic");
    auto dp = in.find("dp");
    m.deprecated = dp == in.end() ? std::nullopt : std::optional(dp->get<std::string>());
    auto sn = in.find("sn");
    m.serial_number = sn == in.end() ? std::nullopt : std::optional(sn->get<uint64_t>());
    m.locations = GetList<std::string>(in, "lo");
    m.inbound_ports = GetList<uint32_t>(in, "ip");
    m.outbound_ports = GetList<uint32_t>(in, "op");
    m.icmp = GetList<uint32_t>(in, "im");
}

Status DecodeSigner(const json& in, SignerInfo& s) {
    const std::string mode = GetText(in, "tm");
    if (mode.empty() || mode == TrustModeName(TrustMode::kStrict)) {
        s.trust_mode = TrustMode::kStrict;
    } else if (mode == TrustModeName(TrustMode::kCompat)) {
        s.trust_mode = TrustMode::kCompat;
    } else {
        return Status::Internal("stored entry fields are corrupt: unknown trust mode '" + mode +
                                "'");
    }
    GetTextFields(in, kSignerText, s);
    s.not_before = GetTime(in, "nb");
    s.not_after = GetTime(in, "na");
    return Status::Ok();
}

}  // namespace

Result<std::string> EncodeEntryFields(const EntryMetadata& metadata, const SignerInfo& signer) {
    json out = json::object();
    out["v"] = kEntryCodecVersion;
    MKT_RETURN_IF_ERROR(EncodeMetadata(metadata, out));
    json s = json::object();
    MKT_RETURN_IF_ERROR(EncodeSigner(signer, s));
    if (!s.empty()) out["s"] = std::move(s);
    return out.dump();
}

Status DecodeEntryFields(std::string_view text, EntryMetadata& metadata, SignerInfo& signer) {
    json in = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (in.is_discarded() || !in.is_object()) {
        return Status::Internal("stored entry fields are corrupt: not a JSON object");
    }
    try {
        const int version = in.at("v").get<int>();
        if (version > kEntryCodecVersion || version < 1) {
            return Status::Internal("stored entry fields are corrupt: format version " +
                                    std::to_string(version) +
                                    " is not supported (this program "
                                    "reads up to " +
                                    std::to_string(kEntryCodecVersion) + ")");
        }
        DecodeMetadata(in, metadata);
        auto s = in.find("s");
        return DecodeSigner(s == in.end() ? json::object() : *s, signer);
    } catch (const json::exception& e) {
        return Status::Internal(std::string("stored entry fields are corrupt: ") + e.what());
    }
}

}  // namespace mkt::store
