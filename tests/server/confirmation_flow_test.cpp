// E-mail confirmation end to end: real marketplace-server processes, a real SMTP
// server (python3-aiosmtpd on loopback, STARTTLS required), real HTTP. What a
// held upload answers on every interface, the message that arrives, what the
// link publishes and in which order, every refused link, a mail server that is
// down, replicas on PostgreSQL sharing the held uploads, and federation entries
// that are never held.
#include <cstdlib>
#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>
#include <signal.h>
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "client/http_client.hpp"
#include "registry/clock.hpp"
#include "tests/server/replica_support.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/pg_test.hpp"
#include "tests/support/smtp_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt {
namespace {

using nlohmann::json;
using testing::ServerProcess;

constexpr const char* kPublicUrl = "https://marketplace.example.org/";

/// The token of the confirmation link in `message` (empty when there is none).
std::string TokenIn(const std::string& message) {
    std::smatch m;
    static const std::regex link(std::string(kPublicUrl) + "confirm/([A-Za-z0-9_-]+)");
    return std::regex_search(message, m, link) ? m[1].str() : "";
}

/// Messages sent to `to` about image `identifier`.
std::vector<std::string> MessagesAbout(const testing::SmtpProcess& smtp, const std::string& to,
                                       const std::string& identifier) {
    std::vector<std::string> out;
    for (const std::string& m : smtp.Messages()) {
        if (m.find("To: <" + to + ">") != std::string::npos &&
            m.find(identifier) != std::string::npos) {
            out.push_back(m);
        }
    }
    return out;
}

class ConfirmationFlowTest : public ::testing::Test {
  protected:
    std::vector<std::string> Settings(const testing::SmtpProcess& smtp,
                                      const std::string& store_setting) {
        const auto pki = testing::TestPki();
        return {store_setting,
                "trust.mode=strict",
                "trust.ca_dir=" + (pki / "ca").string(),
                "http.access_log=off",
                "http.public_url=" + std::string(kPublicUrl),
                "upload.confirm_email=true",
                "smtp.host=127.0.0.1",
                "smtp.port=" + std::to_string(smtp.port()),
                "smtp.from=marketplace@example.org",
                "smtp.ca_file=" + smtp.ca_file(),
                "smtp.timeout_seconds=10"};
    }
    std::string SqliteSetting() const { return "store.sqlite.path=" + (dir_ / "m.db").string(); }
    std::filesystem::path WorkDir(const std::string& name) {
        const auto d = dir_ / name;
        std::filesystem::create_directories(d);
        return d;
    }
    std::string Doc(const std::string& who, const std::string& image, int64_t age = 60) {
        return testing::SignedDocument(who, {.image = image}, now_ - age);
    }
    static Result<client::HttpResponse> Upload(const ServerProcess& s, const std::string& doc,
                                               const std::string& accept) {
        return client::HttpClient().Send(
            {"POST",
             s.url("metadata"),
             {{"Content-Type", "application/rdf+xml"}, {"Accept", accept}},
             doc});
    }
    static Result<client::HttpResponse> Get(const ServerProcess& s, const std::string& path,
                                            const std::string& accept = "application/json") {
        return client::HttpClient().Get(s.url(path), accept);
    }
    static int64_t Stored(const ServerProcess& s) {
        auto h = testing::Health(s);
        return h ? (*h)["entries"].get<int64_t>() : -1;
    }
    static std::string Metrics(const ServerProcess& s) {
        auto r = client::HttpClient().Get(s.url("metrics"));
        return r.ok() ? r->body : "";
    }

