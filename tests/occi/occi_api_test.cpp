// The OCCI front-end over real HTTP (TestServer: SQLite, strict trust, real
// Registry). Each test is one item of the acceptance checklist of reference
// occi.md section 7 that applies to a read-only image catalogue; docs/api/occi.md
// maps every item to its test or says why it does not apply.
#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "client/http_client.hpp"
#include "occi/syntax.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/test_server.hpp"

namespace mkt {
namespace {

using nlohmann::json;
using testing::DocumentSpec;
using testing::IdentifierOf;
using testing::SignedDocument;

constexpr const char* kProvider = "https://occi.cesnet.example:11443";
constexpr const char* kOsTpl = "http://schemas.ogf.org/occi/infrastructure#os_tpl";
constexpr const char* kComputeFilter =
    "compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"";

using Headers = std::vector<std::pair<std::string, std::string>>;

// A GET with a body, written on a plain socket (libcurl turns a GET with a body
// into a POST). Returns the response as framed (an empty one when none came).
testing::RawResponse RawGetWithBody(uint16_t port, const std::string& path, const std::string& type,
                                    const std::string& body) {
    testing::RawConnection connection(port);
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                                "Content-Type: " + type +
                                "\r\nContent-Length: " + std::to_string(body.size()) +
                                "\r\nConnection: close\r\n\r\n" + body;
    if (!connection.Send(request)) return {};
    return connection.Read().value_or(testing::RawResponse{});
}

class OcciApiTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        server_ = new testing::TestServer({std::string("occi.provider.cesnet=") + kProvider});
        const Timestamp t = server_->clock().Now();
        auto up = [](const std::string& who, const DocumentSpec& spec, Timestamp at) {
            auto r = server_->Upload(SignedDocument(who, spec, at));
            ASSERT_EQ(r.status, 201) << r.body;
        };
        up("alice",
           {.image = "ubuntu",
            .title = "Ubuntu 22.04 server",
            .location = std::string(kProvider) + "/storage/4f3c-ubuntu"},
           t - 50);
        up("erin", {.image = "ubuntu", .title = "Ubuntu by Erin"}, t - 40);
        up("alice",
           {.image = "debian",
            .os = "debian",
            .os_version = "12",
            .os_arch = "aarch64",
            .title = "Debian bookworm",
            .location = "pdisk:occi.cesnet.example:8445:7d1e-debian"},
           t - 20);
        up("alice",
           {.image = "centos", .os = "centos", .title = "CentOS 7", .deprecated = "end of life"},
           t - 30);
        up("bob", {.image = "short", .title = "Short-lived", .valid = t + 100}, t - 10);
        server_->clock().Advance(200);  // "short" is now expired
    }
    static void TearDownTestSuite() { delete server_; }

    client::HttpResponse Send(const std::string& method, const std::string& path,
                              Headers headers = {}, std::string body = "") {
        client::HttpRequest request{method, server_->url(path), std::move(headers),
                                    std::move(body)};
        auto r = client_.Send(request);
        EXPECT_TRUE(r.ok()) << r.status().ToString();
        return r.ok() ? *r : client::HttpResponse{};
    }
    client::HttpResponse Get(const std::string& path, Headers headers = {}) {
        return Send("GET", path, std::move(headers));
    }

    // The Category values of a text/plain body.
    static std::vector<occi::CategoryValue> Categories(const std::string& body) {
        auto m = occi::ParseBody(body);
        EXPECT_TRUE(m.ok()) << m.status().ToString();
        return m.ok() ? m->categories : std::vector<occi::CategoryValue>{};
    }
    static std::vector<occi::CategoryValue> ImageMixins(const std::string& body) {
        std::vector<occi::CategoryValue> out;
        for (auto& c : Categories(body)) {
            if (c.rel == kOsTpl) out.push_back(c);
        }
        return out;
    }
    static std::vector<std::string> Lines(const std::string& body, std::string_view prefix) {
        std::vector<std::string> out;
        size_t start = 0;
        while (start < body.size()) {
            size_t end = body.find('\n', start);
            if (end == std::string::npos) end = body.size();
            std::string line = body.substr(start, end - start);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.starts_with(prefix)) out.push_back(line.substr(prefix.size()));
            start = end + 1;
        }
        return out;
    }
    static std::string StoragePath(const std::string& image) {
        return "storage/" + IdentifierOf(image);
    }

    static testing::TestServer* server_;
    client::HttpClient client_;
};
testing::TestServer* OcciApiTest::server_ = nullptr;

