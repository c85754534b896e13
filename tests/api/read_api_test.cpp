// Reading the registry over real HTTP: listings (filters, status, paging,
// path forms, representations), single entries, endorsers and tags, and the
// protocol behaviour every route shares (405, 406, 404, HEAD, request ids).
#include <set>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "tests/support/documents.hpp"
#include "tests/support/test_server.hpp"

namespace mkt {
namespace {

using nlohmann::json;
using testing::DocumentSpec;
using testing::IdentifierOf;
using testing::SignedDocument;

class ReadApiTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        server_ = new testing::TestServer();
        const Timestamp t = server_->clock().Now();
        t0_ = t;
        auto up = [](const std::string& who, const DocumentSpec& spec, Timestamp at) {
            auto r = server_->Upload(SignedDocument(who, spec, at));
            ASSERT_EQ(r.status, 201) << r.body;
        };
        // ubuntu: alice twice (history), erin once.
        up("alice", {.image = "ubuntu", .title = "Ubuntu old", .tag = "ubuntu-lts"}, t - 100);
        up("alice", {.image = "ubuntu", .title = "Ubuntu 22.04 server", .tag = "ubuntu-lts"},
           t - 50);
        up("erin", {.image = "ubuntu", .title = "Ubuntu by Erin"}, t - 40);
        up("alice",
           {.image = "centos",
            .os = "CentOS",
            .os_version = "7",
            .title = "CentOS 7",
            .tag = "centos",
            .deprecated = "end of life"},
           t - 30);
        up("alice",
           {.image = "debian",
            .os = "debian",
            .os_version = "12",
            .os_arch = "aarch64",
            .title = "Debian bookworm",
            .description = "arm server image"},
           t - 20);
        up("bob",
           {.image = "short",
            .os = "cirros",
            .os_version = "0.6",
            .title = "Short-lived",
            .valid = t + 100},
           t - 10);
        server_->clock().Advance(200);  // "short" is now expired
    }
    static void TearDownTestSuite() { delete server_; }

    json GetJson(const std::string& path) {
        auto r = server_->Get(path, "application/json");
        EXPECT_EQ(r.status, 200) << path << ": " << r.body;
        return json::parse(r.body);
    }
    std::set<std::string> Titles(const json& page) {
        std::set<std::string> out;
        for (const auto& e : page["entries"]) out.insert(e["title"].get<std::string>());
        return out;
    }

    static testing::TestServer* server_;
    static Timestamp t0_;
};
testing::TestServer* ReadApiTest::server_ = nullptr;
Timestamp ReadApiTest::t0_;

TEST_F(ReadApiTest, DefaultListingShowsTheLatestValidEntryOfEachEndorser) {
    json page = GetJson("metadata");
    EXPECT_EQ(page["total"], 3);
    EXPECT_EQ(Titles(page),
              (std::set<std::string>{"Ubuntu 22.04 server", "Ubuntu by Erin", "Debian bookworm"}));
    EXPECT_EQ(page["entries"][0]["title"], "Debian bookworm");  // created, newest first
}

TEST_F(ReadApiTest, StatusSelectsExpiredDeprecatedOrAll) {
    EXPECT_EQ(Titles(GetJson("metadata?status=expired")), std::set<std::string>{"Short-lived"});
    json deprecated = GetJson("metadata?status=deprecated");
    EXPECT_EQ(Titles(deprecated), std::set<std::string>{"CentOS 7"});
    EXPECT_EQ(deprecated["entries"][0]["deprecated"], "end of life");
    EXPECT_EQ(deprecated["entries"][0]["status"], "deprecated");
    EXPECT_EQ(GetJson("metadata?status=all")["total"], 5);
    EXPECT_EQ(GetJson("metadata?status=valid,expired")["total"], 4);
}

TEST_F(ReadApiTest, FiltersCombine) {
    EXPECT_EQ(Titles(GetJson("metadata?os=UBUNTU&email=erin@example.org")),
              std::set<std::string>{"Ubuntu by Erin"});
    EXPECT_EQ(Titles(GetJson("metadata?os-arch=aarch64")),
              std::set<std::string>{"Debian bookworm"});
    EXPECT_EQ(Titles(GetJson("metadata?os=debian&os-version=12")),
              std::set<std::string>{"Debian bookworm"});
    EXPECT_EQ(Titles(GetJson("metadata?q=arm%20SERVER")), std::set<std::string>{"Debian bookworm"});
    EXPECT_EQ(GetJson("metadata?endorser=erin")["total"], 1);
    EXPECT_EQ(GetJson("metadata?tag=ubuntu-lts")["total"], 1);
    EXPECT_EQ(GetJson("metadata?identifier=" + IdentifierOf("ubuntu"))["total"], 2);
}

