#include "registry/store/entry_columns.hpp"

#include "registry/text.hpp"

namespace mkt::store {
namespace {

bool IsSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

void AppendField(std::string& out, std::string_view field) {
    if (!out.empty()) out += '\n';
    out += AsciiLower(field);
}

std::string SearchText(const Entry& entry) {
    const EntryMetadata& m = entry.metadata;
    std::string out;
    for (std::string_view field :
         {std::string_view(entry.key.identifier), std::string_view(m.title),
          std::string_view(m.description), std::string_view(m.os), std::string_view(m.os_version),
          std::string_view(m.os_arch), std::string_view(entry.key.email), std::string_view(m.tag),
          std::string_view(m.kind)}) {
        AppendField(out, field);
    }
    for (const auto& location : m.locations) AppendField(out, location);
    return out;
}

}  // namespace

std::vector<std::string> SearchTerms(std::string_view text) {
    std::vector<std::string> terms;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && IsSpace(text[i])) ++i;
        size_t start = i;
        while (i < text.size() && !IsSpace(text[i])) ++i;
        if (i > start) terms.push_back(AsciiLower(text.substr(start, i - start)));
    }
    return terms;
}

std::string LikeContainsPattern(std::string_view needle) {
    std::string out = "%";
    for (char c : needle) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    out += '%';
    return out;
}

EntryColumns DeriveColumns(const Entry& entry) {
    const EntryMetadata& m = entry.metadata;
    EntryColumns c;
    c.valid_until = m.valid ? m.valid->unix_seconds() : kNeverExpires;
    c.deprecated = m.deprecated.has_value();
    c.os_lc = AsciiLower(m.os);
    c.os_version_lc = AsciiLower(m.os_version);
    c.os_arch_lc = AsciiLower(m.os_arch);
    c.email_lc = AsciiLower(entry.key.email);
    c.subject = m.endorsement.subject;
    c.subject_lc = AsciiLower(m.endorsement.subject);
    c.issuer = m.endorsement.issuers.empty() ? std::string() : m.endorsement.issuers.front();
    c.search_text = SearchText(entry);
    return c;
}

Status CheckStorable(const Entry& entry) {
    const std::string created = entry.key.created.ToString();
    if (!Timestamp::IsValid(created)) {
        return Status::InvalidArgument("endorsement created " + created +
                                       " is outside the storable range 0001-01-01T00:00:00Z to "
                                       "9999-12-31T23:59:59Z");
    }
    return Status::Ok();
}

}  // namespace mkt::store
