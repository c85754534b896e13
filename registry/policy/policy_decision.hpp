// Evaluate: the decision of a SitePolicy on one image, with every reason.
//
// Input: the image's candidate entries, i.e. the latest entry of each endorser
// whatever its status (the native listing with status=all), and the time that
// decides expiry and age. Each entry goes through every rule of the policy in a
// fixed order, and each rule applied leaves one Reason (passed or not), so the
// decision explains itself; no entry is skipped (StratusLab's filter removed
// items from the list it iterated over and so kept some unchecked).
//
// Entry rules, in order: status (expired, deprecated), endorser allow, endorser
// deny, subject allow, subject deny, trusted issuer, strict trust, checksum
// allow, checksum deny, image allow, image deny, OS allow, architecture allow,
// maximum age. Rules whose list is empty are not applied (no Reason).
// Image rule: at least `min_endorsers` distinct endorsers have an accepted entry.
// The chosen entry is the newest accepted one (endorsement created, then email).
// Pure function; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "registry/entry.hpp"
#include "registry/policy/site_policy.hpp"

namespace mkt::policy {

struct Reason {
    std::string rule;  // "status", "endorser.allow", ..., "endorsers.min"
    bool passed = false;
    std::string message;
};

struct EntryVerdict {
    EntryKey key;
    EntryStatus status = EntryStatus::kValid;
    bool accepted = false;
    std::vector<Reason> reasons;  // in rule order
};

struct Decision {
    std::string identifier;
    std::string policy;  // the policy's source
    bool allowed = false;
    std::vector<EntryVerdict> entries;  // newest first
    std::vector<Reason> reasons;        // image-level rules
    std::optional<EntryKey> chosen;     // set when allowed
    std::string summary;                // one line: "allowed: ..." / "refused: ..."
};

Decision Evaluate(const SitePolicy& policy, const std::string& identifier,
                  std::vector<Entry> candidates, Timestamp now);

}  // namespace mkt::policy
