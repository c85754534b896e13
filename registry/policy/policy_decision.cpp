#include "registry/policy/policy_decision.hpp"

#include <algorithm>
#include <set>

#include "registry/identifier.hpp"
#include "registry/text.hpp"

namespace mkt::policy {
namespace {

bool AnyMatches(const std::vector<std::string>& patterns, std::string_view text,
                bool fold_case = false) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& p) { return PatternMatches(p, text, fold_case); });
}

// Lowercase without leading zeros: checksums compare by value (StratusLab).
std::string HexValue(std::string_view hex) { return text::HexByValue(hex); }

/// The entry's checksum (as "ALGORITHM value") that one of `values` names, or empty.
std::string MatchingChecksum(const std::vector<std::string>& values, const EntryMetadata& m) {
    for (const Checksum& c : m.checksums) {
        for (const std::string& v : values) {
            if (HexValue(v) == HexValue(c.value)) return c.algorithm + " " + c.value;
        }
    }
    return {};
}

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

class EntryRules {
  public:
    EntryRules(const SitePolicy& p, const Entry& e, Timestamp now) : p_(p), e_(e), now_(now) {}

    EntryVerdict Run() {
        const EntryMetadata& m = e_.metadata;
        verdict_.key = e_.key;
        verdict_.status = e_.StatusAt(now_);
        StatusRule();
        const std::string& email = e_.key.email;
        if (!p_.endorser_allow.empty()) {
            Add("endorser.allow", AnyMatches(p_.endorser_allow, email),
                "endorser " + email + (AnyMatches(p_.endorser_allow, email) ? " is" : " is not") +
                    " on the endorser allow list");
        }
        if (!p_.endorser_deny.empty()) {
            const bool denied = AnyMatches(p_.endorser_deny, email);
            Add("endorser.deny", !denied,
                "endorser " + email + (denied ? " is" : " is not") + " on the endorser deny list");
        }
        const std::string& subject = m.endorsement.subject;
        if (!p_.subject_allow.empty()) {
            const bool ok = AnyMatches(p_.subject_allow, subject);
            Add("subject.allow", ok,
                "certificate subject " + Quoted(subject) + (ok ? " matches" : " matches no") +
                    " allowed subject pattern");
        }
        if (!p_.subject_deny.empty()) {
            const bool denied = AnyMatches(p_.subject_deny, subject);
            Add("subject.deny", !denied,
                "certificate subject " + Quoted(subject) + (denied ? " matches" : " matches no") +
                    " denied subject pattern");
        }
        if (!p_.trusted_issuers.empty()) {
            const std::string issuer = !e_.signer.issuer.empty() ? e_.signer.issuer
                                       : m.endorsement.issuers.empty()
                                           ? std::string()
                                           : m.endorsement.issuers.front();
            const bool ok = AnyMatches(p_.trusted_issuers, issuer);
            Add("issuer.trusted", ok,
                "certificate issuer " + Quoted(issuer) + (ok ? " is" : " is not") +
                    " a trusted issuer");
        }
        if (p_.require_strict_trust) {
            const bool ok = e_.signer.trust_mode == TrustMode::kStrict;
            Add("trust.require_strict", ok,
                std::string("the signer was checked in ") +
                    std::string(TrustModeName(e_.signer.trust_mode)) + " trust mode" +
                    (ok ? "" : " (self-consistency only); strict is required"));
        }
        Checksums(m);
        Image();
        if (!p_.os_allow.empty()) {
            const bool ok = AnyMatches(p_.os_allow, m.os, true);
            Add("os.allow", ok,
                "operating system " + Quoted(m.os) + (ok ? " is" : " is not") + " allowed");
        }
        if (!p_.arch_allow.empty()) {
            const bool ok = AnyMatches(p_.arch_allow, m.os_arch, true);
            Add("arch.allow", ok,
                "architecture " + Quoted(m.os_arch) + (ok ? " is" : " is not") + " allowed");
        }
        if (p_.max_age_days) {
            const int64_t age_days = (now_ - e_.key.created) / 86400;
            const bool ok = now_ - e_.key.created <= *p_.max_age_days * 86400;
            Add("age.max_days", ok,
                "endorsed " + e_.key.created.ToString() + " (" + std::to_string(age_days) +
                    " days ago)" + (ok ? ", within " : ", older than ") +
                    std::to_string(*p_.max_age_days) + " days");
        }
        verdict_.accepted = std::all_of(verdict_.reasons.begin(), verdict_.reasons.end(),
                                        [](const Reason& r) { return r.passed; });
        return std::move(verdict_);
    }