    const Timestamp now_ = SystemClock().Now();
    testing::TempDir dir_;
};

TEST_F(ConfirmationFlowTest, HeldUploadsArePublishedInUploadOrderByTheMailedLinkOnly) {
    testing::SmtpProcess smtp(dir_ / "smtp", true);
    ServerProcess server(WorkDir("server"), Settings(smtp, SqliteSetting()));
    const std::vector<std::string> docs = {Doc("alice", "one", 300), Doc("alice", "two", 200),
                                           Doc("alice", "three", 100)};
    const std::vector<std::string> ids = {
        testing::IdentifierOf("one"), testing::IdentifierOf("two"), testing::IdentifierOf("three")};

    // The native API: 202 in JSON, and StratusLab's words in text/plain.
    auto first = Upload(server, docs[0], "application/json");
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    ASSERT_EQ(first->status, 202) << first->body;
    const json held = json::parse(first->body);
    EXPECT_EQ(held["held"], true);
    EXPECT_EQ(held["created"], false);
    EXPECT_EQ(held["confirmation_sent_to"], "alice@example.org");
    EXPECT_EQ(held["identifier"], ids[0]);
    EXPECT_TRUE(first->Header("Location").empty());
    const std::string explanation = held["message"];
    EXPECT_NE(explanation.find("confirmation e-mail sent to alice@example.org"), std::string::npos);
    EXPECT_NE(explanation.find(held["expires"].get<std::string>()), std::string::npos);
    auto second = Upload(server, docs[1], "text/plain");
    ASSERT_TRUE(second.ok());
    ASSERT_EQ(second->status, 202);
    EXPECT_TRUE(second->body.starts_with("confirmation email sent for new metadata entry\n"))
        << second->body;

    // The web upload page says the same as the 202.
    const std::string boundary = "b0undary";
    const std::string form = "--" + boundary +
                             "\r\nContent-Disposition: form-data; name=\"file\"; "
                             "filename=\"three.xml\"\r\nContent-Type: application/xml\r\n\r\n" +
                             docs[2] + "\r\n--" + boundary + "--\r\n";
    auto page = client::HttpClient().Post(server.url("upload"),
                                          "multipart/form-data; boundary=" + boundary, form);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->status, 202);
    EXPECT_NE(page->body.find("Held until the e-mail address is confirmed"), std::string::npos);
    EXPECT_NE(page->body.find("confirmation e-mail sent to alice@example.org: this address is "
                              "not confirmed on this Marketplace yet"),
              std::string::npos);

    // Held means invisible: no entry, no listing, no feed.
    const std::string path = "metadata/" + ids[0] + "/alice@example.org/" +
                             held["endorsement_created"].get<std::string>();
    EXPECT_EQ(Get(server, path)->status, 404);
    EXPECT_EQ(json::parse(Get(server, "metadata?email=alice@example.org")->body)["total"], 0);
    EXPECT_TRUE(json::parse(Get(server, "changes")->body)["changes"].empty());
    EXPECT_EQ(Stored(server), 0);

    // Three messages arrived over STARTTLS (the server refuses mail without it).
    ASSERT_TRUE(testing::Eventually([&] { return smtp.Messages().size() == 3; }));
    std::vector<std::string> tokens;
    for (size_t i = 0; i < 3; ++i) {
        const auto about = MessagesAbout(smtp, "alice@example.org", ids[i]);
        ASSERT_EQ(about.size(), 1u) << ids[i];
        EXPECT_NE(about[0].find("From: Marketplace <marketplace@example.org>"), std::string::npos);
        EXPECT_NE(about[0].find("Subject: Confirm your e-mail address to publish image " + ids[i]),
                  std::string::npos);
        tokens.push_back(TokenIn(about[0]));
        ASSERT_EQ(tokens.back().size(), 43u) << about[0];
    }

    // Wrong and malformed links: 404 naming the problem, nothing published.
    auto wrong = Get(server, "confirm/" + std::string(43, 'A'));
    ASSERT_TRUE(wrong.ok());
    EXPECT_EQ(wrong->status, 404);
    EXPECT_NE(wrong->body.find("no such confirmation link"), std::string::npos) << wrong->body;
    EXPECT_EQ(Get(server, "confirm/short")->status, 404);
    const int traversal = Get(server, "confirm/%2e%2e%2fetc")->status;
    EXPECT_TRUE(traversal == 400 || traversal == 404) << traversal;
    EXPECT_EQ(Stored(server), 0);

    // The second message's link publishes all three, in upload order.
    auto confirmed = Get(server, "confirm/" + tokens[1]);
    ASSERT_TRUE(confirmed.ok());
    ASSERT_EQ(confirmed->status, 200) << confirmed->body;
    const json outcome = json::parse(confirmed->body);
    EXPECT_EQ(outcome["email"], "alice@example.org");
    ASSERT_EQ(outcome["published"].size(), 3u);
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(outcome["published"][i]["identifier"], ids[i]);
    const json feed = json::parse(Get(server, "changes")->body)["changes"];
    ASSERT_EQ(feed.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(feed[i]["identifier"], ids[i]);
        EXPECT_EQ(feed[i]["document"], docs[i]);  // byte for byte
    }
    EXPECT_EQ(Get(server, path)->status, 200);

