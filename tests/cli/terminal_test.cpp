// Table formatting of listings on a terminal.
#include "cli/terminal.hpp"

#include <gtest/gtest.h>

namespace mkt::cli {
namespace {

TEST(TerminalTest, TableColumnsAreAsWideAsTheirWidestCell) {
    const std::string table = FormatTable({{"ID", "TITLE"}, {"abc", "x"}, {"a", "longer title"}});
    EXPECT_EQ(table,
              "ID   TITLE\n"
              "abc  x\n"
              "a    longer title\n");
}

TEST(TerminalTest, WidthsCountCharactersNotBytes) {
    EXPECT_EQ(DisplayWidth("d\xC3\xA9j\xC3\xA0"), 4u);  // "déjà"
    const std::string table = FormatTable({{"d\xC3\xA9j\xC3\xA0", "|"}, {"abcde", "|"}});
    EXPECT_EQ(table, "d\xC3\xA9j\xC3\xA0   |\nabcde  |\n");
}

TEST(TerminalTest, LongCellsAreCutWithAnEllipsis) {
    const std::string table = FormatTable({{"abcdefghij", "z"}}, 5);
    EXPECT_EQ(table, "abcd\xE2\x80\xA6  z\n");
}

TEST(TerminalTest, TrailingBlanksOfEmptyLastCellsAreTrimmed) {
    EXPECT_EQ(FormatTable({{"a", ""}, {"bb", ""}}), "a\nbb\n");
}

}  // namespace
}  // namespace mkt::cli
