#include "registry/store/entry_columns.hpp"

#include <gtest/gtest.h>

#include "tests/registry/store/test_entries.hpp"

namespace mkt::store {
namespace {

using testing::kT0;

TEST(EntryColumnsTest, SearchTermsSplitOnAnyWhitespaceAndFoldOnlyAscii) {
    EXPECT_EQ(SearchTerms(" \tAb\n\xC3\x89X\r\fz\v "),
              (std::vector<std::string>{"ab", "\xC3\x89x", "z"}));
    EXPECT_TRUE(SearchTerms(" \n\t").empty());
    EXPECT_EQ(AsciiLower("MiXeD-\xC3\x89"), "mixed-\xC3\x89");
}

TEST(EntryColumnsTest, LikePatternEscapesWildcardsAndTheEscape) {
    EXPECT_EQ(LikeContainsPattern("a%b_c\\d"), "%a\\%b\\_c\\\\d%");
    EXPECT_EQ(LikeContainsPattern(""), "%%");
}

TEST(EntryColumnsTest, DerivedColumnsFoldCaseAndJoinSearchableFields) {
    Entry e = testing::TestEntry(1, "Jane@Example.org", kT0);
    e.metadata.os = "UBUNTU";
    e.metadata.endorsement.subject = "CN=Jane";
    e.metadata.valid.reset();
    e.metadata.locations = {"http://A", "pdisk:B"};
    EntryColumns c = DeriveColumns(e);
    EXPECT_EQ(c.os_lc, "ubuntu");
    EXPECT_EQ(c.email_lc, "jane@example.org");
    EXPECT_EQ(c.subject_lc, "cn=jane");
    EXPECT_EQ(c.issuer, "CN=Test CA,O=Test");
    EXPECT_EQ(c.valid_until, kNeverExpires);
    EXPECT_FALSE(c.deprecated);
    EXPECT_NE(c.search_text.find("\nhttp://a\npdisk:b"), std::string::npos) << c.search_text;
    EXPECT_NE(c.search_text.find("jane@example.org"), std::string::npos);
}

}  // namespace
}  // namespace mkt::store
