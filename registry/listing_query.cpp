#include "registry/listing_query.hpp"

#include <algorithm>
#include <charconv>

#include "registry/identifier.hpp"

namespace mkt {
namespace {

bool EmailLocalChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '%' || c == '+' || c == '-';
}
bool EmailDomainChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-';
}

Status Bad(std::string_view param, std::string_view value, std::string_view why) {
    return Status::InvalidArgument("query parameter " + std::string(param) + "='" +
                                   std::string(value.substr(0, 128)) + "': " + std::string(why));
}

Result<size_t> ParseCount(std::string_view param, std::string_view value, size_t min, size_t max) {
    size_t n = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || ptr != value.data() + value.size() || n < min || n > max) {
        return Bad(param, value,
                   "expected an integer in " + std::to_string(min) + ".." + std::to_string(max));
    }
    return n;
}

Result<StatusSet> ParseStatuses(std::string_view value) {
    StatusSet set{false, false, false};
    size_t start = 0;
    while (start <= value.size()) {
        size_t end = value.find(',', start);
        if (end == std::string_view::npos) end = value.size();
        const std::string_view item = value.substr(start, end - start);
        if (item == "valid")
            set.valid = true;
        else if (item == "expired")
            set.expired = true;
        else if (item == "deprecated")
            set.deprecated = true;
        else if (item == "all")
            set = StatusSet::All();
        else
            return Bad("status", value, "expected valid, expired, deprecated or all");
        start = end + 1;
    }
    return set;
}

Result<SortField> ParseSort(std::string_view value) {
    static const std::pair<std::string_view, SortField> kFields[] = {
        {"created", SortField::kCreated},
        {"identifier", SortField::kIdentifier},
        {"email", SortField::kEmail},
        {"os", SortField::kOs},
        {"os-version", SortField::kOsVersion},
        {"os-arch", SortField::kOsArch},
        {"title", SortField::kTitle},
        {"valid", SortField::kValid},
        {"seq", SortField::kSeq}};
    for (const auto& [name, field] : kFields) {
        if (value == name) return field;
    }
    return Bad("sort", value,
               "expected created, identifier, email, os, os-version, os-arch, title, valid or seq");
}

Status SetIdentifier(EntryQuery& q, std::string_view value) {
    if (!identifier::IsValid(value)) return identifier::ToSha1Hex(value).status();
    q.identifier = std::string(value);
    return Status::Ok();
}

Status ApplyPathArg(EntryQuery& q, const std::string& arg) {
    if (LooksLikeEmail(arg)) {
        q.email = arg;
        return Status::Ok();
    }
    if (auto t = Timestamp::Parse(arg); t.ok()) {
        q.created = *t;
        return Status::Ok();
    }
    return SetIdentifier(q, arg);
}

Status ApplyParam(EntryQuery& q, const std::string& name, const std::string& value,
                  size_t max_page) {
    if (name == "identifier") return SetIdentifier(q, value);
    if (name == "email") {
        if (!LooksLikeEmail(value)) return Bad(name, value, "not an email address");
        q.email = value;
    } else if (name == "created") {
        MKT_ASSIGN_OR_RETURN(q.created, Timestamp::Parse(value));
    } else if (name == "status") {
        MKT_ASSIGN_OR_RETURN(q.statuses, ParseStatuses(value));
    } else if (name == "os") {
        q.os = value;
    } else if (name == "os-version") {
        q.os_version = value;
    } else if (name == "os-arch") {
        q.os_arch = value;
    } else if (name == "endorser") {
        q.endorser = value;
    } else if (name == "tag") {
        q.tag = value;
    } else if (name == "q") {
        q.text = value;
    } else if (name == "sort") {
        MKT_ASSIGN_OR_RETURN(q.sort, ParseSort(value));
    } else if (name == "order") {
        if (value != "asc" && value != "desc") return Bad(name, value, "expected asc or desc");
        q.descending = value == "desc";
    } else if (name == "limit") {
        MKT_ASSIGN_OR_RETURN(q.limit, ParseCount(name, value, 1, max_page));
    } else if (name == "offset") {
        MKT_ASSIGN_OR_RETURN(q.offset, ParseCount(name, value, 0, 100000000));
    } else if (name == "cursor") {
        q.cursor = value;
    } else if (name != "media") {
        return Status::InvalidArgument(
            "unknown query parameter '" + name.substr(0, 64) +
            "'; known: identifier, email, created, status, os, os-version, os-arch, endorser, tag, "
            "q, sort, order, limit, offset, cursor, media");
    }
    return Status::Ok();
}

}  // namespace

bool LooksLikeEmail(std::string_view text) {
    const size_t at = text.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == text.size()) return false;
    for (size_t i = 0; i < text.size(); ++i) {
        if (i == at) continue;
        if (i < at ? !EmailLocalChar(text[i]) : !EmailDomainChar(text[i])) return false;
    }
    return true;
}

Result<EntryQuery> ParseListingQuery(const QueryPairs& query,
                                     const std::vector<std::string>& path_args,
                                     size_t max_page_size, EntryQuery defaults,
                                     const std::vector<std::string>& extra_allowed) {
    EntryQuery q = std::move(defaults);
    for (const auto& arg : path_args) MKT_RETURN_IF_ERROR(ApplyPathArg(q, arg));
    for (const auto& [name, value] : query) {
        if (std::find(extra_allowed.begin(), extra_allowed.end(), name) != extra_allowed.end())
            continue;
        MKT_RETURN_IF_ERROR(ApplyParam(q, name, value, max_page_size));
    }
    if (q.created) q.latest_only = false;
    return q;
}

}  // namespace mkt