TEST_F(ReadApiTest, PathArgumentsAreClassifiedLikeStratusLab) {
    const std::string ubuntu = IdentifierOf("ubuntu");
    EXPECT_EQ(GetJson("metadata/" + ubuntu)["total"], 2);
    EXPECT_EQ(GetJson("metadata/erin@example.org")["total"], 1);
    EXPECT_EQ(GetJson("metadata/" + ubuntu + "/alice@example.org")["total"], 1);
    EXPECT_EQ(GetJson("metadata/alice@example.org/" + ubuntu)["total"], 1);
    // An explicit date reaches history: the older alice entry.
    json old = GetJson("metadata/" + ubuntu + "/" + (t0_ - 100).ToString());
    ASSERT_EQ(old["total"], 1);
    EXPECT_EQ(old["entries"][0]["title"], "Ubuntu old");
}

TEST_F(ReadApiTest, AnEmptyResultIsAnEmptyList) {
    auto xml = server_->Get("metadata?os=plan9");
    EXPECT_EQ(xml.status, 200);
    EXPECT_NE(xml.body.find("<metadata total=\"0\" count=\"0\">"), std::string::npos) << xml.body;
    json page = GetJson("metadata?os=plan9");
    EXPECT_EQ(page["total"], 0);
    EXPECT_TRUE(page["entries"].empty());
}

TEST_F(ReadApiTest, XmlListingWrapsTheSignedOriginals) {
    auto xml = server_->Get("metadata?os=debian");
    EXPECT_EQ(xml.status, 200);
    EXPECT_EQ(xml.Header("Content-Type"), "application/xml; charset=utf-8");
    EXPECT_EQ(xml.Header("X-Total-Count"), "1");
    EXPECT_NE(xml.body.find("<rdf:RDF"), std::string::npos);
    EXPECT_NE(xml.body.find("<Signature"), std::string::npos);
    EXPECT_EQ(xml.body.find("<?xml", 5), std::string::npos)
        << "inner XML declarations must be removed";
}

TEST_F(ReadApiTest, CursorPagingWalksEverythingOnce) {
    std::set<std::string> seen;
    std::string next = "metadata?status=all&limit=2";
    int pages = 0;
    while (!next.empty()) {
        json page = GetJson(next);
        EXPECT_EQ(page["total"], 5);
        for (const auto& e : page["entries"])
            EXPECT_TRUE(seen.insert(e["url"].get<std::string>()).second);
        next = page["next"].is_null()
                   ? ""
                   : page["next"].get<std::string>().substr(server_->url().size());
        ++pages;
    }
    EXPECT_EQ(seen.size(), 5u);
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(
        GetJson("metadata?status=all&sort=title&order=asc&offset=1&limit=1")["entries"][0]["title"],
        "Debian bookworm");
}

TEST_F(ReadApiTest, BadParametersAreNamed) {
    struct Case {
        const char* path;
        const char* message;
    } cases[] = {
        {"metadata?status=alive", "status='alive'"},
        {"metadata?limit=0", "limit='0'"},
        {"metadata?limit=5000", "limit='5000'"},
        {"metadata?sort=size", "sort='size'"},
        {"metadata?created=yesterday", "not a valid date"},
        {"metadata?identifier=abc", "invalid identifier"},
        {"metadata?email=nobody", "not an email"},
        {"metadata?colour=blue", "unknown query parameter 'colour'"},
        {"metadata?cursor=garbage", "cursor"},
        {"metadata/not-an-identifier", "invalid identifier"},
        {"metadata/A/b@c/not-a-date", "not a valid date"},
    };
    for (const auto& c : cases) {
        auto r = server_->Get(c.path, "application/json");
        EXPECT_EQ(r.status, 400) << c.path << ": " << r.body;
        EXPECT_NE(r.body.find(c.message), std::string::npos) << c.path << ": " << r.body;
    }
}

TEST_F(ReadApiTest, OneEntryAsSignedXmlOrJson) {
    const std::string path =
        "metadata/" + IdentifierOf("debian") + "/alice@example.org/" + (t0_ - 20).ToString();
    auto xml = server_->Get(path);
    EXPECT_EQ(xml.status, 200);
    EXPECT_EQ(xml.Header("Content-Disposition"),
              "attachment; filename=" + IdentifierOf("debian") + ".xml");
    json entry = GetJson(path);
    EXPECT_EQ(entry["identifier"], IdentifierOf("debian"));
    EXPECT_EQ(entry["os_arch"], "aarch64");
    EXPECT_EQ(entry["endorser"]["email"], "alice@example.org");
    EXPECT_EQ(entry["signature"]["trust_mode"], "strict");
    EXPECT_EQ(entry["signature"]["email_binding"], "san");
    EXPECT_EQ(entry["checksums"].size(), 4u);
    EXPECT_EQ(entry["status"], "valid");
    // Conditional GET: entries never change.
    client::HttpClient client;
    auto again =
        client.Send({"GET", server_->url(path), {{"If-None-Match", xml.Header("ETag")}}, ""});
    EXPECT_EQ(again->status, 304);
    auto head = client.Send({"HEAD", server_->url(path), {}, ""});
    EXPECT_EQ(head->status, 200);
    EXPECT_TRUE(head->body.empty());
}

