// PlanSync (registry/policy/sync_plan.hpp): the site-sync decisions, pure.
#include "registry/policy/sync_plan.hpp"

#include <gtest/gtest.h>

namespace mkt::policy {
namespace {

EntryKey Key(const std::string& id, const std::string& created) {
    return EntryKey{id, "alice@example.org", *Timestamp::Parse(created)};
}

const EntryKey kOld = Key("IMAGE_A", "2026-01-01T00:00:00Z");
const EntryKey kNew = Key("IMAGE_A", "2026-02-01T00:00:00Z");

SyncCandidate Allowed(const EntryKey& key) { return {key.identifier, true, key, ""}; }
SyncCandidate Refused(const std::string& id, const std::string& why) {
    return {id, false, std::nullopt, why};
}

TEST(SyncPlanTest, AnAllowedImageNotHeldIsAdded) {
    const SyncPlan plan = PlanSync({Allowed(kNew)}, {}, {});
    ASSERT_EQ(plan.actions.size(), 1u);
    EXPECT_EQ(plan.actions[0].kind, SyncActionKind::kAdd);
    EXPECT_EQ(plan.actions[0].entry, kNew);
    EXPECT_TRUE(plan.actions[0].retire.empty());
}

TEST(SyncPlanTest, AnImageHeldActiveForTheChosenEntryIsKept) {
    const SyncPlan plan = PlanSync({Allowed(kNew)}, {{"g1", "active", kNew}}, {});
    ASSERT_EQ(plan.actions.size(), 1u);
    EXPECT_EQ(plan.actions[0].kind, SyncActionKind::kKeep);
    EXPECT_EQ(plan.actions[0].glance_id, "g1");
    EXPECT_TRUE(plan.actions[0].retire.empty());
}

TEST(SyncPlanTest, ANewerEndorsementReplacesTheOldImageAfterTheNewOneIsAdded) {
    const SyncPlan plan = PlanSync({Allowed(kNew)}, {{"g-old", "active", kOld}}, {});
    ASSERT_EQ(plan.actions.size(), 1u);
    EXPECT_EQ(plan.actions[0].kind, SyncActionKind::kAdd);
    EXPECT_EQ(plan.actions[0].entry, kNew);
    EXPECT_EQ(plan.actions[0].retire, std::vector<std::string>{"g-old"});
}

TEST(SyncPlanTest, ADeactivatedOldImageIsRetiredAgainOnlyWhenDeleting) {
    const std::vector<HeldImage> held{{"g-new", "active", kNew}, {"g-old", "deactivated", kOld}};
    const SyncPlan keep = PlanSync({Allowed(kNew)}, held, {});
    ASSERT_EQ(keep.actions.size(), 1u);
    EXPECT_TRUE(keep.actions[0].retire.empty());
    const SyncPlan remove = PlanSync({Allowed(kNew)}, held, {.on_superseded = RetireMode::kDelete});
    ASSERT_EQ(remove.actions.size(), 1u);
    EXPECT_EQ(remove.actions[0].kind, SyncActionKind::kKeep);
    EXPECT_EQ(remove.actions[0].retire, std::vector<std::string>{"g-old"});
}

TEST(SyncPlanTest, AnOldImageLeftActiveByAnInterruptedReplacementIsRetired) {
    const SyncPlan plan =
        PlanSync({Allowed(kNew)}, {{"g-new", "active", kNew}, {"g-old", "active", kOld}}, {});
    ASSERT_EQ(plan.actions.size(), 1u);
    EXPECT_EQ(plan.actions[0].kind, SyncActionKind::kKeep);
    EXPECT_EQ(plan.actions[0].glance_id, "g-new");
    EXPECT_EQ(plan.actions[0].retire, std::vector<std::string>{"g-old"});
}

TEST(SyncPlanTest, ADuplicateOfTheChosenEntryIsRetired) {
    const SyncPlan plan =
        PlanSync({Allowed(kNew)}, {{"g1", "active", kNew}, {"g2", "active", kNew}}, {});
    ASSERT_EQ(plan.actions.size(), 1u);
    EXPECT_EQ(plan.actions[0].glance_id, "g1");
    EXPECT_EQ(plan.actions[0].retire, std::vector<std::string>{"g2"});
}

TEST(SyncPlanTest, ADeactivatedImageOfTheChosenEntryIsReactivated) {
    const SyncPlan plan = PlanSync({Allowed(kNew)}, {{"g1", "deactivated", kNew}}, {});
    ASSERT_EQ(plan.actions.size(), 1u);
    EXPECT_EQ(plan.actions[0].kind, SyncActionKind::kReactivate);
    EXPECT_EQ(plan.actions[0].glance_id, "g1");
}

TEST(SyncPlanTest, ARefusedImageHeldIsRevokedWithTheReason) {
    const SyncPlan plan =
        PlanSync({Refused("IMAGE_A", "refused: deprecated")}, {{"g1", "active", kOld}}, {});
    ASSERT_EQ(plan.actions.size(), 1u);
    EXPECT_EQ(plan.actions[0].kind, SyncActionKind::kRevoke);
    EXPECT_EQ(plan.actions[0].retire, std::vector<std::string>{"g1"});
    EXPECT_EQ(plan.actions[0].reason, "refused: deprecated");
    EXPECT_TRUE(plan.refused.empty());
}

TEST(SyncPlanTest, ARefusedImageNotHeldIsOnlyReported) {
    const SyncPlan plan = PlanSync({Refused("IMAGE_B", "refused: endorser")}, {}, {});
    EXPECT_TRUE(plan.actions.empty());
    ASSERT_EQ(plan.refused.size(), 1u);
    EXPECT_EQ(plan.refused[0].identifier, "IMAGE_B");
}

TEST(SyncPlanTest, ARevokedImageAlreadyDeactivatedIsDeletedOnlyWhenDeleting) {
    const std::vector<HeldImage> held{{"g1", "deactivated", kOld}};
    EXPECT_TRUE(PlanSync({Refused("IMAGE_A", "expired")}, held, {}).actions.empty());
    const SyncPlan plan =
        PlanSync({Refused("IMAGE_A", "expired")}, held, {.on_revoked = RetireMode::kDelete});
    ASSERT_EQ(plan.actions.size(), 1u);
    EXPECT_EQ(plan.actions[0].retire, std::vector<std::string>{"g1"});
}

TEST(SyncPlanTest, AHeldImageTheMarketplaceNoLongerListsIsRevoked) {
    const SyncPlan plan = PlanSync({}, {{"g1", "active", kOld}}, {});
    ASSERT_EQ(plan.actions.size(), 1u);
    EXPECT_EQ(plan.actions[0].kind, SyncActionKind::kRevoke);
    EXPECT_NE(plan.actions[0].reason.find("no longer lists"), std::string::npos);
}

TEST(SyncPlanTest, ImagesLeftHalfUploadedAreCleanedUpAndTheEntryAddedAgain) {
    const SyncPlan plan =
        PlanSync({Allowed(kNew)},
                 {{"g1", "saving", kNew}, {"g2", "queued", kNew}, {"g3", "killed", kNew}}, {});
    ASSERT_EQ(plan.actions.size(), 4u);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(plan.actions[i].kind, SyncActionKind::kCleanup);
    EXPECT_NE(plan.actions[0].reason.find("interrupted"), std::string::npos);
    EXPECT_EQ(plan.actions[3].kind, SyncActionKind::kAdd);
    EXPECT_TRUE(plan.actions[3].retire.empty());
}

TEST(SyncPlanTest, AnImageWithUnreadableOriginPropertiesIsCleanedUp) {
    const SyncPlan plan = PlanSync({}, {{"g1", "active", std::nullopt}}, {});
    ASSERT_EQ(plan.actions.size(), 1u);
    EXPECT_EQ(plan.actions[0].kind, SyncActionKind::kCleanup);
    EXPECT_NE(plan.actions[0].reason.find("origin properties"), std::string::npos);
}

}  // namespace
}  // namespace mkt::policy
