// The SPARQL 1.1 Protocol at /query over real HTTP (the whole server: uploads
// go through the Registry, the graph follows them): the three request forms,
// the result formats chosen by Accept, the HTML form, the read-only refusals,
// syntax errors, and a query that runs past the time limit while the server
// keeps answering.
#include <algorithm>
#include <chrono>
#include <future>
#include <thread>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "mappers/url.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/test_server.hpp"

namespace mkt {
namespace {

using nlohmann::json;
using testing::DocumentSpec;
using testing::SignedDocument;

constexpr const char* kSeedOs =
    "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX slterms: "
    "<http://mp.stratuslab.eu/slterms#> "
    "SELECT DISTINCT ?os ?identifier WHERE { ?x dcterms:identifier ?identifier . ?x slterms:os ?os "
    "}";
constexpr const char* kSeedEndorser =
    "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX slreq: <http://mp.stratuslab.eu/slreq#> "
    "SELECT ?identifier ?email ?created WHERE { ?x dcterms:identifier ?identifier ; "
    "slreq:endorsement ?e . ?e dcterms:created ?created ; slreq:endorser ?r . ?r slreq:email "
    "?email }";

std::string Encode(const std::string& text) { return mappers::PercentEncode(text, false); }

class QueryEndpointTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        // A running query holds a worker; the server runs with its production-like 16.
        server_ = new testing::TestServer({"http.threads=16"});
        const Timestamp t = server_->clock().Now();
        auto up = [](const std::string& who, const DocumentSpec& spec, Timestamp at) {
            auto r = server_->Upload(SignedDocument(who, spec, at));
            ASSERT_EQ(r.status, 201) << r.body;
        };
        up("alice", {.image = "ubuntu", .os = "ubuntu"}, t - 100);
        up("alice", {.image = "ubuntu", .os = "ubuntu", .title = "newer"}, t - 50);
        up("erin", {.image = "centos", .os = "CentOS", .os_version = "7"}, t - 40);
        WaitForEntries(3);
    }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }
    /// Polls until the graph (built in the background, fed by uploads) has n entries.
    static void WaitForEntries(size_t n) {
        const std::string count =
            "SELECT (COUNT(?x) AS ?n) WHERE { ?x <http://purl.org/dc/terms/identifier> ?i }";
        for (int i = 0; i < 200; ++i) {
            auto r =
                server_->Get("query?query=" + Encode(count), "application/sparql-results+json");
            if (r.status == 200 &&
                json::parse(r.body)["results"]["bindings"][0]["n"]["value"] == std::to_string(n)) {
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        FAIL() << "the graph never reached " << n << " entries";
    }
    static client::HttpResponse Post(const std::string& type, const std::string& body,
                                     const std::string& accept = "") {
        client::HttpClient http;
        client::HttpRequest req{"POST", server_->url("query"), {{"Content-Type", type}}, body};
        if (!accept.empty()) req.headers.emplace_back("Accept", accept);
        auto r = http.Send(req);
        EXPECT_TRUE(r.ok()) << r.status().ToString();
        return r.ok() ? *r : client::HttpResponse{};
    }
    static json Bindings(const client::HttpResponse& r) {
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body)["results"]["bindings"];
    }
    static testing::TestServer* server_;
};
testing::TestServer* QueryEndpointTest::server_ = nullptr;

TEST_F(QueryEndpointTest, GetAnswersTheFirstSeedQueryInXmlByDefault) {
    auto r = server_->Get("query?query=" + Encode(kSeedOs));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("Content-Type").rfind("application/sparql-results+xml", 0), 0u);
    EXPECT_NE(r.body.find("<variable name=\"os\"/>"), std::string::npos);
    EXPECT_NE(r.body.find("<literal>CentOS</literal>"), std::string::npos);
    EXPECT_NE(r.body.find("<literal>" + testing::IdentifierOf("ubuntu") + "</literal>"),
              std::string::npos);
}

