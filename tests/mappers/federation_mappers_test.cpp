// The change feed page (both directions) and the HEPiX image list JSON.
#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "mappers/change_feed.hpp"
#include "mappers/image_list.hpp"
#include "registry/identifier.hpp"
#include "tests/support/golden.hpp"

namespace mkt {
namespace {

Entry Change(int64_t seq, std::string document) {
    Entry e = testing::ProductionFixtureEntry();
    e.seq = seq;
    e.document = std::move(document);
    return e;
}

TEST(ChangeFeedTest, APageReadsBackAsItWasWrittenWithTheDocumentsByteForByte) {
    const std::string not_utf8 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><x>\xE9</x>";
    const std::vector<Entry> changes = {Change(7, "<a>\r\n\"quoted\" & \\ </a>"),
                                        Change(9, not_utf8)};
    const std::string json = mappers::ChangesToJson(changes, 12);
    EXPECT_NE(json.find("\"document_base64\""), std::string::npos);
    auto page = mappers::ParseChangesJson(json, 6);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_EQ(page->last_seq, 12);
    ASSERT_EQ(page->changes.size(), 2u);
    EXPECT_EQ(page->changes[0].seq, 7);
    EXPECT_EQ(page->changes[0].document, changes[0].document);
    EXPECT_EQ(page->changes[1].document, not_utf8);
    EXPECT_EQ(page->changes[0].identifier, changes[0].key.identifier);
    EXPECT_EQ(page->changes[0].created, changes[0].key.created.ToString());
}

TEST(ChangeFeedTest, TheXmlFormEscapesTheDocumentSoAParserGetsItBack) {
    const std::string xml = mappers::ChangesToXml({Change(3, "<a b=\"1\">&amp;\r</a>")}, 3);
    EXPECT_NE(xml.find("<changes last_seq=\"3\">"), std::string::npos);
    EXPECT_NE(xml.find("<document>&lt;a b=&quot;1&quot;&gt;&amp;amp;&#13;&lt;/a&gt;</document>"),
              std::string::npos)
        << xml;
}

TEST(ChangeFeedTest, GarbagePagesAreRefusedNamingWhatIsWrong) {
    const std::pair<const char*, const char*> cases[] = {
        {"<html>", "the body is not JSON"},
        {"[]", "not a JSON object"},
        {R"({"last_seq": 1})", "no \"changes\" array"},
        {R"({"changes": []})", "no integer \"last_seq\""},
        {R"({"changes": [1], "last_seq": 1})", "change 0 is not an object"},
        {R"({"changes": [{"seq": "1"}], "last_seq": 1})", "no integer \"seq\""},
        {R"({"changes": [{"seq": 5, "identifier": "i", "email": "e", "created": "c",
             "document": "d"}, {"seq": 5}], "last_seq": 9})",
         "seq 5 of change 1 does not follow 5"},
        {R"({"changes": [{"seq": 2}], "last_seq": 9})", "seq 2 of change 0 does not follow 3"},
        {R"({"changes": [{"seq": 4, "identifier": "i", "email": "e", "created": "c"}],
             "last_seq": 9})",
         "no string \"document_base64\""},
        {R"({"changes": [{"seq": 4, "identifier": "i", "email": "e", "created": "c",
             "document_base64": "!!"}], "last_seq": 9})",
         "not base64"},
        {R"({"changes": [{"seq": 4, "identifier": "i", "email": "e", "created": "c",
             "document": "d"}], "last_seq": 2})",
         "last_seq 2 is below the page's greatest seq 4"},
    };
    for (const auto& [body, message] : cases) {
        auto page = mappers::ParseChangesJson(body, 3);
        ASSERT_FALSE(page.ok()) << body;
        EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument);
        EXPECT_NE(page.status().message().find(message), std::string::npos)
            << body << " -> " << page.status().message();
    }
}

TEST(ImageListTest, ImagesGetStableVersion5UuidsFromTheirSha1) {
    const std::string id = *identifier::FromSha1Hex("972a1a11f19934401291cc99117ec614933374ce");
    EXPECT_EQ(mappers::ImageUuid(id), "972a1a11-f199-5440-9291-cc99117ec614");
    EXPECT_EQ(mappers::ImageUuid("not an identifier"), "");
}

TEST(ImageListTest, TheListHasEveryFieldSubscribersReadInCanonicalLineEnds) {
    mappers::ImageListHeader header{"6c1f0b52-8a9e-4f3c-9d2a-0123456789ab",
                                    "T",
                                    "D",
                                    "https://site.example/",
                                    "https://mp.example/imagelists/egi",
                                    "42",
                                    Timestamp::FromUnixSeconds(1700000000),
                                    Timestamp::FromUnixSeconds(1700086400),
                                    "Marketplace",
                                    "/C=EU/CN=Marketplace",
                                    "/C=EU/CN=CA",
                                    "mp@example.org"};
    Entry e = testing::ProductionFixtureEntry();
    const std::string text = mappers::ImageListJson(header, {e}, "https://mp.example/");
    EXPECT_EQ(text.find('\n'), text.find("\r\n") + 1);  // every LF follows a CR
    std::string lf;
    for (char c : text)
        if (c != '\r') lf.push_back(c);
    const auto list = nlohmann::json::parse(lf)["hv:imagelist"];
    EXPECT_EQ(list["dc:date:created"], "2023-11-14T22:13:20Z");
    EXPECT_EQ(list["dc:date:expires"], "2023-11-15T22:13:20Z");
    EXPECT_EQ(list["hv:endorser"]["hv:x509"]["hv:dn"], "/C=EU/CN=Marketplace");
    const auto image = list["hv:images"][0]["hv:image"];
    EXPECT_EQ(image["dc:identifier"], mappers::ImageUuid(e.key.identifier));
    EXPECT_EQ(image["hv:size"], e.metadata.bytes);
    EXPECT_EQ(image["sl:os"], e.metadata.os);
    EXPECT_EQ(image["hv:uri"], e.metadata.locations.front());
    EXPECT_EQ(image["ad:mpuri"].get<std::string>().rfind("https://mp.example/metadata/", 0), 0u);
}

}  // namespace
}  // namespace mkt