TEST_F(OcciApiTest, QueryInterfaceIsTextPlainByDefaultWithTheCoreKinds) {
    auto r = Get("-/");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("Content-Type"), "text/plain");
    std::set<std::string> ids;
    for (const auto& c : Categories(r.body)) ids.insert(c.TypeId());
    for (const char* id :
         {"http://schemas.ogf.org/occi/core#entity", "http://schemas.ogf.org/occi/core#resource",
          "http://schemas.ogf.org/occi/core#link",
          "http://schemas.ogf.org/occi/infrastructure#compute",
          "http://schemas.ogf.org/occi/infrastructure#storage", kOsTpl,
          "http://schemas.ogf.org/occi/infrastructure#resource_tpl",
          "http://schemas.ogf.org/occi/infrastructure/storage/action#resize"}) {
        EXPECT_TRUE(ids.count(id)) << id << " missing from\n" << r.body;
    }
    for (const auto& c : Categories(r.body)) {
        if (c.term == "resource" || c.term == "link") {
            EXPECT_EQ(c.rel, "http://schemas.ogf.org/occi/core#entity");
        }
        if (c.term == "storage" && c.cls == "kind") {
            EXPECT_NE(c.attributes->find("occi.storage.size{required}"), std::string::npos);
            EXPECT_NE(c.attributes->find("occi.storage.state{immutable required}"),
                      std::string::npos);
            EXPECT_NE(c.actions->find("storage/action#online"), std::string::npos);
        }
    }
}

TEST_F(OcciApiTest, CategoryLinesMatchTheLegacySyntaxCheck) {
    // test_occi_11.py: `\w+; \bscheme=[a-z:./#"]*; \bclass="(?:action|kind|mixin)"` on line 2.
    auto lines = Lines(Get("-/").body, "Category: ");
    ASSERT_GE(lines.size(), 2u);
    const std::string& second = lines[1];
    EXPECT_TRUE(second.starts_with(
        "resource; scheme=\"http://schemas.ogf.org/occi/core#\"; class=\"kind\""))
        << second;
}

TEST_F(OcciApiTest, WellKnownQueryInterfaceIsIdentical) {
    for (const char* accept : {"text/plain", "text/occi", "application/occi+json"}) {
        auto a = Get("-/", {{"Accept", accept}});
        auto b = Get(".well-known/org/ogf/occi/-/", {{"Accept", accept}});
        EXPECT_EQ(a.status, 200);
        EXPECT_EQ(a.body, b.body) << accept;
        EXPECT_EQ(a.Header("Category"), b.Header("Category")) << accept;
    }
}

TEST_F(OcciApiTest, EveryUsableImageIsAnOsTplMixinWithProviderSchemeTitleAndLocation) {
    auto mixins = ImageMixins(Get("-/").body);
    ASSERT_EQ(mixins.size(), 2u);  // ubuntu (two endorsers) and debian; not deprecated, expired
    std::set<std::string> titles;
    for (const auto& m : mixins) {
        EXPECT_EQ(m.cls, "mixin");
        EXPECT_EQ(m.scheme, server_->url("occi/infrastructure/os_tpl#"));
        EXPECT_EQ(m.scheme.find("schemas.ogf.org"), std::string::npos);
        EXPECT_TRUE(occi::IsOcci11Term(m.term)) << m.term;
        ASSERT_TRUE(m.location);
        EXPECT_EQ(*m.location, "/mixin/os_tpl/" + m.term + "/");
        EXPECT_NE(m.attributes->find("eu.stratuslab.marketplace.identifier{immutable}"),
                  std::string::npos);
        EXPECT_EQ(m.attributes->find(" occi."), std::string::npos);
        titles.insert(*m.title);
    }
    EXPECT_EQ(titles, (std::set<std::string>{"Ubuntu by Erin", "Debian bookworm"}));
}