TEST_F(QueryEndpointTest, PostFormAndPostQueryBodyAnswerTheSecondSeedQueryInJson) {
    const json form =
        Bindings(Post("application/x-www-form-urlencoded", "query=" + Encode(kSeedEndorser),
                      "application/sparql-results+json"));
    const json direct = Bindings(
        Post("application/sparql-query", kSeedEndorser, "application/sparql-results+json"));
    EXPECT_EQ(form.size(), 3u);  // one row per entry, history included
    EXPECT_EQ(form, direct);
    std::multiset<std::string> emails;
    for (const auto& row : form) emails.insert(row["email"]["value"].get<std::string>());
    EXPECT_EQ(emails,
              (std::multiset<std::string>{testing::EmailOf("alice"), testing::EmailOf("alice"),
                                          testing::EmailOf("erin")}));
}

TEST_F(QueryEndpointTest, CsvAndTsvFollowTheW3cFormats) {
    const std::string q =
        "SELECT ?os WHERE { ?x <http://mp.stratuslab.eu/slterms#os> ?os . "
        "FILTER(?os = \"CentOS\") }";
    auto csv = server_->Get("query?query=" + Encode(q), "text/csv");
    ASSERT_EQ(csv.status, 200) << csv.body;
    EXPECT_EQ(csv.body, "os\r\nCentOS\r\n");
    auto tsv = server_->Get("query?query=" + Encode(q), "text/tab-separated-values");
    ASSERT_EQ(tsv.status, 200) << tsv.body;
    EXPECT_EQ(tsv.body, "?os\n\"CentOS\"\n");
}

TEST_F(QueryEndpointTest, AskAnswersABooleanAndTheLatestMarkerIsQueryable) {
    const std::string ask =
        "ASK { ?x <http://mp.stratuslab.eu/slterms#tag> \"latest\" ; "
        "<http://purl.org/dc/terms/title> \"newer\" }";
    auto r = server_->Get("query?query=" + Encode(ask), "application/sparql-results+json");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body)["boolean"], true);
}

TEST_F(QueryEndpointTest, ABrowserGetsTheFormAndAnHtmlTable) {
    auto form = server_->Get("query", "text/html,application/xhtml+xml,*/*;q=0.8");
    ASSERT_EQ(form.status, 200) << form.body;
    EXPECT_NE(form.body.find("<form method=\"post\" action=\"query\">"), std::string::npos);
    auto table = server_->Get("query?query=" + Encode(kSeedOs), "text/html");
    ASSERT_EQ(table.status, 200);
    EXPECT_NE(table.body.find("<td>&quot;CentOS&quot;</td>"), std::string::npos) << table.body;
}

