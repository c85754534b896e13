// The listing SQL shared by the SQL stores; what it selects is checked through
// SqliteEntryStore by the conformance suite.
#include "registry/store/sql_list_query.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace mkt::store {
namespace {

std::vector<SqlStatement> AllStatements(const EntryQuery& q,
                                        const std::optional<SortPosition>& after,
                                        SqlPlaceholders style) {
    return {BuildCountStatement(q, style),
            BuildPageStatement(q, after, PagePlan::kWalkSortIndex, style),
            BuildPageStatement(q, after, PagePlan::kSortMatches, style)};
}

TEST(SqlListQueryTest, UserValuesTravelOnlyAsParameters) {
    EntryQuery q;
    const std::string evil = "x' OR 1=1; DROP TABLE entries; --";
    q.identifier = q.email = q.os = q.os_version = q.os_arch = q.endorser = q.tag = evil;
    q.text = evil + " more";
    for (const SqlStatement& s :
         AllStatements(q, SortPosition{std::string(evil), 3}, SqlPlaceholders::kQuestionMark)) {
        EXPECT_EQ(s.text.find("DROP"), std::string::npos) << s.text;
        EXPECT_EQ(static_cast<size_t>(std::count(s.text.begin(), s.text.end(), '?')),
                  s.params.size());
    }
}

TEST(SqlListQueryTest, DollarPlaceholdersAreNumberedInOrder) {
    EntryQuery q;
    q.email = "a";
    q.text = "b c";
    for (const SqlStatement& s :
         AllStatements(q, SortPosition{std::string("k"), 1}, SqlPlaceholders::kDollarNumbered)) {
        const size_t n = s.params.size();
        ASSERT_GE(n, 4u);
        for (size_t i = 1; i <= n; ++i) {
            EXPECT_NE(s.text.find("$" + std::to_string(i)), std::string::npos) << i << s.text;
        }
        EXPECT_EQ(s.text.find("$" + std::to_string(n + 1)), std::string::npos) << s.text;
        EXPECT_EQ(s.text.find('?'), std::string::npos);
    }
}

TEST(SqlListQueryTest, PostgresqlStatementsCarryNoUnaryPlusHint) {
    // PostgreSQL has no unary + on text (ORDER BY +e.title would be an error).
    EntryQuery q;
    q.os = "ubuntu";
    q.sort = SortField::kTitle;
    for (const SqlStatement& s :
         AllStatements(q, SortPosition{std::string("k"), 1}, SqlPlaceholders::kDollarNumbered)) {
        EXPECT_EQ(s.text.find('+'), std::string::npos) << s.text;
    }
}

TEST(SqlListQueryTest, OnlyAStatusOnlyCountMayUseTheStatusIndex) {
    EntryQuery q;  // latest, valid
    EXPECT_EQ(BuildCountStatement(q, SqlPlaceholders::kQuestionMark).text.find('+'),
              std::string::npos);
    q.os = "ubuntu";
    EXPECT_NE(BuildCountStatement(q, SqlPlaceholders::kQuestionMark).text.find("+e.is_latest"),
              std::string::npos);
}

TEST(SqlListQueryTest, WalkingPlansOrderByTheIndexAndSortingPlansDoNot) {
    EntryQuery q;
    q.sort = SortField::kTitle;
    const SqlStatement walk = BuildPageStatement(q, std::nullopt, PagePlan::kWalkSortIndex,
                                                 SqlPlaceholders::kQuestionMark);
    EXPECT_NE(walk.text.find("ORDER BY e.title DESC, e.seq DESC"), std::string::npos) << walk.text;
    EXPECT_NE(walk.text.find("+e.is_latest = 1"), std::string::npos) << walk.text;
    const SqlStatement sort =
        BuildPageStatement(q, std::nullopt, PagePlan::kSortMatches, SqlPlaceholders::kQuestionMark);
    EXPECT_NE(sort.text.find("ORDER BY +e.title DESC, +e.seq DESC"), std::string::npos)
        << sort.text;
}

TEST(SqlListQueryTest, PagePlanWalksWhenMatchesAreDense) {
    EntryQuery q;
    q.limit = 100;
    EXPECT_EQ(ChoosePagePlan(q, false, 60000), PagePlan::kWalkSortIndex);
    EXPECT_EQ(ChoosePagePlan(q, false, 200), PagePlan::kSortMatches);
    EXPECT_EQ(ChoosePagePlan(q, false, 0), PagePlan::kSortMatches);
    q.offset = 30000;
    EXPECT_EQ(ChoosePagePlan(q, false, 60000), PagePlan::kSortMatches);
    EXPECT_EQ(ChoosePagePlan(q, true, 60000), PagePlan::kWalkSortIndex);  // offset ignored
    q.sort = SortField::kSeq;
    EXPECT_EQ(ChoosePagePlan(q, false, 10), PagePlan::kWalkSortIndex);
}

}  // namespace
}  // namespace mkt::store
