// The web UI over real HTTP (TestServer: real store, verifier, router): HTML for
// browsers and the unchanged native answers for programs on the shared URLs,
// browse filters / sort / paging, the entry page (signature verdict, history,
// deprecation, links), endorsers, upload outcomes, assets and their cache
// headers, the SPARQL page's seed queries run at /query, and XSS.
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "client/http_client.hpp"
#include "mappers/url.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/test_server.hpp"
#include "web/pages.hpp"

namespace mkt {
namespace {

using nlohmann::json;
using testing::DocumentSpec;
using testing::EmailOf;
using testing::IdentifierOf;
using testing::SignedDocument;

constexpr const char* kBrowserAccept =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
constexpr const char* kScript = "<script>alert(1)</script>";
constexpr const char* kEscapedScript = "&lt;script&gt;alert(1)&lt;/script&gt;";

size_t Count(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

std::string Between(const std::string& text, const std::string& start, const std::string& end) {
    const size_t a = text.find(start);
    if (a == std::string::npos) return {};
    const size_t b = text.find(end, a + start.size());
    return text.substr(a + start.size(),
                       b == std::string::npos ? std::string::npos : b - a - start.size());
}

class WebUiTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        server_ = new testing::TestServer();
        const Timestamp t = server_->clock().Now();
        auto up = [](const std::string& who, const DocumentSpec& spec, Timestamp at) {
            auto r = server_->Upload(SignedDocument(who, spec, at));
            ASSERT_EQ(r.status, 201) << r.body;
        };
        up("alice", {.image = "ubuntu", .title = "Ubuntu old", .tag = "ubuntu-lts"}, t - 100);
        up("alice", {.image = "ubuntu", .title = "Ubuntu 22.04 server", .tag = "ubuntu-lts"},
           t - 50);
        up("erin", {.image = "ubuntu", .title = "Ubuntu by Erin"}, t - 40);
        up("alice",
           {.image = "centos",
            .os = "CentOS",
            .os_version = "7",
            .title = "CentOS 7",
            .deprecated = "end of life, use AlmaLinux"},
           t - 30);
        up("alice",
           {.image = "debian",
            .os = "debian",
            .os_version = "12",
            .os_arch = "aarch64",
            .title = "Debian bookworm"},
           t - 20);
        up("bob", {.image = "alpine", .os = "alpine", .os_version = "3.19", .title = "Alpine"},
           t - 15);
        up("bob",
           {.image = "xss",
            .os = "<b>os</b>",
            .title = kScript,
            .description = "\"><img src=x onerror=alert(2)>",
            .tag = "<i>tag</i>",
            .location = "javascript:alert(5)"},
           t - 10);
    }
    static void TearDownTestSuite() { delete server_; }

    client::HttpResponse Html(const std::string& path) {
        return server_->Get(path, kBrowserAccept);
    }
    client::HttpResponse PostUpload(const std::string& document, const std::string& filename) {
        const std::string boundary = "----mkt-test-boundary";
        std::string body = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
                           filename + "\"\r\nContent-Type: application/xml\r\n\r\n" + document +
                           "\r\n--" + boundary + "--\r\n";
        client::HttpClient http;
        auto r = http.Send({"POST",
                            server_->url("upload"),
                            {{"Content-Type", "multipart/form-data; boundary=" + boundary},
                             {"Accept", kBrowserAccept}},
                            body});
        EXPECT_TRUE(r.ok()) << r.status().ToString();
        return r.ok() ? *r : client::HttpResponse{};
    }
    // Titles of the browse table, in page order.
    std::vector<std::string> RowTitles(const std::string& html) {
        std::vector<std::string> titles;
        const std::string marker = "<a class=\"entry\" href=\"";
        for (size_t at = html.find(marker); at != std::string::npos;
             at = html.find(marker, at + 1)) {
            const size_t start = html.find('>', at) + 1;
            titles.push_back(html.substr(start, html.find("</a>", start) - start));
        }
        return titles;
    }
    std::string EntryPath(const std::string& image, const std::string& who, Timestamp created) {
        return "metadata/" + IdentifierOf(image) + "/" + EmailOf(who) + "/" + created.ToString();
    }