TEST_F(OcciApiTest, TheCategoryAClientSendsParsesBackToTheDiscoveredMixin) {
    // Reference 2.7 c: IM / rOCCI-cli find the mixin in /-/ by title, then send
    // `Category: <term>; scheme="<scheme>"; class="mixin"` when creating compute.
    const std::string body = Get("-/", {{"Accept", "text/plain"}}).body;
    std::string line;
    for (const auto& l : Lines(body, "Category: ")) {
        if (l.find("title=\"Debian bookworm\"") != std::string::npos) line = l;
    }
    ASSERT_FALSE(line.empty()) << body;
    auto discovered = occi::ParseCategory(line);
    ASSERT_TRUE(discovered.ok()) << discovered.status().ToString();
    const std::string request_line = "Category: " + discovered->term + "; scheme=\"" +
                                     discovered->scheme + "\"; class=\"mixin\"";
    auto sent = occi::ParseBody(std::string(kComputeFilter).insert(0, "Category: ") + "\n" +
                                request_line + "\n");
    ASSERT_TRUE(sent.ok()) << sent.status().ToString();
    ASSERT_EQ(sent->categories.size(), 2u);
    EXPECT_EQ(sent->categories[1].scheme, discovered->scheme);
    EXPECT_EQ(sent->categories[1].term, discovered->term);
    // The same mixin, asked for by that Category, is the only one returned, and its
    // JSON rendering names the image.
    auto filtered =
        Get("-/", {{"Accept", "application/occi+json"}, {"Category", request_line.substr(10)}});
    ASSERT_EQ(filtered.status, 200) << filtered.body;
    json model = json::parse(filtered.body);
    ASSERT_EQ(model["mixins"].size(), 1u);
    EXPECT_TRUE(model["kinds"].empty());
    const json& mixin = model["mixins"][0];
    EXPECT_EQ(mixin["term"], discovered->term);
    EXPECT_EQ(mixin["depends"], json::array({kOsTpl}));
    EXPECT_EQ(mixin["applies"],
              json::array({"http://schemas.ogf.org/occi/infrastructure#compute"}));
    EXPECT_EQ(mixin["attributes"]["eu.stratuslab.marketplace.identifier"]["default"],
              IdentifierOf("debian"));
    EXPECT_EQ(mixin["attributes"]["eu.stratuslab.marketplace.identifier"]["mutable"], false);
}

