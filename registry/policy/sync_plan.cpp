#include "registry/policy/sync_plan.hpp"

#include <map>
#include <set>

namespace mkt::policy {
namespace {

/// Held images that are to be retired in `mode`: active ones always,
/// deactivated ones only when deleting.
bool IsRetireTarget(const HeldImage& image, RetireMode mode) {
    if (image.status == "active") return true;
    return image.status == "deactivated" && mode == RetireMode::kDelete;
}

SyncAction MakeAction(SyncActionKind kind, std::string identifier, std::string glance_id,
                      std::string reason) {
    SyncAction action;
    action.kind = kind;
    action.identifier = std::move(identifier);
    action.glance_id = std::move(glance_id);
    action.reason = std::move(reason);
    return action;
}

}  // namespace

bool IsTransientGlanceStatus(std::string_view status) {
    return status == "queued" || status == "saving" || status == "uploading" ||
           status == "importing" || status == "killed";
}

std::string_view SyncActionName(SyncActionKind kind) {
    switch (kind) {
        case SyncActionKind::kAdd:
            return "add";
        case SyncActionKind::kKeep:
            return "keep";
        case SyncActionKind::kReactivate:
            return "reactivate";
        case SyncActionKind::kRevoke:
            return "revoke";
        case SyncActionKind::kCleanup:
            return "cleanup";
    }
    return "?";
}

SyncPlan PlanSync(const std::vector<SyncCandidate>& candidates, const std::vector<HeldImage>& held,
                  const SyncModes& modes) {
    SyncPlan plan;
    std::map<std::string, std::vector<const HeldImage*>> by_identifier;
    for (const HeldImage& image : held) {
        if (IsTransientGlanceStatus(image.status)) {
            plan.actions.push_back(MakeAction(
                SyncActionKind::kCleanup, image.key ? image.key->identifier : "", image.glance_id,
                "left in status " + image.status + " by an interrupted run"));
        } else if (!image.key) {
            plan.actions.push_back(MakeAction(
                SyncActionKind::kCleanup, "", image.glance_id,
                "its origin properties (identifier, endorser, endorsed) are missing or invalid"));
        } else if (image.status == "active" || image.status == "deactivated") {
            by_identifier[image.key->identifier].push_back(&image);
        }
    }

    std::set<std::string> listed;
    for (const SyncCandidate& candidate : candidates) {
        listed.insert(candidate.identifier);
        const auto found = by_identifier.find(candidate.identifier);
        const std::vector<const HeldImage*> none;
        const auto& images = found == by_identifier.end() ? none : found->second;
        if (!candidate.allowed || !candidate.chosen) {
            SyncAction revoke =
                MakeAction(SyncActionKind::kRevoke, candidate.identifier, "", candidate.refusal);
            for (const HeldImage* image : images) {
                if (IsRetireTarget(*image, modes.on_revoked))
                    revoke.retire.push_back(image->glance_id);
            }
            if (!revoke.retire.empty()) plan.actions.push_back(std::move(revoke));
            if (images.empty()) plan.refused.push_back(candidate);
            continue;
        }
        const HeldImage* holder = nullptr;
        for (const HeldImage* image : images) {
            if (image->key == candidate.chosen && image->status == "active") {
                holder = image;
                break;
            }
        }
        SyncAction action = MakeAction(SyncActionKind::kKeep, candidate.identifier, "", "");
        action.entry = candidate.chosen;
        if (!holder) {
            for (const HeldImage* image : images) {
                if (image->key == candidate.chosen && image->status == "deactivated") {
                    holder = image;
                    action.kind = SyncActionKind::kReactivate;
                    break;
                }
            }
        }
        if (holder) {
            action.glance_id = holder->glance_id;
        } else {
            action.kind = SyncActionKind::kAdd;
        }
        for (const HeldImage* image : images) {
            if (image != holder && IsRetireTarget(*image, modes.on_superseded)) {
                action.retire.push_back(image->glance_id);
            }
        }
        plan.actions.push_back(std::move(action));
    }

    for (const auto& [identifier, images] : by_identifier) {
        if (listed.contains(identifier)) continue;
        SyncAction revoke = MakeAction(SyncActionKind::kRevoke, identifier, "",
                                       "the Marketplace no longer lists image " + identifier);
        for (const HeldImage* image : images) {
            if (IsRetireTarget(*image, modes.on_revoked)) revoke.retire.push_back(image->glance_id);
        }
        if (!revoke.retire.empty()) plan.actions.push_back(std::move(revoke));
    }
    return plan;
}

}  // namespace mkt::policy