    static testing::TestServer* server_;
};
testing::TestServer* WebUiTest::server_ = nullptr;

TEST_F(WebUiTest, BrowserGetsHtmlAtMetadataWhileProgramsKeepXmlAndJson) {
    auto html = Html("metadata");
    EXPECT_EQ(html.status, 200);
    EXPECT_EQ(html.Header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(html.Header("Vary"), "Accept");
    EXPECT_NE(html.body.find("<table class=\"browse\""), std::string::npos);
    for (const std::string& accept : {std::string(), std::string("*/*")}) {
        auto xml = server_->Get("metadata", accept);
        EXPECT_EQ(xml.status, 200);
        EXPECT_EQ(xml.Header("Content-Type"), "application/xml; charset=utf-8") << accept;
        EXPECT_EQ(xml.body.rfind("<?xml", 0), 0u);
    }
    auto js = server_->Get("metadata", "application/json");
    EXPECT_EQ(js.Header("Content-Type"), "application/json");
    EXPECT_EQ(json::parse(js.body)["total"], 5);  // the deprecated CentOS is not listed
    EXPECT_EQ(server_->Get("metadata?media=html").Header("Content-Type"),
              "text/html; charset=utf-8");
    EXPECT_EQ(server_->Get("metadata?media=json", kBrowserAccept).Header("Content-Type"),
              "application/json");
}

TEST_F(WebUiTest, RootIsTheBrowsePageWhateverTheAccept) {
    auto r = server_->Get("", "application/json");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.Header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(r.Header("X-Total-Count"), "5");
    EXPECT_EQ(RowTitles(r.body).size(), 5u);
}

TEST_F(WebUiTest, BrowseFiltersByOsAndTreatsEmptyFormFieldsAsAny) {
    auto r = Html("metadata?q=&os=debian&os-version=&os-arch=&endorser=&status=valid");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(RowTitles(r.body), std::vector<std::string>{"Debian bookworm"});
    EXPECT_NE(r.body.find("id=\"f-os\" name=\"os\" value=\"debian\""), std::string::npos);
    auto deprecated = Html("metadata?status=deprecated");
    EXPECT_EQ(RowTitles(deprecated.body), std::vector<std::string>{"CentOS 7"});
    auto text = Html("metadata?q=bookworm%20aarch64");
    EXPECT_EQ(RowTitles(text.body), std::vector<std::string>{"Debian bookworm"});
}

TEST_F(WebUiTest, BrowseSortsByTheChosenColumn) {
    auto asc = Html("metadata?sort=title&order=asc");
    std::vector<std::string> titles = RowTitles(asc.body);
    ASSERT_EQ(titles.size(), 5u);
    EXPECT_TRUE(std::is_sorted(titles.begin(), titles.end())) << ::testing::PrintToString(titles);
    auto desc = Html("metadata?sort=title&order=desc");
    std::vector<std::string> reversed = RowTitles(desc.body);
    std::reverse(reversed.begin(), reversed.end());
    EXPECT_EQ(reversed, titles);
    // The header of the current column offers the other direction.
    EXPECT_NE(asc.body.find("metadata?sort=title&amp;order=desc"), std::string::npos);
}

TEST_F(WebUiTest, BrowsePagesWithACursorAndNumbersTheRows) {
    auto first = Html("metadata?limit=25&sort=title&order=asc");
    EXPECT_EQ(RowTitles(first.body).size(), 5u);
    EXPECT_EQ(first.body.find("rel=\"next\""), std::string::npos);
    // The UI offers 25/50/100 rows; the store's paging works at any size.
    auto page1 = Html("metadata?limit=2&sort=title&order=asc");
    const std::string next = Between(page1.body, "rel=\"next\" href=\"", "\"");
    ASSERT_FALSE(next.empty()) << page1.body;
    EXPECT_NE(next.find("cursor="), std::string::npos);
    EXPECT_NE(page1.body.find("Rows 1–2 of <span id=\"total\">5</span>"), std::string::npos);
    std::string path = next.substr(server_->url().size());
    for (size_t at; (at = path.find("&amp;")) != std::string::npos;) path.replace(at, 5, "&");
    auto page2 = Html(path);
    EXPECT_NE(page2.body.find("Rows 3–4 of"), std::string::npos) << page2.body;
    std::vector<std::string> seen = RowTitles(page1.body);
    for (const auto& t : RowTitles(page2.body)) seen.push_back(t);
    const std::vector<std::string> all = RowTitles(first.body);
    EXPECT_EQ(seen, std::vector<std::string>(all.begin(), all.begin() + 4));
    EXPECT_NE(page2.body.find("rel=\"prev\""), std::string::npos);
}

TEST_F(WebUiTest, BadListingParameterIsAnHtmlErrorForBrowsersAndNativeForPrograms) {
    auto html = Html("metadata?sort=colour");
    EXPECT_EQ(html.status, 400);
    EXPECT_EQ(html.Header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_NE(html.body.find("query parameter sort=&#39;colour&#39;"), std::string::npos)
        << html.body;
    auto native = server_->Get("metadata?sort=colour", "application/json");
    EXPECT_EQ(native.status, 400);
    EXPECT_EQ(json::parse(native.body)["error"]["code"], "invalid_argument");
}

TEST_F(WebUiTest, EntryPageShowsTheSignatureVerdictHistoryAndLinks) {
    const Timestamp t = server_->clock().Now();
    auto r = Html(EntryPath("ubuntu", "alice", t - 50));
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string& html = r.body;
    EXPECT_NE(html.find("<h1>Ubuntu 22.04 server"), std::string::npos);
    EXPECT_NE(html.find("Signature verified"), std::string::npos);
    EXPECT_NE(html.find("<dt>Trust mode</dt><dd>strict</dd>"), std::string::npos);
    EXPECT_NE(html.find("<dt>Signer subject</dt><dd>"), std::string::npos);
    EXPECT_NE(html.find("<dt>Issuer</dt><dd>"), std::string::npos);
    EXPECT_NE(html.find("<dt>Certificate validity</dt><dd>"), std::string::npos);
    // History: both of alice's endorsements and erin's.
    const std::string history = Between(html, "id=\"history-h\"", "</table>");
    EXPECT_EQ(Count(history, "<tr"), 4u);  // header + 3 entries
    EXPECT_NE(history.find("Ubuntu old"), std::string::npos);
    EXPECT_NE(history.find("Ubuntu by Erin"), std::string::npos);
    const std::string id = IdentifierOf("ubuntu");
    EXPECT_NE(html.find("/cimi/machineImages/" + id + "\""), std::string::npos);
    EXPECT_NE(html.find("/storage/" + id + "\""), std::string::npos);
    // The raw link returns the signed bytes exactly as uploaded.
    const std::string raw = Between(html, "id=\"raw-xml\" href=\"", "\"");
    auto original = server_->Get(raw.substr(server_->url().size()), kBrowserAccept);
    EXPECT_EQ(original.Header("Content-Type"), "application/rdf+xml");
    EXPECT_EQ(original.body, (*server_->registry().Get({id, EmailOf("alice"), t - 50})).document);
    // Programs at the same URL still get the document.
    auto program = server_->Get(EntryPath("ubuntu", "alice", t - 50), "*/*");
    EXPECT_EQ(program.Header("Content-Type"), "application/rdf+xml");
}

TEST_F(WebUiTest, EntryPageShowsTheDeprecationReason) {
    auto r = Html(EntryPath("centos", "alice", server_->clock().Now() - 30));
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("<strong>Deprecated:</strong> end of life, use AlmaLinux"),
              std::string::npos);
    EXPECT_NE(r.body.find("status-deprecated"), std::string::npos);
}

TEST_F(WebUiTest, UnknownEntryIsAnHtml404) {
    auto r = Html("metadata/" + IdentifierOf("nothing") + "/" + EmailOf("alice") +
                  "/2020-01-01T00:00:00Z");
    EXPECT_EQ(r.status, 404);
    EXPECT_NE(r.body.find("id=\"error-message\">metadata entry not found"), std::string::npos)
        << r.body;
}

TEST_F(WebUiTest, EndorsersAndEndorserPagesListEntriesAndTags) {
    auto list = Html("endorsers");
    ASSERT_EQ(list.status, 200);
    for (const char* who : {"alice", "bob", "erin"}) {
        EXPECT_NE(list.body.find(">" + EmailOf(who) + "</a>"), std::string::npos) << who;
    }
    EXPECT_EQ(server_->Get("endorsers", "application/json").Header("Content-Type"),
              "application/json");
    auto alice = Html("endorsers/" + EmailOf("alice"));
    ASSERT_EQ(alice.status, 200) << alice.body;
    EXPECT_NE(alice.body.find("<dt>Entries (history included)</dt><dd>4</dd>"), std::string::npos);
    EXPECT_NE(alice.body.find(">ubuntu-lts</a>"), std::string::npos);
    EXPECT_NE(alice.body.find("Ubuntu old"), std::string::npos);
    EXPECT_EQ(Html("endorsers/nobody@example.org").status, 404);
}

TEST_F(WebUiTest, UploadShowsTheNewEntryOrTheExactRejection) {
    auto form = Html("upload");
    EXPECT_NE(form.body.find("enctype=\"multipart/form-data\""), std::string::npos);
    const Timestamp t = server_->clock().Now();
    auto good = PostUpload(SignedDocument("carol", {.image = "fedora", .title = "Fedora 40"}, t),
                           "fedora.xml");
    EXPECT_EQ(good.status, 201) << good.body;
    EXPECT_NE(good.body.find("Entry created"), std::string::npos);
    EXPECT_NE(good.body.find(">Fedora 40</a>"), std::string::npos);
    EXPECT_NE(good.Header("Location").find("/metadata/" + IdentifierOf("fedora") + "/"),
              std::string::npos);
    EXPECT_TRUE(server_->registry().Get({IdentifierOf("fedora"), EmailOf("carol"), t}).ok());

    std::string tampered =
        SignedDocument("carol", {.image = "tampered", .description = "original text"}, t);
    tampered.replace(tampered.find("original text"), 13, "Original text");
    auto bad = PostUpload(tampered, "tampered.xml");
    EXPECT_EQ(bad.status, 400);
    const std::string message = Between(bad.body, "<p class=\"message\">", "</p>");
    // The exact rejection of the native API, escaped.
    auto native = server_->Upload(tampered);
    EXPECT_EQ(native.status, 400);
    EXPECT_NE(message.find("signature"), std::string::npos) << message;
    EXPECT_NE(native.body.find(Between(message, "", ":")), std::string::npos);
    EXPECT_FALSE(server_->registry().Get({IdentifierOf("tampered"), EmailOf("carol"), t}).ok());
}

TEST_F(WebUiTest, UploadWithoutAFormIsRefusedWithTheReason) {
    client::HttpClient http;
    auto r = http.Post(server_->url("upload"), "application/xml", "<x/>");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 415);
    EXPECT_NE(r->body.find("programs POST the document to /metadata"), std::string::npos);
}

TEST_F(WebUiTest, AssetsAreServedWithLongCacheHeadersAtTheirVersionedUrl) {
    auto page = Html("metadata");
    const std::string css = Between(page.body, "<link rel=\"stylesheet\" href=\"", "\"");
    ASSERT_NE(css.find("assets/app.css?v="), std::string::npos) << css;
    auto r = server_->Get(css.substr(server_->url().size()));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.Header("Content-Type"), "text/css; charset=utf-8");
    EXPECT_EQ(r.Header("Cache-Control"), "public, max-age=31536000, immutable");
    EXPECT_NE(r.body.find(".status-valid"), std::string::npos);
    client::HttpClient http;
    auto again = http.Send(
        {"GET", server_->url("assets/app.css"), {{"If-None-Match", r.Header("ETag")}}, ""});
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->status, 304);
    auto js = server_->Get("assets/app.js");
    EXPECT_EQ(js.Header("Content-Type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(js.Header("Cache-Control"), "public, max-age=300");
    EXPECT_EQ(server_->Get("assets/none.css").status, 404);
}

TEST_F(WebUiTest, SparqlPageSeedQueriesRunAtTheQueryEndpoint) {
    auto page = Html("sparql");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("<form id=\"sparql-form\" method=\"post\" action=\""),
              std::string::npos);
    EXPECT_NE(page.body.find("query?media=html\""), std::string::npos);
    client::HttpClient http;
    for (const auto& example : web::SparqlExamples()) {
        Result<client::HttpResponse> r = Status::Internal("not sent");
        // /query answers 503 while the graph is built in the background.
        for (int i = 0; i < 100; ++i) {
            r = http.Send({"POST",
                           server_->url("query"),
                           {{"Content-Type", "application/x-www-form-urlencoded"},
                            {"Accept", "application/sparql-results+json"}},
                           "query=" + mappers::PercentEncode(example.query, false)});
            if (!r.ok() || r->status != 503) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ASSERT_TRUE(r.ok());
        ASSERT_EQ(r->status, 200) << example.title << ": " << r->body;
        const json results = json::parse(r->body);
        EXPECT_FALSE(results["results"]["bindings"].empty()) << example.title;
    }
}

TEST_F(WebUiTest, ScriptInADocumentIsShownAsTextEverywhere) {
    const Timestamp t = server_->clock().Now();
    const std::vector<std::string> paths = {
        "metadata", "metadata?q=alert", EntryPath("xss", "bob", t - 10),
        "endorsers/" + EmailOf("bob"), "metadata?q=" + mappers::PercentEncode(kScript, false)};
    for (const auto& path : paths) {
        auto r = Html(path);
        ASSERT_EQ(r.status, 200) << path;
        EXPECT_EQ(r.body.find("<script>alert"), std::string::npos) << path;
        EXPECT_EQ(r.body.find("<img src=x"), std::string::npos) << path;
        EXPECT_EQ(r.body.find("<b>os</b>"), std::string::npos) << path;
        EXPECT_EQ(r.body.find("href=\"javascript:"), std::string::npos) << path;
        EXPECT_NE(r.body.find(kEscapedScript), std::string::npos) << path;
        EXPECT_NE(r.Header("Content-Security-Policy").find("script-src 'self'"), std::string::npos);
    }
}

}  // namespace
}  // namespace mkt