    // Every link of the address is used up now; a browser gets the HTML page.
    for (const std::string& t : tokens) {
        auto reused = Get(server, "confirm/" + t);
        EXPECT_EQ(reused->status, 404);
        EXPECT_NE(reused->body.find("already used"), std::string::npos) << reused->body;
    }
    auto html = Get(server, "confirm/" + tokens[0], "text/html");
    EXPECT_EQ(html->status, 404);
    EXPECT_NE(html->body.find("<!DOCTYPE html>"), std::string::npos);
    EXPECT_EQ(Stored(server), 3);

    // Confirmed: the next upload is stored at once, and no message is sent.
    auto fourth = Upload(server, Doc("alice", "four"), "application/json");
    ASSERT_TRUE(fourth.ok());
    EXPECT_EQ(fourth->status, 201) << fourth->body;
    EXPECT_EQ(smtp.Messages().size(), 3u);

    const std::string metrics = Metrics(server);
    EXPECT_NE(metrics.find("marketplace_confirmation_events_total{event=\"held\"} 3"),
              std::string::npos);
    EXPECT_NE(metrics.find("marketplace_confirmation_events_total{event=\"published\"} 3"),
              std::string::npos);
    EXPECT_NE(metrics.find("marketplace_confirmation_events_total{event=\"link_refused\"} 6"),
              std::string::npos)
        << metrics.substr(metrics.find("marketplace_confirmation"), 800);
    EXPECT_NE(metrics.find("marketplace_confirmation_held_uploads 0"), std::string::npos);
    EXPECT_NE(
        metrics.find("marketplace_uploads_accepted_total{origin=\"upload\",result=\"held\"} 3"),
        std::string::npos);
    EXPECT_NE(
        metrics.find(
            "marketplace_uploads_accepted_total{origin=\"confirmation\",result=\"created\"} 3"),
        std::string::npos);
    const auto file = dir_ / "metrics.txt";
    std::ofstream(file) << metrics;
    const std::string check = "promtool check metrics < '" + file.string() + "' > /dev/null 2>&1";
    EXPECT_EQ(std::system(check.c_str()), 0) << "promtool refused the confirmation metrics";
}

TEST_F(ConfirmationFlowTest, HeldUploadsSurviveARestartAndAnExpiredLinkPublishesNothing) {
    testing::SmtpProcess smtp(dir_ / "smtp", true);
    const auto settings = Settings(smtp, SqliteSetting());
    std::string token;
    {
        ServerProcess server(WorkDir("first"), settings);
        ASSERT_EQ(Upload(server, Doc("erin", "one"), "application/json")->status, 202);
        ASSERT_EQ(Upload(server, Doc("carol", "two"), "application/json")->status, 202);
        ASSERT_TRUE(testing::Eventually([&] { return smtp.Messages().size() == 2; }));
        token = TokenIn(MessagesAbout(smtp, "erin@example.org", testing::IdentifierOf("one"))[0]);
        server.Signal(SIGTERM);
    }
    // Time passes for erin's upload only: its expiry is set into the past.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "m.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(
        sqlite3_exec(db,
                     "UPDATE pending_uploads SET expires = 1 WHERE email = 'erin@example.org';"
                     "UPDATE confirmation_tokens SET expires = 1 "
                     "WHERE email = 'erin@example.org';",
                     nullptr, nullptr, nullptr),
        SQLITE_OK);
    sqlite3_close(db);

    ServerProcess server(WorkDir("second"), settings);
    auto expired = Get(server, "confirm/" + token);
    ASSERT_TRUE(expired.ok());
    EXPECT_EQ(expired->status, 404);
    EXPECT_NE(expired->body.find("confirmation link expired at 1970-01-01T00:00:01Z"),
              std::string::npos)
        << expired->body;
    EXPECT_EQ(Stored(server), 0);
    // carol's upload was kept across the restart; her link still works.
    const std::string carol =
        TokenIn(MessagesAbout(smtp, "carol@example.org", testing::IdentifierOf("two"))[0]);
    auto confirmed = Get(server, "confirm/" + carol);
    ASSERT_EQ(confirmed->status, 200) << confirmed->body;
    EXPECT_EQ(json::parse(confirmed->body)["published"].size(), 1u);
    EXPECT_EQ(Stored(server), 1);
}

