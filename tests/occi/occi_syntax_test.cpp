// The OCCI text syntax: the variants clients send (reference occi.md 3.2 and the
// section 7 checklist) and the malformed input that must be refused.
#include <gtest/gtest.h>

#include "occi/syntax.hpp"

namespace mkt::occi {
namespace {

constexpr const char* kCompute =
    "compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"";

TEST(OcciSyntaxTest, CategoryParsesEveryParameter) {
    auto c = ParseCategory(
        "os_tpl; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"mixin\"; "
        "title=\"operating system template\"; rel=\"http://x/y#z\"; location=\"/mixin/os_tpl/\"; "
        "attributes=\"a.b{immutable} c\"; actions=\"http://a#b\"");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->TypeId(), "http://schemas.ogf.org/occi/infrastructure#os_tpl");
    EXPECT_EQ(c->cls, "mixin");
    EXPECT_EQ(c->title, "operating system template");
    EXPECT_EQ(c->rel, "http://x/y#z");
    EXPECT_EQ(c->location, "/mixin/os_tpl/");
    EXPECT_EQ(c->attributes, "a.b{immutable} c");
    EXPECT_EQ(c->actions, "http://a#b");
}

TEST(OcciSyntaxTest, CategoryToleratesTrailingSemicolonUnquotedClassAndNoSpaces) {
    auto c = ParseCategory("compute;scheme=\"http://s#\";class=kind;");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->TypeId(), "http://s#compute");
    EXPECT_EQ(c->cls, "kind");
}

