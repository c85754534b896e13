#include "registry/policy/site_policy.hpp"

#include <cctype>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include "registry/text.hpp"

namespace mkt::policy {
namespace {

char Fold(char c, bool fold) { return fold ? text::AsciiLower(c) : c; }

/// Items of a list value: separated by blanks, commas or line ends.
void AppendItems(std::string_view value, std::vector<std::string>& out) {
    std::string item;
    for (char c : value) {
        if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
            if (!item.empty()) out.push_back(std::move(item));
            item.clear();
        } else {
            item.push_back(c);
        }
    }
    if (!item.empty()) out.push_back(std::move(item));
}

Status LineError(std::string_view source, size_t line, const std::string& what) {
    return Status::InvalidArgument(std::string(source) + ":" + std::to_string(line) + ": " + what);
}

// ---- StratusLab's policy.cfg ----

using ListField = std::vector<std::string> SitePolicy::*;

ListField OriginalKey(const std::string& section, const std::string& key) {
    static const std::map<std::string, ListField> kKeys = {
        {"endorsers/whitelistendorsers", &SitePolicy::endorser_allow},
        {"endorsers/blacklistendorsers", &SitePolicy::endorser_deny},
        {"images/whitelistimages", &SitePolicy::image_allow},
        {"images/blacklistimages", &SitePolicy::image_deny},
        {"checksums/whitelistchecksums", &SitePolicy::checksum_allow},
        {"checksums/blacklistchecksums", &SitePolicy::checksum_deny},
    };
    auto it = kKeys.find(section + "/" + key);
    return it == kKeys.end() ? nullptr : it->second;
}

Result<SitePolicy> ParseOriginal(std::string_view text, std::string_view source) {
    SitePolicy p;
    p.source = std::string(source);
    p.original_format = true;
    std::string section;
    ListField current = nullptr;
    std::istringstream in{std::string(text)};
    std::string raw;
    for (size_t n = 1; std::getline(in, raw); ++n) {
        const std::string_view line = text::TrimWhitespace(raw);
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        const bool continuation = std::isspace(static_cast<unsigned char>(raw.front()));
        if (continuation && current) {
            AppendItems(line, p.*current);
            continue;
        }
        if (line.front() == '[') {
            if (line.back() != ']') return LineError(source, n, "unterminated section header");
            section = std::string(text::TrimWhitespace(line.substr(1, line.size() - 2)));
            if (section != "endorsers" && section != "images" && section != "checksums") {
                return LineError(
                    source, n, "unknown section [" + section + "] (endorsers, images, checksums)");
            }
            current = nullptr;
            continue;
        }
        const size_t sep = line.find_first_of("=:");
        if (sep == std::string_view::npos) {
            return LineError(source, n, "expected 'key = value', got '" + std::string(line) + "'");
        }
        if (section.empty()) return LineError(source, n, "key outside a section");
        std::string key(text::TrimWhitespace(line.substr(0, sep)));
        key = text::AsciiLower(key);
        current = OriginalKey(section, key);
        if (!current) {
            return LineError(source, n, "unknown key '" + key + "' in section [" + section + "]");
        }
        AppendItems(line.substr(sep + 1), p.*current);
    }
    return p;
}

// ---- native form ----

Result<bool> ParseBool(std::string_view v) {
    if (v == "true" || v == "yes" || v == "on") return true;
    if (v == "false" || v == "no" || v == "off") return false;
    return Status::InvalidArgument("'" + std::string(v) + "' is not true or false");
}

Result<int64_t> ParseCount(std::string_view v, int64_t min, int64_t max) {
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
    if (ec != std::errc() || ptr != v.data() + v.size() || value < min || value > max) {
        return Status::InvalidArgument("'" + std::string(v) + "' is not an integer from " +
                                       std::to_string(min) + " to " + std::to_string(max));
    }
    return value;
}

Status SetNative(SitePolicy& p, const std::string& key, std::string_view value) {
    static const std::map<std::string, ListField> kLists = {
        {"endorser.allow", &SitePolicy::endorser_allow},
        {"endorser.deny", &SitePolicy::endorser_deny},
        {"subject.allow", &SitePolicy::subject_allow},
        {"subject.deny", &SitePolicy::subject_deny},
        {"image.allow", &SitePolicy::image_allow},
        {"image.deny", &SitePolicy::image_deny},
        {"checksum.allow", &SitePolicy::checksum_allow},
        {"checksum.deny", &SitePolicy::checksum_deny},
        {"os.allow", &SitePolicy::os_allow},
        {"arch.allow", &SitePolicy::arch_allow},
    };
    if (auto it = kLists.find(key); it != kLists.end()) {
        AppendItems(value, p.*(it->second));
        return Status::Ok();
    }
    // DNs contain blanks and commas: one DN pattern per line.
    if (key == "issuer.trusted") {
        p.trusted_issuers.emplace_back(value);
        return Status::Ok();
    }
    if (key == "refuse.expired") {
        MKT_ASSIGN_OR_RETURN(p.refuse_expired, ParseBool(value));
    } else if (key == "refuse.deprecated") {
        MKT_ASSIGN_OR_RETURN(p.refuse_deprecated, ParseBool(value));
    } else if (key == "trust.require_strict") {
        MKT_ASSIGN_OR_RETURN(p.require_strict_trust, ParseBool(value));
    } else if (key == "endorsers.min") {
        MKT_ASSIGN_OR_RETURN(const int64_t k, ParseCount(value, 1, 1000));
        p.min_endorsers = static_cast<unsigned>(k);
    } else if (key == "age.max_days") {
        MKT_ASSIGN_OR_RETURN(p.max_age_days, ParseCount(value, 1, 36500));
    } else {
        return Status::InvalidArgument("unknown key '" + key + "'");
    }
    return Status::Ok();
}

Result<SitePolicy> ParseNative(std::string_view text, std::string_view source) {
    SitePolicy p;
    p.source = std::string(source);
    std::istringstream in{std::string(text)};
    std::string raw;
    for (size_t n = 1; std::getline(in, raw); ++n) {
        const std::string_view line = text::TrimWhitespace(raw);
        if (line.empty() || line.front() == '#') continue;
        const size_t eq = line.find('=');
        if (eq == std::string_view::npos) {
            return LineError(source, n, "expected 'key = value', got '" + std::string(line) + "'");
        }
        const std::string key(text::TrimWhitespace(line.substr(0, eq)));
        // Subject patterns are DNs too: one per line, blanks and commas kept.
        if (key == "subject.allow" || key == "subject.deny") {
            auto& list = key == "subject.allow" ? p.subject_allow : p.subject_deny;
            list.emplace_back(text::TrimWhitespace(line.substr(eq + 1)));
            continue;
        }
        if (Status s = SetNative(p, key, text::TrimWhitespace(line.substr(eq + 1))); !s.ok()) {
            const bool unknown = s.message().starts_with("unknown key");
            return LineError(source, n, unknown ? s.message() : key + ": " + s.message());
        }
    }
    return p;
}

bool LooksOriginal(std::string_view text) {
    std::istringstream in{std::string(text)};
    std::string raw;
    while (std::getline(in, raw)) {
        const std::string_view line = text::TrimWhitespace(raw);
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        return line.front() == '[';
    }
    return false;
}

}  // namespace

bool PatternMatches(std::string_view pattern, std::string_view text, bool fold_case) {
    // Iterative glob with backtracking to the last '*'.
    size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (p < pattern.size() && Fold(pattern[p], fold_case) == Fold(text[t], fold_case)) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

Result<SitePolicy> ParseSitePolicy(std::string_view text, std::string_view source) {
    return LooksOriginal(text) ? ParseOriginal(text, source) : ParseNative(text, source);
}

Result<SitePolicy> LoadSitePolicy(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::error_code ec;
    if (!in || std::filesystem::is_directory(path, ec)) {
        return Status::Unavailable(
            "cannot read policy " + path.string() + ": " +
            (std::filesystem::exists(path, ec) ? "not a readable file" : "no such file"));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return ParseSitePolicy(text.str(), path.string());
}

}  // namespace mkt::policy