TEST_F(QueryEndpointTest, TheHtmlTableLinksOnlyWebIrisAndCarriesTheWebUiPolicy) {
    const std::string query =
        "SELECT ?x WHERE { { BIND(IRI(\"javascript:alert(1)\") AS ?x) } UNION "
        "{ BIND(IRI(\"https://images.example.org/a.img\") AS ?x) } }";
    auto table = server_->Get("query?query=" + Encode(query), "text/html");
    ASSERT_EQ(table.status, 200) << table.body;
    EXPECT_EQ(table.body.find("href=\"javascript:"), std::string::npos) << table.body;
    EXPECT_NE(table.body.find("&lt;javascript:alert(1)&gt;"), std::string::npos) << table.body;
    EXPECT_NE(table.body.find("<a href=\"https://images.example.org/a.img\">"), std::string::npos)
        << table.body;
    const std::string csp = table.Header("Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_EQ(table.Header("X-Content-Type-Options"), "nosniff");
    EXPECT_NE(server_->Get("query", "text/html").Header("Content-Security-Policy"), "");
}

TEST_F(QueryEndpointTest, UpdatesDatasetsAndBadSyntaxAreRefusedWith400AndTheReason) {
    auto update = Post("application/sparql-update", "INSERT DATA { <a:b> <a:c> <a:d> }");
    EXPECT_EQ(update.status, 400);
    EXPECT_NE(update.body.find("read-only"), std::string::npos) << update.body;
    auto update_form = Post("application/x-www-form-urlencoded", "update=CLEAR%20ALL");
    EXPECT_EQ(update_form.status, 400);
    auto dataset = server_->Get("query?query=" + Encode(kSeedOs) + "&default-graph-uri=http://g");
    EXPECT_EQ(dataset.status, 400);
    EXPECT_NE(dataset.body.find("default-graph-uri"), std::string::npos) << dataset.body;
    auto syntax = server_->Get("query?query=" + Encode("SELECT ?x WHERE { ?x"));
    EXPECT_EQ(syntax.status, 400);
    EXPECT_NE(syntax.body.find("SPARQL syntax error"), std::string::npos) << syntax.body;
    auto missing = server_->Get("query", "application/sparql-results+xml");
    EXPECT_EQ(missing.status, 400);
    auto other_type = Post("text/plain", kSeedOs);
    EXPECT_EQ(other_type.status, 415);
}

TEST_F(QueryEndpointTest, AnAcceptedUploadShowsInTheGraph) {
    const Timestamp t = server_->clock().Now();
    auto r = server_->Upload(SignedDocument("carol", {.image = "fresh", .os = "alpine"}, t - 5));
    ASSERT_EQ(r.status, 201) << r.body;
    WaitForEntries(4);
    auto q = server_->Get("query?query=" + Encode(kSeedOs), "application/sparql-results+json");
    bool found = false;
    for (const auto& row : Bindings(q)) found |= row["os"]["value"] == "alpine";
    EXPECT_TRUE(found) << q.body;
}

TEST_F(QueryEndpointTest, TheExportHoldsEveryTripleOfTheGraphAsNTriples) {
    auto count = server_->Get("query?query=" + Encode("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
                              "application/sparql-results+json");
    const std::string triples = Bindings(count)[0]["n"]["value"];
    auto r = server_->Get("query/export.nt");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("Content-Type").rfind("application/n-triples", 0), 0u);
    EXPECT_EQ(std::to_string(std::count(r.body.begin(), r.body.end(), '\n')), triples);
    const std::string latest = "<http://mp.stratuslab.eu/#" + testing::IdentifierOf("centos") +
                               "/" + testing::EmailOf("erin") + "/";
    const size_t at = r.body.find(latest);
    ASSERT_NE(at, std::string::npos) << r.body.substr(0, 2000);
    EXPECT_NE(r.body.find("> <http://mp.stratuslab.eu/slterms#tag> \"latest\" .\n"),
              std::string::npos);
}

TEST_F(QueryEndpointTest, AQueryPastTheTimeLimitIsStoppedWhileTheServerKeepsAnswering) {
    // A cube of every triple: far more than the default 10 s.
    const std::string slow =
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }";
    auto running = std::async(std::launch::async, [&] {
        client::HttpClient http;
        return http.Get(server_->url("query?query=" + Encode(slow)), "application/json");
    });
    // Until the server reports the query running (an observed state, not a sleep).
    auto query_running = [&] {
        return server_->Get("metrics").body.find("marketplace_sparql_queries_running 1") !=
               std::string::npos;
    };
    while (!query_running()) {
        ASSERT_NE(running.wait_for(std::chrono::milliseconds(5)), std::future_status::ready)
            << "the slow query ended before it was seen running";
    }
    int answered_meanwhile = 0;
    for (int i = 0; i < 5; ++i) {
        client::HttpClient http;  // a new connection each time
        auto health = http.Get(server_->url("health"), "application/json");
        const bool still_running =
            running.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
        if (health.ok() && health->status == 200 && still_running) ++answered_meanwhile;
    }
    auto r = running.get();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 503) << r->body;
    EXPECT_EQ(r->Header("Retry-After"), "5");
    EXPECT_NE(r->body.find("sparql.timeout_ms"), std::string::npos) << r->body;
    EXPECT_GE(answered_meanwhile, 3);
}

}  // namespace
}  // namespace mkt