TEST_F(OcciApiTest, CategoryFilterReturnsOnlyTheRequestedCategory) {
    // test_occi_11.py: text/occi, a compute filter, exactly one Category value back.
    auto r =
        Get("-/",
            {{"Accept", "text/occi"}, {"Content-Type", "text/occi"}, {"Category", kComputeFilter}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto values = occi::SplitValues(r.Header("Category"));
    ASSERT_TRUE(values.ok());
    ASSERT_EQ(values->size(), 1u) << r.Header("Category");
    EXPECT_TRUE((*values)[0].starts_with("compute; scheme="));
}

TEST_F(OcciApiTest, OsTplFilterReturnsTheParentAndEveryImage) {
    auto r =
        Get("-/",
            {{"Category",
              "os_tpl; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"mixin\""}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto categories = Categories(r.body);
    EXPECT_EQ(categories.size(), 3u) << r.body;
    EXPECT_EQ(ImageMixins(r.body).size(), 2u);
}

TEST_F(OcciApiTest, CategoryFilterInATextPlainBodyWorksLikeTheHeader) {
    const auto raw = RawGetWithBody(server_->port(), "/-/", "text/plain",
                                    std::string("Category: ") + kComputeFilter + "\n");
    ASSERT_EQ(raw.status, 200) << raw.body;
    const std::string& body = raw.body;
    ASSERT_EQ(Categories(body).size(), 1u) << body;
    EXPECT_EQ(Categories(body)[0].term, "compute");
    const auto bad = RawGetWithBody(server_->port(), "/-/", "text/plain", "Nonsense: 1\n");
    EXPECT_EQ(bad.status, 400) << bad.body;
    EXPECT_NE(bad.body.find("line 1"), std::string::npos) << bad.body;
}

// IM and rOCCI send "Content-Type: text/plain,text/occi": the first type counts.
TEST_F(OcciApiTest, ContentTypeListsReachTheHandlerAndUseTheFirstType) {
    const auto raw = RawGetWithBody(server_->port(), "/-/", "text/plain,text/occi",
                                    std::string("Category: ") + kComputeFilter + "\n");
    ASSERT_EQ(raw.status, 200) << raw.body;
    const std::string& body = raw.body;
    ASSERT_EQ(Categories(body).size(), 1u) << body;
    EXPECT_EQ(Categories(body)[0].term, "compute");
    auto refused =
        Send("POST", "-/", {{"Content-Type", "text/plain, text/occi"}}, "Category: broken\n");
    EXPECT_EQ(refused.status, 400) << refused.body;  // parsed as text/plain, not a 415
}

TEST_F(OcciApiTest, AttributeFilterSelectsImageMixinsByTheirMetadata) {
    auto r = Get("-/", {{"X-OCCI-Attribute", "eu.stratuslab.marketplace.os=\"debian\""}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto categories = Categories(r.body);
    ASSERT_EQ(categories.size(), 1u) << r.body;
    EXPECT_EQ(*categories[0].title, "Debian bookworm");
    auto by_endorser = Get(
        "-/", {{"X-OCCI-Attribute", "eu.stratuslab.marketplace.endorsers=\"erin@example.org\""}});
    ASSERT_EQ(Categories(by_endorser.body).size(), 1u) << by_endorser.body;
}

TEST_F(OcciApiTest, MalformedFiltersAreBadRequests) {
    EXPECT_EQ(Get("-/", {{"Category", "compute; class=\"kind\""}}).status, 400);
    EXPECT_EQ(Get("-/", {{"Category", "compute; scheme=\"http://s#; class=kind"}}).status, 400);
    EXPECT_EQ(Get("storage/", {{"X-OCCI-Attribute", "occi.core.title=unquoted"}}).status, 400);
    EXPECT_EQ(Send("POST", "-/", {{"Content-Type", "text/plain"}}, "Nonsense: 1\n").status, 400);
}

TEST_F(OcciApiTest, EveryAnswerCarriesTheOcciVersionsInServer) {
    for (auto r :
         {Get("-/"), Get("storage/"), Get(StoragePath("ubuntu")), Get("storage/nope"),
          Send("PUT", "storage/"), Get("-/", {{"Accept", "application/xml"}}), Get("compute/")}) {
        EXPECT_NE(r.Header("Server").find("OCCI/1.1"), std::string::npos) << r.status;
        EXPECT_NE(r.Header("Server").find("OCCI/1.2"), std::string::npos) << r.status;
    }
}

TEST_F(OcciApiTest, NewerOcciVersionInUserAgentIsNotImplemented) {
    EXPECT_EQ(Get("-/", {{"User-Agent", "client OCCI/2.2"}}).status, 501);
    EXPECT_EQ(Get("-/", {{"User-Agent", "client OCCI/1.1"}}).status, 200);
    EXPECT_EQ(Get("-/", {{"User-Agent", "client OCCI/one"}}).status, 200);
}

TEST_F(OcciApiTest, AcceptWithQValuesChoosesTheRenderingAndContentTypeFollows) {
    auto occi = Get("-/", {{"Accept", "text/plain;q=0.5, text/occi"}});
    ASSERT_EQ(occi.status, 200);
    EXPECT_EQ(occi.Header("Content-Type"), "text/occi");
    EXPECT_EQ(occi.body, "OK");
    EXPECT_NE(occi.Header("Category").find("entity; scheme="), std::string::npos);
    auto json_answer = Get("-/", {{"Accept", "application/occi+json"}});
    EXPECT_EQ(json_answer.Header("Content-Type"), "application/occi+json");
    EXPECT_TRUE(json::accept(json_answer.body));
    EXPECT_EQ(Get("-/", {{"Accept", "*/*"}}).Header("Content-Type"), "text/plain");
    EXPECT_EQ(Get("-/", {{"Accept", "application/xml"}}).status, 406);
}

TEST_F(OcciApiTest, UriListForSomethingThatIsNotACollectionIsABadRequest) {
    EXPECT_EQ(Get("-/", {{"Accept", "text/uri-list"}}).status, 400);
    EXPECT_EQ(Get(StoragePath("ubuntu"), {{"Accept", "text/uri-list"}}).status, 400);
    EXPECT_EQ(Get("storage/", {{"Accept", "text/uri-list"}}).status, 200);
}

TEST_F(OcciApiTest, StorageCollectionListsTheSameAbsoluteUrlsInEveryRendering) {
    const std::vector<std::string> expected = [] {
        std::vector<std::string> v = {server_->url(StoragePath("ubuntu")),
                                      server_->url(StoragePath("debian"))};
        std::sort(v.begin(), v.end());
        return v;
    }();
    auto plain = Lines(Get("storage/").body, "X-OCCI-Location: ");
    auto uris = Lines(Get("storage/", {{"Accept", "text/uri-list"}}).body, "");
    auto header = Get("storage/", {{"Accept", "text/occi"}}).Header("X-OCCI-Location");
    auto occi = occi::SplitValues(header);
    ASSERT_TRUE(occi.ok());
    for (auto& u : *occi) u.erase(0, u.find_first_not_of(' '));
    json resources =
        json::parse(Get("storage/", {{"Accept", "application/occi+json"}}).body)["resources"];
    std::vector<std::string> from_json;
    for (const auto& r : resources)
        from_json.push_back(server_->url("storage/" + r["id"].get<std::string>()));
    for (auto* list : {&plain, &uris, &*occi, &from_json}) {
        std::sort(list->begin(), list->end());
        EXPECT_EQ(*list, expected);
    }
    EXPECT_EQ(Get("resource/").body, Get("storage/").body);
}

TEST_F(OcciApiTest, StorageResourceHasCoreAttributesSizeStateAndOneLinkPerLocation) {
    auto r = Get(StoragePath("ubuntu"));
    ASSERT_EQ(r.status, 200) << r.body;
    auto message = occi::ParseBody(r.body);
    ASSERT_TRUE(message.ok()) << message.status().ToString();
    ASSERT_EQ(message->categories.size(), 1u);
    EXPECT_EQ(message->categories[0].TypeId(),
              "http://schemas.ogf.org/occi/infrastructure#storage");
    std::map<std::string, occi::AttributeValue> attrs;
    for (const auto& a : message->attributes) attrs[a.name] = a.value;
    EXPECT_EQ(attrs["occi.core.id"].text, IdentifierOf("ubuntu"));
    EXPECT_EQ(attrs["occi.core.title"].text, "Ubuntu by Erin");
    EXPECT_EQ(attrs["occi.core.summary"].text, "An image for tests");
    EXPECT_EQ(attrs["occi.storage.size"].type, occi::AttributeValue::Type::kNumber);
    EXPECT_EQ(attrs["occi.storage.state"].text, "online");
    EXPECT_EQ(attrs["eu.stratuslab.marketplace.endorsers"].text,
              "erin@example.org alice@example.org");
    ASSERT_EQ(message->links.size(), 2u);
    const occi::LinkValue& plain = message->links[0];
    EXPECT_EQ(plain.target, "https://images.example.org/test.img");
    const occi::LinkValue& provider = message->links[1];
    EXPECT_EQ(provider.target, std::string(kProvider) + "/storage/4f3c-ubuntu");
    EXPECT_EQ(provider.rel, "http://schemas.ogf.org/occi/infrastructure#storage");
    bool named = false;
    for (const auto& a : provider.attributes) {
        if (a.name == "eu.stratuslab.marketplace.provider") named = a.value.text == "cesnet";
    }
    EXPECT_TRUE(named) << r.body;
}

TEST_F(OcciApiTest, StorageSizeIsAPlainDecimalNumberAsTheTextGrammarRequires) {
    auto r = Get(StoragePath("ubuntu"));
    ASSERT_EQ(r.status, 200) << r.body;
    // number = *DIGIT "." *DIGIT (OCCI text rendering): no exponent, no sign.
    static const std::regex size_line("occi\\.storage\\.size=([0-9.]+)(,|\r?\n|$)");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.body, m, size_line)) << r.body;
    EXPECT_EQ(m[1].str().find_first_not_of("0123456789."), std::string::npos) << m[1].str();
}

TEST_F(OcciApiTest, AnAbsoluteFormTargetIsServedLikeItsOriginForm) {
    // RFC 9112 section 3.2.2: a server must accept the absolute form (proxies send it).
    const std::string path = "/" + StoragePath("ubuntu");
    const auto raw = RawGetWithBody(server_->port(), "http://marketplace.example.org:8204" + path,
                                    "text/plain", "");
    ASSERT_EQ(raw.status, 200) << raw.body.substr(0, 300);
    EXPECT_NE(raw.body.find("occi.core.id=\"" + IdentifierOf("ubuntu") + "\""), std::string::npos);
    const auto upper =
        RawGetWithBody(server_->port(), "HTTPS://other.example.org" + path, "text/plain", "");
    EXPECT_EQ(upper.status, 200) << upper.body.substr(0, 300);
}

TEST_F(OcciApiTest, PersistentDiskLocationAtAKnownProviderLinksToItsStorage) {
    json r = json::parse(Get(StoragePath("debian"), {{"Accept", "application/occi+json"}}).body);
    ASSERT_EQ(r["links"].size(), 1u) << r.dump();
    EXPECT_EQ(r["links"][0]["target"]["location"], std::string(kProvider) + "/storage/7d1e-debian");
    EXPECT_EQ(r["links"][0]["target"]["kind"],
              "http://schemas.ogf.org/occi/infrastructure#storage");
    EXPECT_EQ(r["links"][0]["attributes"]["eu.stratuslab.marketplace.provider"], "cesnet");
    EXPECT_EQ(r["links"][0]["attributes"]["eu.stratuslab.marketplace.location"],
              "pdisk:occi.cesnet.example:8445:7d1e-debian");
    EXPECT_EQ(r["kind"], "http://schemas.ogf.org/occi/infrastructure#storage");
    EXPECT_EQ(r["id"], IdentifierOf("debian"));
    EXPECT_EQ(r["attributes"]["occi.core.id"], IdentifierOf("debian"));
}

TEST_F(OcciApiTest, TextOcciResourceCarriesItsDataInHeaders) {
    auto r = Get(StoragePath("debian"), {{"Accept", "text/occi"}});
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "OK");
    auto m = occi::ParseHeaders(r.headers);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(m->categories.size(), 1u);
    EXPECT_EQ(m->links.size(), 1u);
    EXPECT_GE(m->attributes.size(), 5u);
}

TEST_F(OcciApiTest, UnusableOrUnknownImagesAreNotFound) {
    EXPECT_EQ(Get(StoragePath("centos")).status, 404);  // deprecated
    EXPECT_EQ(Get(StoragePath("short")).status, 404);   // expired
    EXPECT_EQ(Get("storage/not-an-identifier").status, 404);
    EXPECT_EQ(Get("mixin/os_tpl/sha1_0000000000000000000000000000000000000000/").status, 404);
}

TEST_F(OcciApiTest, CollectionsFilterByCategoryAndAttribute) {
    auto by_kind =
        Get("storage/",
            {{"Category",
              "storage; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\""}});
    EXPECT_EQ(Lines(by_kind.body, "X-OCCI-Location: ").size(), 2u);
    auto other = Get("storage/", {{"Category", kComputeFilter}});
    EXPECT_EQ(other.status, 200);
    EXPECT_TRUE(other.body.empty()) << other.body;
    auto by_title = Get("storage/", {{"X-OCCI-Attribute", "occi.core.title=\"Debian bookworm\""}});
    EXPECT_EQ(Lines(by_title.body, "X-OCCI-Location: "),
              std::vector<std::string>{server_->url(StoragePath("debian"))});
    auto by_arch =
        Get("storage/", {{"X-OCCI-Attribute", "eu.stratuslab.marketplace.os_arch=\"x86_64\""}});
    EXPECT_EQ(Lines(by_arch.body, "X-OCCI-Location: "),
              std::vector<std::string>{server_->url(StoragePath("ubuntu"))});
}

TEST_F(OcciApiTest, PaginationPagesCollectionsAndRefusesHugePages) {
    auto first = Lines(Get("storage/?page=1&number=1").body, "X-OCCI-Location: ");
    auto second = Lines(Get("storage/?page=2&number=1").body, "X-OCCI-Location: ");
    ASSERT_EQ(first.size(), 1u);
    ASSERT_EQ(second.size(), 1u);
    EXPECT_NE(first, second);
    auto past = Get("storage/?page=3&number=1");
    EXPECT_EQ(past.status, 200);
    EXPECT_TRUE(past.body.empty());
    EXPECT_EQ(Get("storage/?number=1001").status, 413);
    EXPECT_EQ(Get("storage/?page=0").status, 400);
    EXPECT_EQ(Get("storage/?pages=1").status, 400);
    const size_t all = Categories(Get("-/").body).size();
    size_t paged = 0;
    for (int page = 1; page < 100; ++page) {
        auto r = Get("-/?number=7&page=" + std::to_string(page));
        const size_t n = Categories(r.body).size();
        if (n == 0) break;
        paged += n;
    }
    EXPECT_EQ(paged, all);
}

TEST_F(OcciApiTest, EmptyCollectionsAnswer200WithAnEmptyRendering) {
    auto plain = Get("compute/");
    EXPECT_EQ(plain.status, 200);
    EXPECT_TRUE(plain.body.empty());
    EXPECT_EQ(json::parse(Get("compute/", {{"Accept", "application/occi+json"}}).body),
              json::parse("{\"resources\":[]}"));
    const std::string term = ImageMixins(Get("-/").body).at(0).term;
    EXPECT_EQ(Get("mixin/os_tpl/" + term + "/").status, 200);
}

TEST_F(OcciApiTest, WritesOnTheCatalogueAre405WithAllow) {
    for (auto [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"POST", "storage/"},
             {"PUT", StoragePath("ubuntu")},
             {"DELETE", StoragePath("ubuntu")},
             {"POST", StoragePath("ubuntu") + "?action=online"},
             {"POST", "compute/"},
             {"DELETE", "compute/"}}) {
        auto r = Send(method, path, {{"Content-Type", "text/plain"}}, "");
        EXPECT_EQ(r.status, 405) << method << " " << path;
        EXPECT_NE(r.Header("Allow").find("GET"), std::string::npos) << method << " " << path;
    }
}

TEST_F(OcciApiTest, UserMixinsAreParsedThenRefused) {
    const std::string mixin =
        "my_stuff; scheme=\"http://example.com/occi/my_stuff#\"; class=\"mixin\"; "
        "location=\"/my_stuff/\"";
    auto refused = Send("POST", "-/", {{"Content-Type", "text/occi"}, {"Category", mixin}});
    EXPECT_EQ(refused.status, 403) << refused.body;
    auto plain = Send("POST", "-/", {{"Content-Type", "text/plain"}}, "Category: " + mixin + "\n");
    EXPECT_EQ(plain.status, 403) << plain.body;
    auto no_location = Send(
        "POST", "-/",
        {{"Content-Type", "text/occi"}, {"Category", "x; scheme=\"http://e/#\"; class=\"mixin\""}});
    EXPECT_EQ(no_location.status, 400);
    EXPECT_NE(no_location.body.find("no location"), std::string::npos) << no_location.body;
    EXPECT_EQ(Send("POST", "-/", {{"Content-Type", "text/plain"}}, "Category: broken\n").status,
              400);
}

TEST_F(OcciApiTest, DeletingAProviderMixinIsForbidden) {
    auto parent =
        Send("DELETE", "-/",
             {{"Content-Type", "text/occi"},
              {"Category",
               "os_tpl; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"mixin\""}});
    EXPECT_EQ(parent.status, 403);
    const auto image = ImageMixins(Get("-/").body).at(0);
    auto own =
        Send("DELETE", "-/",
             {{"Content-Type", "text/occi"},
              {"Category", image.term + "; scheme=\"" + image.scheme + "\"; class=\"mixin\""}});
    EXPECT_EQ(own.status, 403);
    auto unknown = Send("DELETE", "-/",
                        {{"Content-Type", "text/occi"},
                         {"Category", "nope; scheme=\"http://e/#\"; class=\"mixin\""}});
    EXPECT_EQ(unknown.status, 404);
}

TEST_F(OcciApiTest, ErrorsAreJsonWhenTheClientPrefersJson) {
    auto r = Get("storage/nope", {{"Accept", "application/occi+json"}});
    EXPECT_EQ(r.status, 404);
    json body = json::parse(r.body);
    EXPECT_EQ(body["code"], 404);
    EXPECT_NE(body["message"].get<std::string>().find("nope"), std::string::npos);
}

TEST_F(OcciApiTest, JsonQueryInterfaceHasTheFieldsTheSchemaRequires) {
    json model = json::parse(Get("-/", {{"Accept", "application/occi+json"}}).body);
    ASSERT_TRUE(model.contains("kinds") && model.contains("mixins") && model.contains("actions"));
    for (const auto& k : model["kinds"]) {
        EXPECT_TRUE(k.contains("term") && k.contains("scheme")) << k.dump();
        if (k["term"] != "entity") {
            EXPECT_TRUE(k.contains("location")) << k.dump();
        }
    }
    for (const auto& m : model["mixins"]) {
        EXPECT_TRUE(m.contains("term") && m.contains("scheme") && m.contains("location"))
            << m.dump();
    }
    for (const auto& a : model["actions"]) {
        EXPECT_FALSE(a.contains("location")) << a.dump();
    }
    // os_tpl, resource_tpl, ipnetwork, image_location, provider_image + the 2 images
    EXPECT_EQ(model["mixins"].size(), 5u + 2u);
}

}  // namespace
}  // namespace mkt

