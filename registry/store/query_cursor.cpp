#include "registry/store/query_cursor.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <optional>

#include "registry/store/entry_columns.hpp"

namespace mkt::store {
namespace {

constexpr char kSeparator = '\x1f';
constexpr std::string_view kCursorVersion = "1";
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// FNV-1a, fed field by field with a length prefix so that ("ab","c") != ("a","bc").
class Fingerprint {
  public:
    void Add(std::string_view bytes) {
        AddRaw(std::to_string(bytes.size()));
        AddRaw(":");
        AddRaw(bytes);
    }
    void AddOptional(const std::optional<std::string>& value) {
        Add(value ? "1" + *value : std::string("0"));
    }
    void AddOptional(const std::optional<Timestamp>& value) {
        Add(value ? "1" + std::to_string(value->unix_seconds()) : std::string("0"));
    }
    uint64_t value() const { return hash_; }

  private:
    void AddRaw(std::string_view bytes) {
        for (char c : bytes) {
            hash_ ^= static_cast<unsigned char>(c);
            hash_ *= 1099511628211ULL;
        }
    }
    uint64_t hash_ = 14695981039346656037ULL;
};

std::string Hex64(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string Base64UrlEncode(std::string_view in) {
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16 |
                           static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8 |
                           static_cast<unsigned char>(in[i + 2]);
        for (int shift : {18, 12, 6, 0}) out += kBase64Url[(n >> shift) & 63];
    }
    const size_t rest = in.size() - i;
    if (rest > 0) {
        uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16;
        if (rest == 2) n |= static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
        out += kBase64Url[(n >> 18) & 63];
        out += kBase64Url[(n >> 12) & 63];
        if (rest == 2) out += kBase64Url[(n >> 6) & 63];
    }
    return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view in) {
    if (in.size() % 4 == 1) return std::nullopt;
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        const size_t v = kBase64Url.find(c);
        if (v == std::string_view::npos) return std::nullopt;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    // Leftover bits must be zero, so every cursor has exactly one spelling.
    if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

std::optional<int64_t> ParseInt64(std::string_view text) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return v;
}

Status Malformed(std::string_view why) {
    return Status::InvalidArgument("invalid cursor: " + std::string(why) +
                                   "; use the next_cursor value of a previous page unchanged");
}

}  // namespace

bool IsIntegerSort(SortField field) {
    return field == SortField::kValid || field == SortField::kSeq;
}

SortValue SortValueOf(const Entry& entry, SortField field) {
    const EntryMetadata& m = entry.metadata;
    switch (field) {
        case SortField::kCreated:
            return entry.key.created.ToString();
        case SortField::kIdentifier:
            return entry.key.identifier;
        case SortField::kEmail:
            return entry.key.email;
        case SortField::kOs:
            return m.os;
        case SortField::kOsVersion:
            return m.os_version;
        case SortField::kOsArch:
            return m.os_arch;
        case SortField::kTitle:
            return m.title;
        case SortField::kValid:
            return m.valid ? m.valid->unix_seconds() : kNeverExpires;
        case SortField::kSeq:
            return entry.seq;
    }
    return entry.seq;
}

bool Precedes(const SortPosition& a, const SortPosition& b, bool descending) {
    // std::variant compares by index first; both sides always hold the same type.
    if (a.value != b.value) return descending ? b.value < a.value : a.value < b.value;
    return descending ? a.seq > b.seq : a.seq < b.seq;
}

uint64_t QueryFingerprint(const EntryQuery& q) {
    Fingerprint f;
    f.AddOptional(q.identifier);
    f.AddOptional(q.email);
    f.AddOptional(q.created);
    f.AddOptional(q.created_after);
    f.Add(q.latest_only ? "latest" : "all");
    if (q.newest_per_identifier) f.Add("newest-per-identifier");
    f.Add(std::string{q.statuses.valid ? 'v' : '-', q.statuses.expired ? 'e' : '-',
                      q.statuses.deprecated ? 'd' : '-'});
    f.AddOptional(q.os);
    f.AddOptional(q.os_version);
    f.AddOptional(q.os_arch);
    f.AddOptional(q.endorser);
    f.AddOptional(q.tag);
    f.AddOptional(q.text);
    f.Add(std::to_string(static_cast<int>(q.sort)));
    f.Add(q.descending ? "desc" : "asc");
    return f.value();
}

std::string EncodeCursor(const EntryQuery& query, const SortPosition& position) {
    std::string payload(kCursorVersion);
    payload += kSeparator;
    payload += Hex64(QueryFingerprint(query));
    payload += kSeparator;
    payload += std::to_string(position.seq);
    payload += kSeparator;
    if (const auto* i = std::get_if<int64_t>(&position.value)) {
        payload += std::to_string(*i);
    } else {
        payload += std::get<std::string>(position.value);
    }
    return Base64UrlEncode(payload);
}

Result<SortPosition> DecodeCursor(const EntryQuery& query, std::string_view cursor) {
    std::optional<std::string> payload = Base64UrlDecode(cursor);
    if (!payload) return Malformed("not base64url text");
    std::array<std::string_view, 4> parts;
    std::string_view rest = *payload;
    for (size_t i = 0; i < 3; ++i) {
        const size_t at = rest.find(kSeparator);
        if (at == std::string_view::npos) return Malformed("unknown layout");
        parts[i] = rest.substr(0, at);
        rest.remove_prefix(at + 1);
    }
    parts[3] = rest;
    if (parts[0] != kCursorVersion) return Malformed("unknown version");
    if (parts[1] != Hex64(QueryFingerprint(query))) {
        return Status::InvalidArgument(
            "cursor does not belong to this query: it was issued for other filters or another "
            "sort order; repeat the query without a cursor");
    }
    std::optional<int64_t> seq = ParseInt64(parts[2]);
    if (!seq) return Malformed("bad position");
    if (!IsIntegerSort(query.sort)) return SortPosition{std::string(parts[3]), *seq};
    std::optional<int64_t> value = ParseInt64(parts[3]);
    if (!value) return Malformed("bad sort value");
    return SortPosition{*value, *seq};
}

}  // namespace mkt::store
