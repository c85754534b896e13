// MarketplaceClient against the real server (TestServer: SQLite, strict trust,
// test PKI) over loopback HTTP.
#include "client/marketplace_client.hpp"
#include "mappers/url.hpp"

#include <gtest/gtest.h>

#include "tests/support/documents.hpp"
#include "tests/support/test_server.hpp"

namespace mkt::client {
namespace {

using testing::DocumentSpec;
using testing::SignedDocument;

class MarketplaceClientTest : public ::testing::Test {
  protected:
    testing::TestServer server_;
    Timestamp now_ = server_.clock().Now();
    MarketplaceClient client_{server_.url(), ClientOptions{}};

    EntryKey Upload(const DocumentSpec& spec, const std::string& who = "alice", int64_t age = 0) {
        auto r = client_.Upload(SignedDocument(who, spec, now_ - age));
        EXPECT_TRUE(r.ok()) << r.status().ToString();
        return r.ok() ? r->key : EntryKey{};
    }
};

TEST_F(MarketplaceClientTest, UploadAnswersWithTheEntryUrlAndKey) {
    const std::string doc = SignedDocument("alice", {.image = "u1"}, now_);
    auto first = client_.Upload(doc);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_TRUE(first->created);
    const EntryKey key{testing::IdentifierOf("u1"), "alice@example.org", now_};
    EXPECT_EQ(first->key, key);
    EXPECT_EQ(first->url, server_.url("metadata/" + key.ToPath()));
    EXPECT_EQ(first->url, client_.EntryUrl(key));
    EXPECT_EQ(first->status, "valid");
    EXPECT_EQ(first->trust_mode, "strict");
    EXPECT_GT(first->seq, 0);

    auto again = client_.Upload(doc);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_FALSE(again->created);
    EXPECT_EQ(again->url, first->url);
}

TEST_F(MarketplaceClientTest, RefusalsCarryTheServersMessageVerbatim) {
    Upload({.image = "series"});
    auto older = client_.Upload(SignedDocument("alice", {.image = "series"}, now_ - 60));
    ASSERT_FALSE(older.ok());
    EXPECT_EQ(older.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(older.status().message(),
              "server refused the upload (HTTP 400): older than latest entry: this endorser's "
              "latest entry for " +
                  testing::IdentifierOf("series") + " was created " + now_.ToString() +
                  ", this one " + (now_ - 60).ToString());

    auto revoked = client_.Upload(SignedDocument("revoked", {.image = "r"}, now_));
    ASSERT_FALSE(revoked.ok());
    EXPECT_EQ(revoked.status().code(), StatusCode::kPermissionDenied);
    EXPECT_NE(revoked.status().message().find("(HTTP 403): certificate"), std::string::npos)
        << revoked.status().message();

    auto garbage = client_.Upload("<not-xml");
    EXPECT_NE(garbage.status().message().find("(HTTP 400): unable to parse metadata"),
              std::string::npos)
        << garbage.status().message();
}

TEST_F(MarketplaceClientTest, GetDocumentReturnsTheStoredBytes) {
    const std::string doc = SignedDocument("alice", {.image = "bytes"}, now_);
    auto up = client_.Upload(doc);
    ASSERT_TRUE(up.ok());
    auto got = client_.GetDocument(up->key);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, doc);
}

TEST_F(MarketplaceClientTest, AMissingEntryIsNotFoundWithTheServersMessage) {
    const EntryKey key{testing::IdentifierOf("none"), "alice@example.org", now_};
    auto got = client_.GetDocument(key);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
    EXPECT_EQ(
        got.status().message().rfind("cannot get " + client_.EntryUrl(key) + " (HTTP 404): ", 0),
        0u)
        << got.status().message();
    EXPECT_NE(got.status().message().find("not found"), std::string::npos);
    EXPECT_EQ(client_.GetEntry(key).status().code(), StatusCode::kNotFound);
}

TEST_F(MarketplaceClientTest, GetEntryParsesTheJsonView) {
    const EntryKey key = Upload({.image = "view",
                                 .os = "debian",
                                 .os_version = "12",
                                 .title = "Debian 12",
                                 .tag = "debian-stable"});
    auto entry = client_.GetEntry(key);
    ASSERT_TRUE(entry.ok()) << entry.status().ToString();
    const EntryMetadata& m = entry->entry.metadata;
    EXPECT_EQ(entry->entry.key, key);
    EXPECT_EQ(entry->status, EntryStatus::kValid);
    EXPECT_EQ(entry->url, client_.EntryUrl(key));
    EXPECT_EQ(m.title, "Debian 12");
    EXPECT_EQ(m.os, "debian");
    EXPECT_EQ(m.os_version, "12");
    EXPECT_EQ(m.tag, "debian-stable");
    EXPECT_EQ(m.bytes, 4u);
    EXPECT_EQ(m.ChecksumValue("SHA-1").size(), 40u);
    EXPECT_EQ(m.locations, std::vector<std::string>{"https://images.example.org/test.img"});
    EXPECT_EQ(m.valid, now_ + 365 * 86400);
    EXPECT_FALSE(m.deprecated);
    EXPECT_EQ(m.endorsement.subject, "CN=Alice Endorser,OU=Endorsers,O=Marketplace Test,C=EU");
    EXPECT_EQ(entry->entry.signer.trust_mode, TrustMode::kStrict);
    EXPECT_EQ(entry->entry.signer.email_binding, "san");
    EXPECT_NE(entry->json.find("\"identifier\":\"" + key.identifier + "\""), std::string::npos);
}

TEST_F(MarketplaceClientTest, ListingsFilterAndPageWithCursors) {
    Upload({.image = "p1", .os = "debian"}, "alice", 3);
    Upload({.image = "p2", .os = "debian"}, "alice", 2);
    Upload({.image = "p3", .os = "ubuntu"}, "alice", 1);
    ListingQuery query;
    query.limit = 2;
    auto first = client_.List(query);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_EQ(first->total, 3u);
    ASSERT_EQ(first->entries.size(), 2u);
    EXPECT_EQ(first->entries[0].entry.key.identifier, testing::IdentifierOf("p3"));  // newest first
    ASSERT_TRUE(first->next_cursor);
    query.cursor = first->next_cursor;
    auto second = client_.List(query);
    ASSERT_TRUE(second.ok()) << second.status().ToString();
    ASSERT_EQ(second->entries.size(), 1u);
    EXPECT_EQ(second->entries[0].entry.key.identifier, testing::IdentifierOf("p1"));
    EXPECT_FALSE(second->next_cursor);

    ListingQuery debian;
    debian.os = "DEBIAN";
    auto filtered = client_.List(debian);
    ASSERT_TRUE(filtered.ok());
    EXPECT_EQ(filtered->total, 2u);
}

TEST_F(MarketplaceClientTest, ListingsSeeDeprecatedEntriesOnlyWhenAsked) {
    Upload({.image = "dep"}, "alice", 5);
    Upload({.image = "dep", .deprecated = "broken"}, "alice", 1);
    ListingQuery query;
    query.identifier = testing::IdentifierOf("dep");
    EXPECT_TRUE(client_.List(query)->entries.empty());
    query.status = "deprecated";
    auto page = client_.List(query);
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->entries.size(), 1u);
    EXPECT_EQ(page->entries[0].status, EntryStatus::kDeprecated);
    EXPECT_EQ(page->entries[0].entry.metadata.deprecated, "broken");
}

TEST_F(MarketplaceClientTest, QueryValuesAreEncoded) {
    Upload({.image = "q", .title = "Rock & Roll + more"});
    ListingQuery query;
    query.text = "rock & roll +";
    auto page = client_.List(query);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_EQ(page->entries.size(), 1u);
    EXPECT_EQ(client_.ListingUrl(query), server_.url("metadata?q=rock%20%26%20roll%20%2B"));
}

TEST_F(MarketplaceClientTest, AListingRefusalNamesTheParameter) {
    ListingQuery query;
    query.sort = "size";
    auto page = client_.List(query);
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(page.status().message().find("(HTTP 400): query parameter sort='size'"),
              std::string::npos)
        << page.status().message();
}

TEST_F(MarketplaceClientTest, TheXmlListingHoldsTheSignedOriginals) {
    const std::string doc = SignedDocument("alice", {.image = "xml"}, now_);
    ASSERT_TRUE(client_.Upload(doc).ok());
    ListingQuery query;
    query.identifier = testing::IdentifierOf("xml");
    auto xml = client_.ListXml(query);
    ASSERT_TRUE(xml.ok()) << xml.status().ToString();
    EXPECT_NE(xml->find("<metadata total=\"1\""), std::string::npos) << *xml;
    const std::string without_declaration = doc.substr(doc.find("<rdf:RDF"));
    EXPECT_NE(xml->find(without_declaration.substr(0, without_declaration.find("</rdf:RDF>"))),
              std::string::npos);
}

TEST_F(MarketplaceClientTest, AnUnreachableServerIsUnavailable) {
    MarketplaceClient nowhere("http://127.0.0.1:1/", ClientOptions{});
    EXPECT_EQ(nowhere.endpoint(), "http://127.0.0.1:1");
    auto r = nowhere.List({});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
    EXPECT_EQ(r.status().message().rfind("cannot reach http://127.0.0.1:1/metadata: ", 0), 0u)
        << r.status().message();
}

TEST_F(MarketplaceClientTest, EntryUrlsEncodeEachSegment) {
    MarketplaceClient c("https://mp.example.org/base//", ClientOptions{});
    const EntryKey key{"AAAAAAAAAAAAAAAAAAAAAAAAAAA", "a+b@example.org",
                       *Timestamp::Parse("2024-01-02T03:04:05Z")};
    EXPECT_EQ(c.EntryUrl(key),
              "https://mp.example.org/base/metadata/AAAAAAAAAAAAAAAAAAAAAAAAAAA/"
              "a+b@example.org/2024-01-02T03:04:05Z");
    EXPECT_EQ(mappers::PercentEncode("a b/é", true), "a%20b%2F%C3%A9");
}

}  // namespace
}  // namespace mkt::client