TEST_F(ReadApiTest, UnknownEntriesAndPathsAre404) {
    auto r = server_->Get(
        "metadata/" + IdentifierOf("nothing") + "/alice@example.org/2020-01-01T00:00:00Z",
        "application/json");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(json::parse(r.body)["error"]["code"], "not_found");
    EXPECT_EQ(server_->Get("no/such/thing").status, 404);
}

TEST_F(ReadApiTest, WritesOtherThanUploadAre405WithAllow) {
    client::HttpClient client;
    const std::string entry =
        "metadata/" + IdentifierOf("debian") + "/alice@example.org/" + (t0_ - 20).ToString();
    for (const char* method : {"PUT", "DELETE", "PATCH"}) {
        auto r = client.Send({method, server_->url(entry), {}, ""});
        EXPECT_EQ(r->status, 405) << method;
        EXPECT_EQ(r->Header("Allow"), "GET, HEAD, OPTIONS");
        auto list = client.Send({method, server_->url("metadata"), {}, ""});
        EXPECT_EQ(list->status, 405);
        EXPECT_EQ(list->Header("Allow"), "GET, HEAD, POST, OPTIONS");
    }
    auto options = client.Send({"OPTIONS", server_->url("metadata"), {}, ""});
    EXPECT_EQ(options->status, 204);
}

TEST_F(ReadApiTest, NoAcceptableRepresentationIs406) {
    auto r = server_->Get("metadata", "image/png");
    EXPECT_EQ(r.status, 406);
    EXPECT_NE(r.body.find("available: application/xml, application/json"), std::string::npos)
        << r.body;
}

TEST_F(ReadApiTest, EndorsersTheirHistoryAndTags) {
    json endorsers = GetJson("endorsers");
    ASSERT_EQ(endorsers["count"], 3);
    EXPECT_EQ(endorsers["endorsers"][0]["email"], "alice@example.org");
    EXPECT_EQ(endorsers["endorsers"][0]["entries"], 4);
    auto xml = server_->Get("endorsers");
    EXPECT_NE(xml.body.find("<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">"),
              std::string::npos);
    json history = GetJson("endorsers/alice@example.org");
    EXPECT_EQ(history["total"], 4);  // all entries, the older ubuntu included
    EXPECT_EQ(GetJson("endorsers/alice@example.org?range=1")["total"], 4);
    json tags = GetJson("endorsers/alice@example.org/tags");
    EXPECT_EQ(tags["tags"], json::array({"centos", "ubuntu-lts"}));
}

TEST_F(ReadApiTest, TagLookupGivesTheNewestNonDeprecatedEntry) {
    json entry = GetJson("tag/alice@example.org/ubuntu-lts");
    EXPECT_EQ(entry["title"], "Ubuntu 22.04 server");
    auto xml = server_->Get("metadata/alice@example.org?tag=ubuntu-lts");
    EXPECT_EQ(xml.status, 200);
    EXPECT_EQ(xml.Header("Content-Type"), "application/rdf+xml");
    EXPECT_EQ(server_->Get("tag/alice@example.org/centos").status, 404);  // deprecated
}

TEST_F(ReadApiTest, EveryResponseCarriesARequestId) {
    client::HttpClient client;
    auto r = client.Send({"GET", server_->url("health"), {{"X-Request-Id", "trace-42"}}, ""});
    EXPECT_EQ(r->Header("X-Request-Id"), "trace-42");
    EXPECT_EQ(json::parse(r->body)["entries"], 6);
    auto generated = server_->Get("nothing");
    EXPECT_EQ(generated.Header("X-Request-Id").size(), 16u);
    EXPECT_TRUE(generated.Header("Marketplace-Trust-Mode").empty());
}

TEST(CompatModeTest, EveryResponseSaysSo) {
    testing::TestServer compat({"trust.mode=compat"});
    for (const char* path : {"health", "metadata", "nothing"}) {
        auto r = compat.Get(path);
        EXPECT_TRUE(r.Header("Marketplace-Trust-Mode").starts_with("compat")) << path;
    }
}

}  // namespace
}  // namespace mkt
