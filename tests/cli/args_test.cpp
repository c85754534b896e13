// ArgParser: the option syntax every sub-command shares.
#include "cli/args.hpp"

#include <gtest/gtest.h>

namespace mkt::cli {
namespace {

ArgParser Parser() {
    return ArgParser("demo FILE [options]", "A demonstration.",
                     {{"output", "FILE", "where to write", false, 'o'},
                      {"tag", "TAG", "a tag", true},
                      {"json", "", "JSON output"}});
}

TEST(ArgParserTest, AcceptsSeparateAndInlineValues) {
    auto parsed = Parser().Parse({"--output", "a.xml", "--tag=x", "in.xml"});
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->Get("output"), "a.xml");
    EXPECT_EQ(parsed->Get("tag"), "x");
    EXPECT_EQ(parsed->positional(), std::vector<std::string>{"in.xml"});
    EXPECT_FALSE(parsed->Has("json"));
}

TEST(ArgParserTest, ShortAliasesTakeTheirValueFromTheNextArgument) {
    auto parsed = Parser().Parse({"-o", "-", "x"});
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->Get("output"), "-");
}

TEST(ArgParserTest, RepeatableOptionsKeepEveryValueInOrder) {
    auto parsed = Parser().Parse({"--tag", "a", "--tag", "b"});
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->All("tag"), (std::vector<std::string>{"a", "b"}));
}

TEST(ArgParserTest, RefusesAnOptionGivenTwiceUnlessRepeatable) {
    auto parsed = Parser().Parse({"-o", "a", "--output", "b"});
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().message(), "option --output given twice");
}

TEST(ArgParserTest, NamesTheUnknownOption) {
    auto parsed = Parser().Parse({"--outptu=x"});
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), "unknown option --outptu");
    EXPECT_EQ(Parser().Parse({"-z"}).status().message(), "unknown option -z");
}

TEST(ArgParserTest, NamesTheOptionWhoseValueIsMissing) {
    auto parsed = Parser().Parse({"in.xml", "--output"});
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().message(), "option --output needs a value (FILE)");
}

TEST(ArgParserTest, FlagsRefuseAValue) {
    EXPECT_EQ(Parser().Parse({"--json=yes"}).status().message(), "option --json takes no value");
}

TEST(ArgParserTest, DoubleDashMakesTheRestPositional) {
    auto parsed = Parser().Parse({"--", "--json", "-"});
    ASSERT_TRUE(parsed.ok());
    EXPECT_FALSE(parsed->Has("json"));
    EXPECT_EQ(parsed->positional(), (std::vector<std::string>{"--json", "-"}));
}

TEST(ArgParserTest, HelpIsAlwaysAccepted) {
    auto parsed = Parser().Parse({"-h"});
    ASSERT_TRUE(parsed.ok());
    EXPECT_TRUE(ArgParser::WantsHelp(*parsed));
}

TEST(ArgParserTest, HelpShowsUsageDescriptionAndEveryOption) {
    const std::string help = Parser().Help();
    EXPECT_EQ(help.rfind("usage: marketplace demo FILE [options]\n\nA demonstration.\n", 0), 0u)
        << help;
    EXPECT_NE(help.find("-o, --output FILE"), std::string::npos) << help;
    EXPECT_NE(help.find("a tag (repeatable)"), std::string::npos) << help;
    EXPECT_NE(help.find("--json"), std::string::npos) << help;
    EXPECT_NE(help.find("-h, --help"), std::string::npos) << help;
}

TEST(ArgParserTest, ParseUntilPositionalLeavesTheSubCommandAndItsArguments) {
    std::vector<std::string> rest;
    auto parsed =
        Parser().ParseUntilPositional({"--json", "-o", "x", "sign", "--output", "y", "file"}, rest);
    ASSERT_TRUE(parsed.ok());
    EXPECT_TRUE(parsed->Has("json"));
    EXPECT_EQ(parsed->Get("output"), "x");
    EXPECT_TRUE(parsed->positional().empty());
    EXPECT_EQ(rest, (std::vector<std::string>{"sign", "--output", "y", "file"}));
}

TEST(ArgParserTest, ParseUntilPositionalStopsAfterDoubleDash) {
    std::vector<std::string> rest;
    auto parsed = Parser().ParseUntilPositional({"--", "--json"}, rest);
    ASSERT_TRUE(parsed.ok());
    EXPECT_FALSE(parsed->Has("json"));
    EXPECT_EQ(rest, std::vector<std::string>{"--json"});
}

TEST(ArgParserTest, ParseUntilPositionalStillRefusesUnknownOptions) {
    std::vector<std::string> rest;
    EXPECT_EQ(Parser().ParseUntilPositional({"--bogus", "sign"}, rest).status().message(),
              "unknown option --bogus");
}

}  // namespace
}  // namespace mkt::cli
