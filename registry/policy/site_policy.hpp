// SitePolicy: which images a site accepts, declared in a file (docs/policy.md).
//
// Two file forms are read, told apart by their first meaningful line:
//  * StratusLab's policy.cfg (a line starting with '['): sections [endorsers],
//    [images], [checksums] with whitelist*/blacklist* keys whose values are
//    lists, one item per (indented continuation) line or separated by blanks or
//    commas. An empty list is no filter, as in the original. Expired and
//    deprecated entries are refused (the original's server listing hid them).
//  * The native form: `key = value` lines, '#' comments, list keys repeatable
//    (each line adds items), e.g. `endorser.allow = *@example.org`.
// Unknown sections and keys are errors naming the file and line (a typo must
// not silently open the site). Patterns: '*' matches any run of characters,
// everything else compares exactly (emails and DNs case-sensitively, as the
// original compared emails; OS and architecture case-insensitively).
// Pure: no I/O except LoadSitePolicy, which reads one file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/result.hpp"

namespace mkt::policy {

struct SitePolicy {
    std::string source;  // file name, for messages
    bool original_format = false;

    std::vector<std::string> endorser_allow, endorser_deny;  // email patterns
    std::vector<std::string> subject_allow, subject_deny;    // certificate subject DN patterns
    std::vector<std::string> trusted_issuers;                // certificate issuer DN patterns
    std::vector<std::string> image_allow, image_deny;        // identifiers (patterns)
    std::vector<std::string> checksum_allow, checksum_deny;  // hex values of any algorithm
    std::vector<std::string> os_allow, arch_allow;           // case-insensitive patterns
    bool refuse_expired = true;
    bool refuse_deprecated = true;
    bool require_strict_trust = false;    // refuse entries accepted in compat trust mode
    unsigned min_endorsers = 1;           // distinct endorsers whose entry passes (k of n)
    std::optional<int64_t> max_age_days;  // endorsement created at most this long ago
};

/// Parses either form. Errors: kInvalidArgument "<source>:<line>: <problem>"
/// (unknown section or key, bad value, a list value outside a key).
Result<SitePolicy> ParseSitePolicy(std::string_view text, std::string_view source);

/// Reads and parses a file. Errors: kUnavailable "cannot read policy <path>: <reason>",
/// and ParseSitePolicy's.
Result<SitePolicy> LoadSitePolicy(const std::filesystem::path& path);

/// '*'-glob match of the whole text; `fold_case` compares ASCII letters case-insensitively.
bool PatternMatches(std::string_view pattern, std::string_view text, bool fold_case = false);

}  // namespace mkt::policy
