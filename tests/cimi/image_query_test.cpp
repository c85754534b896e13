// Query planning: which parts of a $filter reach the store (EntryQuery) and
// when the store's answer is exact (count and page straight from the store).
#include "cimi/image_query.hpp"

#include <gtest/gtest.h>

namespace mkt::cimi {
namespace {

StorePlan Plan(const std::string& filter, std::vector<OrderKey> order = {}) {
    ImageQuery q;
    if (!filter.empty()) {
        auto f = Filter::Parse(filter);
        EXPECT_TRUE(f.ok()) << f.status().message();
        EXPECT_TRUE(f->Bind(&ImageAttributeType).ok());
        q.filter = std::move(*f);
    }
    q.order = std::move(order);
    return PlanStoreQuery(q);
}

TEST(CimiQueryPlan, NoFilterListsTheNewestEndorsementOfValidImagesNewestFirst) {
    StorePlan p = Plan("");
    EXPECT_TRUE(p.exact);
    EXPECT_FALSE(p.empty);
    EXPECT_TRUE(p.query.newest_per_identifier);
    EXPECT_EQ(p.query.statuses, StatusSet::Only(EntryStatus::kValid));
    EXPECT_EQ(p.query.sort, SortField::kCreated);
    EXPECT_TRUE(p.query.descending);
}

TEST(CimiQueryPlan, TheBenchmarkQueryIsPushedDownExactly) {
    StorePlan p = Plan("property['os']='ubuntu' and created>2024-01-01");
    EXPECT_TRUE(p.exact);
    EXPECT_EQ(p.query.os, "ubuntu");
    EXPECT_EQ(p.query.created_after, Timestamp::Parse("2024-01-01T00:00:00Z").value());
    EXPECT_EQ(p.query.statuses, StatusSet::Only(EntryStatus::kValid));
}

TEST(CimiQueryPlan, CreatedAtOrAfterBecomesStrictlyAfterTheSecondBefore) {
    EXPECT_EQ(Plan("created>=2024-01-01").query.created_after,
              Timestamp::Parse("2023-12-31T23:59:59Z").value());
    EXPECT_EQ(Plan("created>=2024-01-01T00:00:00.5Z").query.created_after,
              Timestamp::Parse("2024-01-01T00:00:00Z").value());
    EXPECT_EQ(Plan("2024-01-01<created").query.created_after,
              Timestamp::Parse("2024-01-01T00:00:00Z").value());
}

TEST(CimiQueryPlan, MentioningStateOrStatusReachesDeprecatedAndExpiredImages) {
    EXPECT_EQ(Plan("state='ERROR'").query.statuses, (StatusSet{false, true, true}));
    EXPECT_EQ(Plan("property['status']='deprecated'").query.statuses,
              StatusSet::Only(EntryStatus::kDeprecated));
    EXPECT_EQ(Plan("property['status']!='valid'").query.statuses, (StatusSet{false, true, true}));
    StorePlan either = Plan("state='AVAILABLE' or property['status']='expired'");
    EXPECT_EQ(either.query.statuses, StatusSet::All());
    EXPECT_FALSE(either.exact);
}

TEST(CimiQueryPlan, UnsatisfiableTermsMakeAnEmptyPlanWithoutAStoreQuery) {
    EXPECT_TRUE(Plan("state='CREATING'").empty);
    // os, os-version, os-arch compare ignoring case: 'Ubuntu' is 'ubuntu'.
    EXPECT_FALSE(Plan("property['os']='Ubuntu'").empty);
    EXPECT_FALSE(Plan("property['os']='Ubuntu' and property['os']='ubuntu'").empty);
    EXPECT_TRUE(Plan("property['os']='ubuntu' and property['os']='debian'").empty);
    EXPECT_TRUE(Plan("state='AVAILABLE' and property['status']='expired'").empty);
}

TEST(CimiQueryPlan, OtherTermsAndOrdersLeaveTheRestToTheEvaluator) {
    StorePlan p = Plan("property['os-arch']='x86_64' and name='x'");
    EXPECT_FALSE(p.exact);
    EXPECT_EQ(p.query.os_arch, "x86_64");  // still narrows the candidates
    EXPECT_FALSE(Plan("created<2024-01-01").exact);
    EXPECT_FALSE(Plan("property['os']!='ubuntu'").exact);
    EXPECT_EQ(Plan("property['endorser']='alice@example.org'").query.email, "alice@example.org");
    StorePlan ordered = Plan("", {{"name", false}});
    EXPECT_FALSE(ordered.exact);
    EXPECT_FALSE(ordered.sort_in_store);
    StorePlan by_id = Plan("", {{"id", false}});
    EXPECT_TRUE(by_id.exact);
    EXPECT_EQ(by_id.query.sort, SortField::kIdentifier);
    EXPECT_FALSE(by_id.query.descending);
}

}  // namespace
}  // namespace mkt::cimi