  private:
    void Add(std::string rule, bool passed, std::string message) {
        verdict_.reasons.push_back({std::move(rule), passed, std::move(message)});
    }

    void StatusRule() {
        const EntryMetadata& m = e_.metadata;
        switch (verdict_.status) {
            case EntryStatus::kDeprecated:
                Add("status", !p_.refuse_deprecated,
                    "deprecated (" + m.deprecated.value_or("") + ")" +
                        (p_.refuse_deprecated ? "" : ", accepted by this policy"));
                break;
            case EntryStatus::kExpired:
                Add("status", !p_.refuse_expired,
                    "expired on " + (m.valid ? m.valid->ToString() : std::string("?")) +
                        (p_.refuse_expired ? "" : ", accepted by this policy"));
                break;
            case EntryStatus::kValid:
                Add("status", true,
                    m.valid ? "valid until " + m.valid->ToString() : "valid (no expiry date)");
                break;
        }
    }

    void Checksums(const EntryMetadata& m) {
        if (!p_.checksum_allow.empty()) {
            const std::string hit = MatchingChecksum(p_.checksum_allow, m);
            Add("checksum.allow", !hit.empty(),
                hit.empty() ? "no checksum of the image is on the checksum allow list"
                            : "checksum " + hit + " is on the checksum allow list");
        }
        if (!p_.checksum_deny.empty()) {
            const std::string hit = MatchingChecksum(p_.checksum_deny, m);
            Add("checksum.deny", hit.empty(),
                hit.empty() ? "no checksum of the image is on the checksum deny list"
                            : "checksum " + hit + " is on the checksum deny list");
        }
    }

    void Image() {
        const std::string& id = e_.key.identifier;
        if (!p_.image_allow.empty()) {
            const bool ok = AnyMatches(p_.image_allow, id);
            Add("image.allow", ok,
                "image " + id + (ok ? " is" : " is not") + " on the image allow list");
        }
        if (!p_.image_deny.empty()) {
            const bool denied = AnyMatches(p_.image_deny, id);
            Add("image.deny", !denied,
                "image " + id + (denied ? " is" : " is not") + " on the image deny list");
        }
    }

    const SitePolicy& p_;
    const Entry& e_;
    Timestamp now_;
    EntryVerdict verdict_;
};

}  // namespace

Decision Evaluate(const SitePolicy& policy, const std::string& identifier,
                  std::vector<Entry> candidates, Timestamp now) {
    Decision d;
    d.identifier = identifier;
    d.policy = policy.source;
    std::sort(candidates.begin(), candidates.end(), [](const Entry& a, const Entry& b) {
        if (a.key.created != b.key.created) return a.key.created > b.key.created;
        return a.key.email < b.key.email;
    });
    std::set<std::string> endorsers;
    for (const Entry& e : candidates) {
        if (e.key.identifier != identifier) continue;  // never decide on another image's entry
        EntryVerdict v = EntryRules(policy, e, now).Run();
        if (v.accepted) {
            endorsers.insert(e.key.email);
            if (!d.chosen) d.chosen = e.key;
        }
        d.entries.push_back(std::move(v));
    }
    const size_t have = endorsers.size();
    const std::string need = std::to_string(policy.min_endorsers);
    if (d.entries.empty()) {
        d.reasons.push_back(
            {"entries", false, "the Marketplace has no entry for image " + identifier});
    } else {
        d.reasons.push_back({"endorsers.min", have >= policy.min_endorsers,
                             std::to_string(have) + " of " + std::to_string(d.entries.size()) +
                                 " endorsers accepted; the policy requires " + need});
    }
    d.allowed = !d.entries.empty() && have >= policy.min_endorsers;
    if (!d.allowed) d.chosen.reset();
    d.summary = d.allowed
                    ? "allowed: image " + identifier + " by " + d.chosen->email + " (" +
                          std::to_string(have) + " accepted endorser" + (have == 1 ? "" : "s") + ")"
                    : "refused: image " + identifier + " is not valid according to site policy " +
                          policy.source + " (" + d.reasons.back().message + ")";
    return d;
}

}  // namespace mkt::policy