TEST_F(ConfirmationFlowTest, WhenTheMailServerIsDownTheUploadGetsA503AndNothingIsKept) {
    testing::SmtpProcess smtp(dir_ / "smtp", true);
    ServerProcess server(WorkDir("server"), Settings(smtp, SqliteSetting()));
    smtp.Stop();
    auto r = Upload(server, Doc("alice", "one"), "application/json");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 503) << r->body;
    EXPECT_NE(r->body.find("the confirmation e-mail to alice@example.org could not be sent"),
              std::string::npos)
        << r->body;
    EXPECT_NE(r->body.find("127.0.0.1:" + std::to_string(smtp.port())), std::string::npos);
    const std::string metrics = Metrics(server);
    EXPECT_NE(metrics.find("marketplace_confirmation_events_total{event=\"mail_failed\"} 1"),
              std::string::npos);
    EXPECT_NE(metrics.find("marketplace_confirmation_held_uploads 0"), std::string::npos);
    EXPECT_EQ(Stored(server), 0);
}

TEST_F(ConfirmationFlowTest, ReplicasShareHeldUploadsAndALinkFollowedOnOnePublishesOnBoth) {
    testing::SmtpProcess smtp(dir_ / "smtp", true);
    const std::string conninfo = testing::FreshPgSchema(testing::PgClusterConninfo());
    const std::string store = "store.type=postgresql";
    auto settings = Settings(smtp, store);
    settings.push_back("store.postgresql.conninfo=" + conninfo);
    ServerProcess a(WorkDir("a"), settings);
    ServerProcess b(WorkDir("b"), settings);
    ASSERT_EQ(Upload(a, Doc("alice", "one"), "application/json")->status, 202);
    ASSERT_TRUE(testing::Eventually([&] { return smtp.Messages().size() == 1; }));
    const std::string token = TokenIn(smtp.Messages()[0]);

    auto confirmed = Get(b, "confirm/" + token);
    ASSERT_EQ(confirmed->status, 200) << confirmed->body;
    const std::string path = "metadata/" + testing::IdentifierOf("one") + "/alice@example.org";
    EXPECT_EQ(Get(a, path)->status, 200);
    EXPECT_EQ(Get(b, path)->status, 200);
    EXPECT_EQ(Get(a, "confirm/" + token)->status, 404);  // used, on every replica
    // The address is confirmed for both replicas.
    EXPECT_EQ(Upload(a, Doc("alice", "two"), "application/json")->status, 201);
}

TEST_F(ConfirmationFlowTest, EntriesPulledFromAFederationPeerAreNeverHeld) {
    testing::SmtpProcess smtp(dir_ / "smtp", true);
    const auto pki = testing::TestPki();
    ServerProcess peer(WorkDir("peer"),
                       {"store.sqlite.path=" + (dir_ / "peer.db").string(), "trust.mode=strict",
                        "trust.ca_dir=" + (pki / "ca").string(), "http.access_log=off"});
    ASSERT_EQ(Upload(peer, Doc("erin", "one"), "application/json")->status, 201);
    auto settings = Settings(smtp, SqliteSetting());
    settings.insert(settings.end(),
                    {"federation.peer.p=" + peer.url(), "federation.interval_seconds=1",
                     "federation.state_dir=" + (dir_ / "cursors").string()});
    ServerProcess server(WorkDir("server"), settings);
    ASSERT_TRUE(testing::Eventually([&] { return Stored(server) == 1; }));
    EXPECT_TRUE(smtp.Messages().empty());
    // erin has an entry here now, so her own uploads are not held either.
    EXPECT_EQ(Upload(server, Doc("erin", "two"), "application/json")->status, 201);
    EXPECT_TRUE(smtp.Messages().empty());
}

}  // namespace
}  // namespace mkt
