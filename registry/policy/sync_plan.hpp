// PlanSync: what `marketplace site-sync` does to a site's Glance, decided from
// the policy's verdicts on the Marketplace's images and the Glance images
// site-sync created earlier (docs/sites.md). Pure: no HTTP, no clock.
//
// Rules, in this order:
//  1. A held image in a transient status (queued, saving, uploading, importing,
//     killed) was left by an interrupted run: deleted (kCleanup). One whose
//     origin properties cannot be read is deleted too.
//  2. An allowed image: an active held image of the chosen entry is kept
//     (kKeep); else a deactivated one of that entry is reactivated
//     (kReactivate); else the entry is uploaded (kAdd). Every other held image
//     of the identifier (another endorsement, or a duplicate of the same one)
//     is superseded: `retire` of that action, retired only after the kept or
//     new image is active. A kAdd with a non-empty `retire` is a replacement.
//  3. A refused image (deprecated, expired, refused by the policy) and a held
//     identifier the Marketplace no longer lists: its held images are retired
//     (kRevoke) with the reason.
// Retiring deactivates or deletes (RetireMode); a deactivated image is a target
// only when deleting (deactivating it again would change nothing).
// Images site-sync did not create never appear in `held`: the caller finds the
// held images by site-sync's own tag, so nothing else is ever touched.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "registry/entry.hpp"

namespace mkt::policy {

/// The policy's verdict on one image listed by the Marketplace.
struct SyncCandidate {
    std::string identifier;
    bool allowed = false;
    std::optional<EntryKey> chosen;  // the entry to hold, when allowed
    std::string refusal;             // why not, when refused (the decision's summary)
};

/// One Glance image site-sync created, as read back from Glance.
struct HeldImage {
    std::string glance_id;
    std::string status;           // Glance's: active, deactivated, queued, saving, ...
    std::optional<EntryKey> key;  // from its origin properties; nullopt when unreadable
};

enum class RetireMode { kDeactivate, kDelete };

enum class SyncActionKind { kAdd, kKeep, kReactivate, kRevoke, kCleanup };

struct SyncAction {
    SyncActionKind kind = SyncActionKind::kAdd;
    std::string identifier;           // empty for kCleanup of an unreadable image
    std::optional<EntryKey> entry;    // kAdd: to upload; kKeep / kReactivate: the held one
    std::string glance_id;            // kKeep / kReactivate / kCleanup: the image
    std::vector<std::string> retire;  // kAdd / kKeep / kReactivate: superseded; kRevoke: revoked
    std::string reason;               // kRevoke / kCleanup
};

struct SyncPlan {
    std::vector<SyncAction> actions;     // cleanups first, then by candidate order
    std::vector<SyncCandidate> refused;  // refused images the site does not hold
};

struct SyncModes {
    RetireMode on_superseded = RetireMode::kDeactivate;
    RetireMode on_revoked = RetireMode::kDeactivate;
};

SyncPlan PlanSync(const std::vector<SyncCandidate>& candidates, const std::vector<HeldImage>& held,
                  const SyncModes& modes);

/// "add", "keep", "reactivate", "revoke", "cleanup".
std::string_view SyncActionName(SyncActionKind kind);

/// True for the statuses rule 1 cleans up.
bool IsTransientGlanceStatus(std::string_view status);

}  // namespace mkt::policy