namespace mkt {
namespace {

// Many images: the text/occi header budget (occi/handlers.hpp kMaxOcciHeaderBytes).
class OcciHeaderBudgetTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        server_ = new testing::TestServer();
        const Timestamp t = server_->clock().Now();
        for (int i = 0; i < 40; ++i) {
            auto r = server_->Upload(SignedDocument(
                "alice",
                {.image = "image-" + std::to_string(i), .title = "Image " + std::to_string(i)},
                t - 100 + i));
            ASSERT_EQ(r.status, 201) << r.body;
        }
    }
    static void TearDownTestSuite() { delete server_; }
    client::HttpResponse Get(const std::string& path, const std::string& accept) {
        auto r = client_.Send({"GET", server_->url(path), {{"Accept", accept}}, ""});
        EXPECT_TRUE(r.ok());
        return r.ok() ? *r : client::HttpResponse{};
    }
    static testing::TestServer* server_;
    client::HttpClient client_;
};
testing::TestServer* OcciHeaderBudgetTest::server_ = nullptr;

TEST_F(OcciHeaderBudgetTest, TextOcciTooLargeForHeadersFallsBackToTheNextAcceptableRendering) {
    auto r = Get("-/", "text/occi, text/plain;q=0.2");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.Header("Content-Type"), "text/plain");
    EXPECT_GT(r.body.size(), 32u * 1024);
    EXPECT_TRUE(r.Header("Category").empty());
}

TEST_F(OcciHeaderBudgetTest, TextOcciTooLargeForHeadersAloneIsNotAcceptable) {
    auto r = Get("-/", "text/occi");
    EXPECT_EQ(r.status, 406);
    EXPECT_NE(r.body.find("KiB of text/occi headers"), std::string::npos) << r.body;
}

TEST_F(OcciHeaderBudgetTest, TextOcciStillWorksForAFilteredOrPagedAnswer) {
    auto r = Get("-/?page=1&number=5", "text/occi");
    ASSERT_EQ(r.status, 200);
    auto values = occi::SplitValues(r.Header("Category"));
    ASSERT_TRUE(values.ok());
    EXPECT_EQ(values->size(), 5u);
}

}  // namespace
}  // namespace mkt
