#include "registry/store/entry_codec.hpp"

#include <gtest/gtest.h>

#include "tests/registry/store/test_entries.hpp"

namespace mkt::store {
namespace {

using testing::FullyPopulatedEntry;
using testing::kT0;
using testing::TestEntry;

struct Decoded {
    EntryMetadata metadata;
    SignerInfo signer;
};

Decoded RoundTrip(const EntryMetadata& m, const SignerInfo& s) {
    Result<std::string> text = EncodeEntryFields(m, s);
    EXPECT_TRUE(text.ok()) << text.status().ToString();
    Decoded out;
    // Start from garbage to prove Decode overwrites every field.
    out.metadata = FullyPopulatedEntry().metadata;
    out.metadata.title = "stale";
    out.signer = FullyPopulatedEntry().signer;
    Status st = DecodeEntryFields(text.ok() ? *text : "", out.metadata, out.signer);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
}

TEST(EntryCodecTest, RoundTripKeepsAFullyPopulatedValue) {
    const Entry e = FullyPopulatedEntry();
    Decoded d = RoundTrip(e.metadata, e.signer);
    EXPECT_EQ(d.metadata, e.metadata);
    EXPECT_EQ(d.signer, e.signer);
}

TEST(EntryCodecTest, RoundTripKeepsEmptyValuesEmptyAndAbsentOptionalsAbsent) {
    Decoded d = RoundTrip(EntryMetadata{}, SignerInfo{});
    EXPECT_EQ(d.metadata, EntryMetadata{});
    EXPECT_EQ(d.signer, SignerInfo{});
    EXPECT_FALSE(d.metadata.deprecated.has_value());
    EXPECT_FALSE(d.metadata.valid.has_value());
    EXPECT_FALSE(d.metadata.serial_number.has_value());
}

TEST(EntryCodecTest, PresentButEmptyOptionalsStayPresent) {
    EntryMetadata m;
    m.deprecated = "";
    m.serial_number = 0;
    m.valid = Timestamp::FromUnixSeconds(0);
    SignerInfo s;
    s.not_before = Timestamp::FromUnixSeconds(-62135596800);  // 0001-01-01
    Decoded d = RoundTrip(m, s);
    EXPECT_EQ(d.metadata, m);
    EXPECT_EQ(d.signer, s);
}

TEST(EntryCodecTest, TypicalEntryEncodesCompactly) {
    const Entry e = TestEntry(1, "jane.tester@example.org", kT0);
    Result<std::string> text = EncodeEntryFields(e.metadata, e.signer);
    ASSERT_TRUE(text.ok());
    // The values alone take about 300 bytes; short keys keep the overhead small.
    EXPECT_LT(text->size(), 500u) << *text;
    EXPECT_EQ(text->find("description"), std::string::npos) << "empty fields are omitted";
}

TEST(EntryCodecTest, EncodeRefusesTextThatIsNotUtf8NamingTheField) {
    const struct {
        std::string bytes;
        bool valid;
    } cases[] = {
        {"plain", true},     {"\xC3\xA9", true},      {"\xF0\x9F\x98\x80", true},  {"\xC3", false},
        {"\xC0\xAF", false}, {"\xED\xA0\x80", false}, {"\xF4\x90\x80\x80", false}, {"\xFF", false},
        {"a\x80", false},
    };
    for (const auto& c : cases) {
        EntryMetadata m;
        m.title = c.bytes;
        Result<std::string> r = EncodeEntryFields(m, SignerInfo{});
        EXPECT_EQ(r.ok(), c.valid) << ::testing::PrintToString(c.bytes);
        if (!r.ok()) {
            EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
            EXPECT_EQ(r.status().message(), "entry field title is not valid UTF-8");
        }
    }
    SignerInfo s;
    s.subject = "\xFF";
    Result<std::string> r = EncodeEntryFields(EntryMetadata{}, s);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("signer subject"), std::string::npos);
    EntryMetadata m;
    m.locations = {"ok", "\xFF"};
    r = EncodeEntryFields(m, SignerInfo{});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("location"), std::string::npos);
}

TEST(EntryCodecTest, DecodeRefusesTextItDidNotWrite) {
    for (const char* text :
         {"", "not json", "[]", "{}", R"({"v":2,"ec":0})", R"({"v":0,"ec":0})", R"({"v":1})",
          R"({"v":1,"ec":"yesterday"})", R"({"v":1,"ec":0,"ck":[["MD5"]]})",
          R"({"v":1,"ec":0,"s":{"tm":"lenient"}})", R"({"v":1,"ec":0,"lo":"not a list"})"}) {
        EntryMetadata m;
        SignerInfo s;
        Status st = DecodeEntryFields(text, m, s);
        EXPECT_EQ(st.code(), StatusCode::kInternal) << text;
        EXPECT_NE(st.message().find("stored entry fields are corrupt"), std::string::npos)
            << text << ": " << st.message();
    }
}

}  // namespace
}  // namespace mkt::store
