// The CIMI $filter engine: the 31 cases of reference cimi.md 7.2 against the
// fixture of 7.1 (through the real query-string decoding and parameter
// parsing), the parser acceptance lists of 4.4, the evaluation rules
// (missing attributes, reversed operands, types) and the input limits.
#include "cimi/filter.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "cimi/image_query.hpp"
#include "cimi/query_params.hpp"
#include "mappers/cimi_render.hpp"
#include "mappers/url.hpp"

namespace mkt::cimi {
namespace {

using mappers::cimi::MachineImage;

constexpr const char* kBase = "https://mp.example.org/";

Timestamp At(const char* text) { return *Timestamp::Parse(text); }

MachineImage Image(std::string id, std::string name, std::string description, std::string state,
                   std::string type, Timestamp created,
                   std::map<std::string, std::string> properties, std::string related = "") {
    MachineImage i;
    i.identifier = id;
    i.id = mappers::cimi::MachineImageId(id, kBase);
    i.name = std::move(name);
    i.description = std::move(description);
    i.state = std::move(state);
    i.type = std::move(type);
    i.created = i.updated = created;
    i.properties = std::move(properties);
    if (!related.empty()) i.related_image = mappers::cimi::MachineImageId(related, kBase);
    return i;
}

// Reference cimi.md 7.1.
std::vector<MachineImage> Fixture() {
    const std::map<std::string, std::string> ubuntu = {{"os", "ubuntu"}, {"arch", "x86_64"}};
    const std::map<std::string, std::string> debian = {{"os", "debian"}, {"arch", "aarch64"}};
    return {
        Image("a", "ubuntu-22.04", "Ubuntu 22.04 LTS", "AVAILABLE", "IMAGE",
              At("2023-01-10T10:00:00Z"), ubuntu),
        Image("b", "ubuntu-20.04", "Ubuntu 20.04 LTS", "AVAILABLE", "IMAGE",
              At("2021-05-03T08:30:00Z"), ubuntu),
        Image("c", "debian-12", "Debian 12", "CREATING", "IMAGE", At("2024-02-01T12:00:00Z"),
              debian),
        Image("d", "debian-12-snap", "Debian snapshot", "AVAILABLE", "SNAPSHOT",
              At("2024-02-29T22:00:00Z"), debian, "c"),
        Image("e", "centos-7", "O'Brien test image", "ERROR", "PARTIAL_SNAPSHOT",
              At("2019-12-31T23:59:59Z"), {}),
    };
}

struct Outcome {
    bool ok = false;
    std::string error;
    uint64_t count = 0;
    std::vector<std::string> ids;  // in result order
    std::vector<MachineImage> images;
};

// Runs a raw (already encoded) query string the way the server does.
Outcome RunQueryString(const std::string& query_string) {
    http::Request request;
    EXPECT_TRUE(http::ParseTarget("/cimi/machineImages?" + query_string, request));
    Outcome out;
    auto params = ParseQueryParams(request);
    if (!params.ok()) {
        out.error = params.status().message();
        return out;
    }
    ImageQueryResult result = QueryImages(Fixture(), params->images);
    out.ok = true;
    out.count = result.count;
    for (const auto& i : result.images) out.ids.push_back(i.identifier);
    out.images = std::move(result.images);
    return out;
}

std::string Encoded(const std::string& filter) {
    return "%24filter=" + mappers::PercentEncode(filter, false);
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

struct Case {
    int number;
    std::string query;                  // encoded query string
    std::vector<std::string> expected;  // sorted ids; ignored when `invalid`
    bool invalid = false;
};

std::vector<Case> ReferenceCases() {
    const std::string c_id = mappers::cimi::MachineImageId("c", kBase);
    return {
        {1, Encoded("state='AVAILABLE'"), {"a", "b", "d"}},
        {2, Encoded("state=\"AVAILABLE\""), {"a", "b", "d"}},
        {3, Encoded("'AVAILABLE'=state"), {"a", "b", "d"}},
        {4, Encoded("state!='AVAILABLE'"), {"c", "e"}},
        {5, Encoded("type='IMAGE' and state='AVAILABLE'"), {"a", "b"}},
        {6, Encoded("type='SNAPSHOT' or type='PARTIAL_SNAPSHOT'"), {"d", "e"}},
        {7, Encoded("state='ERROR' or state='CREATING' and type='IMAGE'"), {"c", "e"}},
        {8, Encoded("(state='ERROR' or state='CREATING') and type='IMAGE'"), {"c"}},
        {9, Encoded("created>2023-01-01T00:00:00Z"), {"a", "c", "d"}},
        {10, Encoded("created<=2021-05-03T08:30:00Z"), {"b", "e"}},
        {11, Encoded("created=2024-02-29T22:00:00Z"), {"d"}},
        {12, Encoded("2024-01-01<created"), {"c", "d"}},
        {13, Encoded("created>2024-01-01"), {"c", "d"}},
        {14, Encoded("name<'debian-2'"), {"c", "d", "e"}},
        {15, Encoded("property['os']='ubuntu'"), {"a", "b"}},
        {16, Encoded("property[\"arch\"]='aarch64' and type='SNAPSHOT'"), {"d"}},
        {17, Encoded("property['os']!='ubuntu'"), {"c", "d", "e"}},
        {18, Encoded("description='O\\'Brien test image'"), {"e"}},
        {19, Encoded("state='available'"), {}},
        {20, Encoded("relatedImage/href='" + c_id + "'"), {"d"}},
        {21, Encoded("noSuchAttr='x'"), {}},
        {22, Encoded("  state = 'AVAILABLE'   and   type='IMAGE' "), {"a", "b"}},
        {23,
         Encoded("state='AVAILABLE'") + "&$filter=" + mappers::PercentEncode("type='IMAGE'", false),
         {"a", "b"}},
        {24, Encoded("state=AVAILABLE"), {}, true},
        {25, Encoded("state='AVAILABLE' and"), {}, true},
        {26, Encoded("()"), {}, true},
        {27, Encoded("state='AVAILABLE' && type='IMAGE'"), {}, true},
        {28, Encoded("state='AVAILABLE' AND type='IMAGE'"), {}, true},
        // A literal '+' in a query string decodes to a space: the zone is lost.
        {29, "$filter=created>2024-01-01T00:00:00+01:00", {}, true},
    };
}

TEST(CimiFilterReference, EveryFilterCaseOfTheReferenceGivesExactlyTheExpectedImages) {
    for (const Case& c : ReferenceCases()) {
        SCOPED_TRACE("case " + std::to_string(c.number) + ": " + c.query);
        Outcome out = RunQueryString(c.query);
        if (c.invalid) {
            EXPECT_FALSE(out.ok);
            EXPECT_NE(out.error.find("invalid CIMI filter"), std::string::npos) << out.error;
            continue;
        }
        ASSERT_TRUE(out.ok) << out.error;
        EXPECT_EQ(Sorted(out.ids), c.expected);
        EXPECT_EQ(out.count, c.expected.size());
    }
}

TEST(CimiFilterReference, Case29WithTheOffsetPercentEncodedMatchesAcrossZones) {
    Outcome out = RunQueryString(Encoded("created>2024-01-01T00:00:00+01:00"));
    ASSERT_TRUE(out.ok) << out.error;
    EXPECT_EQ(Sorted(out.ids), (std::vector<std::string>{"c", "d"}));
}

TEST(CimiFilterReference, Case30OrdersThenPagesWithCountBeforePaging) {
    Outcome out =
        RunQueryString(Encoded("type='IMAGE'") + "&$orderby=created:desc&$first=2&$last=3");
    ASSERT_TRUE(out.ok) << out.error;
    EXPECT_EQ(out.ids, (std::vector<std::string>{"a", "b"}));  // order c, a, b
    EXPECT_EQ(out.count, 3u);
}

TEST(CimiFilterReference, Case31SelectKeepsOnlyTheNamedAttributesPlusIdAndResourceUri) {
    Outcome out = RunQueryString(Encoded("state='AVAILABLE'") + "&$select=name");
    ASSERT_TRUE(out.ok) << out.error;
    EXPECT_EQ(Sorted(out.ids), (std::vector<std::string>{"a", "b", "d"}));
    http::Request request;
    ASSERT_TRUE(http::ParseTarget("/cimi/machineImages?$select=name", request));
    auto params = ParseQueryParams(request);
    ASSERT_TRUE(params.ok());
    mappers::cimi::ImageCollection collection{out.count, {}};
    for (auto& i : out.images) collection.items.push_back({i, std::nullopt});
    const std::string json = mappers::cimi::CollectionToJson(
        collection, params->select, {"http://schemas.dmtf.org/cimi/1", kBase});
    for (const char* absent : {"\"description\"", "\"state\"", "\"created\"", "\"type\""})
        EXPECT_EQ(json.find(absent), std::string::npos) << absent << " in " << json;
    for (const char* kept : {"\"name\"", "\"id\"", "\"resourceURI\""})
        EXPECT_NE(json.find(kept), std::string::npos) << kept;
}

TEST(CimiFilterReference, NoMatchGivesCountZeroAndNoMachineImagesKey) {
    Outcome out = RunQueryString(Encoded("state='available'"));
    ASSERT_TRUE(out.ok);
    const std::string json = mappers::cimi::CollectionToJson(
        {out.count, {}}, {}, {"http://schemas.dmtf.org/cimi/1", kBase});
    EXPECT_NE(json.find("\"count\": 0"), std::string::npos) << json;
    EXPECT_EQ(json.find("machineImages\":"), std::string::npos) << json;
}

TEST(CimiFilterPaging, FirstAndLastAreOneBasedInclusiveAndFirstAfterLastGivesNone) {
    // Default order: newest created first: d, c, a, b, e.
    EXPECT_EQ(RunQueryString("$first=3&$last=4").ids, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(RunQueryString("$first=3").ids, (std::vector<std::string>{"a", "b", "e"}));
    EXPECT_EQ(RunQueryString("$last=2").ids, (std::vector<std::string>{"d", "c"}));
    Outcome none = RunQueryString("$first=4&$last=2");
    EXPECT_TRUE(none.ok && none.ids.empty());
    EXPECT_EQ(none.count, 5u);
    EXPECT_FALSE(RunQueryString("$first=0").ok);
    EXPECT_FALSE(RunQueryString("$last=two").ok);
}

TEST(CimiFilterOrder, OrderByAttributesWithDirectionsAndIdBreakingTies) {
    EXPECT_EQ(RunQueryString("$orderby=name").ids,
              (std::vector<std::string>{"e", "c", "d", "b", "a"}));
    EXPECT_EQ(RunQueryString("$orderby=type:desc,name:asc").ids,
              (std::vector<std::string>{"d", "e", "c", "b", "a"}));
    EXPECT_EQ(RunQueryString("$orderby=state,id:desc").ids,
              (std::vector<std::string>{"d", "b", "a", "c", "e"}));
    // relatedImage is missing on most: missing values sort last, then id.
    EXPECT_EQ(RunQueryString("$orderby=relatedImage").ids,
              (std::vector<std::string>{"d", "a", "b", "c", "e"}));
    EXPECT_FALSE(RunQueryString("$orderby=nothing").ok);
    EXPECT_FALSE(RunQueryString("$orderby=name:sideways").ok);
}

// ------------------------------------------------------------------ parser lists (4.4)

bool Parses(const std::string& text) { return Filter::Parse(text).ok(); }

TEST(CimiFilterParser, AcceptsTheReferenceValidList) {
    for (const char* f : {"alpha=3", "3=alpha", "alpha=3 and beta=4", "3=alpha and 4=beta",
                          "(alpha=3)", "(3=alpha)", "property['beta']='4'", "property['beta']!='4'",
                          "alpha=3 or beta=4", "alpha=3 and beta=4 or gamma=5 and delta=6",
                          "alpha=3 and (beta=4 or gamma=5) and delta=6", "(a='x')and(b='y')",
                          "a=true", "a!=false"}) {
        EXPECT_TRUE(Parses(f)) << f << ": " << Filter::Parse(f).status().message();
    }
}

TEST(CimiFilterParser, RefusesTheReferenceInvalidListNamingTheColumn) {
    for (const char* f : {"", "()", "alpha=beta", "alpha=3.2", "alpha&&4", "property[beta]='4'",
                          "property['beta']=4", "4=property['beta']", "alpha=", "=3", "alpha=3 or",
                          "(alpha=3", "alpha=3)", "alpha=TRUE", "alpha=3 xor b=4"}) {
        auto r = Filter::Parse(f);
        ASSERT_FALSE(r.ok()) << f;
        EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
        EXPECT_NE(r.status().message().find("column"), std::string::npos) << r.status().message();
    }
}

TEST(CimiFilterParser, StringsTakeEitherQuoteAndBackslashEscapes) {
    for (const char* f : {"a=''", "a='a'", "a='\\'a'", "a='a\\''", "a=\"\"", "a=\"a\"",
                          "a=\"\\\"a\"", "a=\"a\\\"\""}) {
        EXPECT_TRUE(Parses(f)) << f;
    }
    auto f = Filter::Parse("a='O\\'Brien \\\\ \"x\"'");
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(std::get<std::string>(f->root().comparison.literal), "O'Brien \\ \"x\"");
    EXPECT_FALSE(Parses("a='unterminated"));
}

TEST(CimiFilterParser, DatesFollowTheReferenceLists) {
    for (const char* d : {"2012-01-02", "2012-01-02T13:14:25Z", "2012-01-02T13:14:25.6Z",
                          "2012-01-02T13:14:25-01:15", "2012-01-02T13:14:25.6+02:30"}) {
        EXPECT_TRUE(Parses(std::string("a>") + d)) << d;
        EXPECT_TRUE(ParseDateLiteral(d).ok()) << d;
    }
    for (const char* d :
         {"2012-01-99T13:14:25.6ZZ", "2012-01-02T13:14:25.6Q", "2012-01:02T25:14:25.6-01:15",
          "2012-01-02T13:14:25.6+02-30", "2012-02-30", "2012-01-02T13:14:25", "2012-13-01"}) {
        EXPECT_FALSE(Parses(std::string("a>") + d)) << d;
    }
    auto f = Filter::Parse("a>2012");  // an integer, not a date
    ASSERT_TRUE(f.ok());
    EXPECT_TRUE(std::holds_alternative<int64_t>(f->root().comparison.literal));
    EXPECT_EQ(*ParseDateLiteral("2024-03-01T00:00:00+02:00"),
              (DateTime{At("2024-02-29T22:00:00Z").unix_seconds(), 0}));
    EXPECT_EQ(ParseDateLiteral("2012-01-02T13:14:25.6Z")->nanos, 600000000);
}

TEST(CimiFilterParser, AttributeNamesAndPathsFollowTheReferenceLists) {
    for (const char* a : {"a", "alpha123", "a1/b2/c3", "snake_case"})
        EXPECT_TRUE(Parses(std::string(a) + "=1")) << a;
    for (const char* a : {"1a", "a1/", "/a1", "a/1"})
        EXPECT_FALSE(Parses(std::string(a) + "=1")) << a;
}

TEST(CimiFilterParser, AndBindsTighterThanOrAndReversedOperandsAreFlipped) {
    auto f = Filter::Parse("a=1 or b=2 and c=3");
    ASSERT_TRUE(f.ok());
    ASSERT_EQ(f->root().kind, Node::Kind::kOr);
    EXPECT_EQ(f->root().children[1].kind, Node::Kind::kAnd);
    const std::pair<const char*, Op> flips[] = {{"3<a", Op::kGt}, {"3<=a", Op::kGe},
                                                {"3>a", Op::kLt}, {"3>=a", Op::kLe},
                                                {"3=a", Op::kEq}, {"3!=a", Op::kNe}};
    for (const auto& [text, op] : flips) {
        auto r = Filter::Parse(text);
        ASSERT_TRUE(r.ok()) << text;
        EXPECT_EQ(r->root().comparison.attribute, "a");
        EXPECT_EQ(r->root().comparison.op, op) << text;
    }
}

// ------------------------------------------------------------------ evaluation

class MapTarget : public FilterTarget {
  public:
    std::map<std::string, Value> attributes;
    std::map<std::string, std::string> properties;
    std::optional<Value> Attribute(std::string_view path) const override {
        auto it = attributes.find(std::string(path));
        return it == attributes.end() ? std::nullopt : std::optional<Value>(it->second);
    }
    std::optional<std::string_view> Property(std::string_view key) const override {
        auto it = properties.find(std::string(key));
        return it == properties.end() ? std::nullopt : std::optional<std::string_view>(it->second);
    }
};

bool Eval(const std::string& text, const MapTarget& target) {
    auto f = Filter::Parse(text);
    EXPECT_TRUE(f.ok()) << text << ": " << f.status().message();
    return f.ok() && f->Matches(target);
}

TEST(CimiFilterEvaluation, MissingAttributeIsFalseForEqualsTrueForNotEqualsFalseForRelations) {
    MapTarget t;
    EXPECT_FALSE(Eval("missing='x'", t));
    EXPECT_TRUE(Eval("missing!='x'", t));
    EXPECT_FALSE(Eval("missing<'x'", t));
    EXPECT_FALSE(Eval("missing>='x'", t));
    EXPECT_FALSE(Eval("property['k']='x'", t));
    EXPECT_TRUE(Eval("property['k']!='x'", t));
}

TEST(CimiFilterEvaluation, IntsCompareNumericallyStringsByCodePointBooleansByEquality) {
    MapTarget t;
    t.attributes = {{"cpu", Value(int64_t{10})},
                    {"s", Value(std::string("Zeta"))},
                    {"u", Value(std::string("\xc3\xa9t\xc3\xa9"))},
                    {"on", Value(true)}};
    EXPECT_TRUE(Eval("cpu>9", t));  // numerically, not as text ("10" < "9")
    EXPECT_TRUE(Eval("5<cpu", t));
    EXPECT_FALSE(Eval("cpu<=9", t));
    EXPECT_TRUE(Eval("s<'alpha'", t));  // 'Z' (0x5A) before 'a' (0x61): case-sensitive
    EXPECT_FALSE(Eval("s='zeta'", t));
    EXPECT_TRUE(Eval("u>'z'", t));  // U+00E9 after every ASCII letter
    EXPECT_TRUE(Eval("on=true", t));
    EXPECT_TRUE(Eval("on!=false", t));
    EXPECT_FALSE(Eval("cpu='10'", t));  // unbound type mismatch: never equal
    EXPECT_TRUE(Eval("cpu!='10'", t));
}

TEST(CimiFilterEvaluation, BindConvertsQuotedDatesAndRefusesTypeMismatches) {
    auto f = Filter::Parse("created>'2024-01-01T00:00:00Z'");
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE(f->Bind(&ImageAttributeType).ok());
    EXPECT_TRUE(std::holds_alternative<DateTime>(f->root().comparison.literal));
    for (const char* bad : {"created>'yesterday'", "name=3", "created=true", "name>2024-01-01"}) {
        auto g = Filter::Parse(bad);
        ASSERT_TRUE(g.ok()) << bad;
        Status s = g->Bind(&ImageAttributeType);
        EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
        EXPECT_NE(s.message().find("attribute '"), std::string::npos) << s.message();
    }
}

// ------------------------------------------------------------------ limits

std::string Chain(size_t terms) {
    std::string f;
    for (size_t i = 0; i < terms; ++i)
        f += (i ? " or " : "") + std::string("a=") + std::to_string(i);
    return f;
}

TEST(CimiFilterLimits, InputLengthTermsAndNestingAreBounded) {
    EXPECT_TRUE(Parses(Chain(kMaxFilterTerms)));
    auto many = Filter::Parse(Chain(kMaxFilterTerms + 1));
    ASSERT_FALSE(many.ok());
    EXPECT_NE(many.status().message().find("comparisons"), std::string::npos);
    auto long_input = Filter::Parse("a='" + std::string(kMaxFilterLength, 'x') + "'");
    ASSERT_FALSE(long_input.ok());
    EXPECT_NE(long_input.status().message().find("longer than"), std::string::npos);
    const std::string deep =
        std::string(kMaxFilterDepth + 1, '(') + "a=1" + std::string(kMaxFilterDepth + 1, ')');
    EXPECT_FALSE(Parses(deep));
    EXPECT_TRUE(
        Parses(std::string(kMaxFilterDepth, '(') + "a=1" + std::string(kMaxFilterDepth, ')')));
}

}  // namespace
}  // namespace mkt::cimi