TEST(OcciSyntaxTest, CategoryWithoutSchemeOrClassOrWithBadTermIsRefused) {
    EXPECT_EQ(ParseCategory("compute; class=\"kind\"").status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(ParseCategory("compute; scheme=\"http://s#\"").status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(ParseCategory("compute; scheme=\"http://s#\"; class=\"thing\"").status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(ParseCategory("com pute; scheme=\"http://s#\"; class=\"kind\"").status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(ParseCategory("compute; scheme=http://s#; class=\"kind\"").status().code(),
              StatusCode::kInvalidArgument);
    const Status unterminated = ParseCategory("compute; scheme=\"http://s#; class=\"kind").status();
    EXPECT_EQ(unterminated.code(), StatusCode::kInvalidArgument);
}

TEST(OcciSyntaxTest, CommaSeparatedValuesDoNotSplitInsideQuotes) {
    auto values = SplitValues(std::string(kCompute) + ", x; scheme=\"http://a,b#\"; class=mixin");
    ASSERT_TRUE(values.ok());
    ASSERT_EQ(values->size(), 2u);
    EXPECT_NE((*values)[1].find("http://a,b#"), std::string::npos);
}

TEST(OcciSyntaxTest, TheComplianceEscapingTestKeepsTheFirstValue) {
    // test_occi_11.py: memory must stay 3.6 although the title contains `", occi...=1.0`.
    auto m = ParseHeaders({{"X-OCCI-Attribute",
                            "occi.compute.memory=3.6, occi.core.title=\"How's your quotes "
                            "escaping? \\\", occi.compute.memory=1.0\""}});
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    ASSERT_EQ(m->attributes.size(), 2u);
    EXPECT_EQ(m->attributes[0].name, "occi.compute.memory");
    EXPECT_EQ(m->attributes[0].value.text, "3.6");
    EXPECT_EQ(m->attributes[0].value.type, AttributeValue::Type::kNumber);
    EXPECT_EQ(m->attributes[1].value.text,
              "How's your quotes escaping? \", occi.compute.memory=1.0");
}

TEST(OcciSyntaxTest, AttributeValuesAreStringsNumbersOrBooleans) {
    EXPECT_EQ(ParseAttribute("a.b=true")->value.type, AttributeValue::Type::kBool);
    EXPECT_EQ(ParseAttribute("a.b=\"true\"")->value.type, AttributeValue::Type::kString);
    EXPECT_EQ(ParseAttribute("a.b=-1.5")->value.type, AttributeValue::Type::kNumber);
    EXPECT_EQ(ParseAttribute("a.b=\"x\\\\y\"")->value.text, "x\\y");
    EXPECT_EQ(ParseAttribute("a.b=\"line\\nnext\"")->value.text, "line\nnext");
    EXPECT_EQ(ParseAttribute("a.b=bare").status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ParseAttribute("a.b").status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ParseAttribute("a b=1").status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ParseAttribute("a.b=\"open").status().code(), StatusCode::kInvalidArgument);
}

TEST(OcciSyntaxTest, QuoteAndParseAreInverse) {
    const std::string value = "a \"quoted\" \\ back\tslash\nnew line, and; more";
    auto a = ParseAttribute("x.y=" + Quote(value));
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ(a->value.text, value);
    EXPECT_EQ(Quote(value).find('\n'), std::string::npos);
}

TEST(OcciSyntaxTest, LinkParsesTargetRelSelfCategoryAndAttributes) {
    auto l = ParseLink(
        "</storage/1>; rel=\"http://schemas.ogf.org/occi/infrastructure#storage\"; "
        "self=\"/link/1\"; category=\"http://schemas.ogf.org/occi/infrastructure#storagelink\"; "
        "occi.core.target=\"/storage/1\";occi.storagelink.deviceid=\"/dev/vdb\"");
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    EXPECT_EQ(l->target, "/storage/1");
    EXPECT_EQ(l->rel, "http://schemas.ogf.org/occi/infrastructure#storage");
    EXPECT_EQ(l->self, "/link/1");
    EXPECT_EQ(l->category, "http://schemas.ogf.org/occi/infrastructure#storagelink");
    ASSERT_EQ(l->attributes.size(), 2u);
    EXPECT_EQ(l->attributes[1].value.text, "/dev/vdb");
    EXPECT_EQ(ParseLink("/storage/1; rel=\"x\"").status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ParseLink("</storage/1>; self=\"x\"").status().code(), StatusCode::kInvalidArgument);
}

TEST(OcciSyntaxTest, BodyLinesAndHeadersGiveTheSameMessage) {
    const std::string body = std::string("Category: ") + kCompute +
                             "\n\ncategory: x; scheme=\"http://a#\"; class=\"mixin\"\r\n"
                             "X-OCCI-Attribute: occi.core.title=\"t\"\n"
                             "X-OCCI-Location: http://h/compute/1, http://h/compute/2\n";
    auto from_body = ParseBody(body);
    ASSERT_TRUE(from_body.ok()) << from_body.status().ToString();
    auto from_headers = ParseHeaders(
        {{"Accept", "text/plain"},
         {"X-OCCI-Category", std::string(kCompute) + ", x; scheme=\"http://a#\"; class=\"mixin\""},
         {"x-occi-attribute", "occi.core.title=\"t\""},
         {"X-OCCI-Location", "http://h/compute/1"},
         {"X-OCCI-Location", "http://h/compute/2"}});
    ASSERT_TRUE(from_headers.ok()) << from_headers.status().ToString();
    for (const Message* m : {&*from_body, &*from_headers}) {
        ASSERT_EQ(m->categories.size(), 2u);
        EXPECT_EQ(m->categories[1].TypeId(), "http://a#x");
        ASSERT_EQ(m->attributes.size(), 1u);
        EXPECT_EQ(m->locations,
                  (std::vector<std::string>{"http://h/compute/1", "http://h/compute/2"}));
    }
}

TEST(OcciSyntaxTest, BodyLineThatIsNotAnOcciFieldIsRefusedWithItsNumber) {
    auto m = ParseBody(std::string("Category: ") + kCompute + "\nHello world\n");
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(m.status().message().find("line 2"), std::string::npos) << m.status().message();
    EXPECT_FALSE(ParseBody("Category: broken").ok());
}

TEST(OcciSyntaxTest, Occi11TermGrammar) {
    EXPECT_TRUE(IsOcci11Term("sha1_0a1b"));
    EXPECT_TRUE(IsOcci11Term("os_tpl"));
    EXPECT_FALSE(IsOcci11Term("1abc"));
    EXPECT_FALSE(IsOcci11Term("Abc"));
    EXPECT_FALSE(IsOcci11Term("a.b"));
    EXPECT_FALSE(IsOcci11Term(""));
}

}  // namespace
}  // namespace mkt::occi
