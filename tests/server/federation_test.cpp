// Federation between real server processes, each on its own SQLite store:
// the change feed over HTTP, a ring of three instances that converges (also
// when one of them was stopped while the others took uploads), --sync-from,
// and a peer that answers garbage.
#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "client/http_client.hpp"
#include "http/dispatcher.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "registry/clock.hpp"
#include "tests/server/replica_support.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt {
namespace {

using nlohmann::json;
using testing::ServerProcess;

// A loopback port free now (the servers of a ring must know each other's
// ports before they start).
uint16_t FreePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), length), 0);
    EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
    ::close(fd);
    return ntohs(address.sin_port);
}

struct Change {
    int64_t seq;
    std::string key, document;
};

// Every change of a server's feed, read page by page.
std::vector<Change> WholeFeed(const ServerProcess& server, size_t page = 250) {
    std::vector<Change> out;
    client::HttpClient http;
    int64_t after = 0;
    for (;;) {
        auto r = http.Get(server.url("changes?after=" + std::to_string(after) +
                                     "&limit=" + std::to_string(page)));
        EXPECT_TRUE(r.ok() && r->status == 200);
        if (!r.ok() || r->status != 200) return out;
        const json body = json::parse(r->body);
        if (body["changes"].empty()) return out;
        for (const json& c : body["changes"]) {
            out.push_back({c["seq"].get<int64_t>(),
                           c["identifier"].get<std::string>() + "/" +
                               c["email"].get<std::string>() + "/" +
                               c["created"].get<std::string>(),
                           c["document"].get<std::string>()});
        }
        after = out.back().seq;
    }
}

class FederationTest : public ::testing::Test {
  protected:
    std::vector<std::string> Settings(const std::string& name,
                                      const std::map<std::string, std::string>& peers,
                                      std::optional<uint16_t> port = std::nullopt) {
        const auto pki = testing::TestPki();
        std::vector<std::string> s = {
            "store.sqlite.path=" + (dir_ / (name + ".db")).string(),
            "trust.mode=strict",
            "trust.ca_dir=" + (pki / "ca").string(),
            "http.access_log=off",
            "http.threads=8",
            "federation.interval_seconds=1",
            "federation.page_size=100",
            "federation.state_dir=" + (dir_ / (name + "-federation")).string()};
        if (port) s.push_back("http.port=" + std::to_string(*port));
        for (const auto& [peer, url] : peers) s.push_back("federation.peer." + peer + "=" + url);
        return s;
    }
    std::filesystem::path WorkDir(const std::string& name) {
        const auto d = dir_ / (name + "-work");
        std::filesystem::create_directories(d);
        return d;
    }
    std::vector<std::string> Documents(const std::string& prefix, size_t n) {
        std::vector<std::string> docs;
        const Timestamp now = SystemClock().Now();
        for (size_t i = 0; i < n; ++i) {
            docs.push_back(testing::SignedDocument(
                i % 2 ? "alice" : "erin", {.image = prefix + std::to_string(i)}, now - 60));
        }
        return docs;
    }
    // Uploads with 4 clients; every one must be a 201.
    void UploadAll(const ServerProcess& server, const std::vector<std::string>& docs) {
        std::atomic<size_t> next{0};
        std::atomic<int> failures{0};
        std::vector<std::thread> clients;
        for (int t = 0; t < 4; ++t) {
            clients.emplace_back([&] {
                client::HttpClient http;
                for (size_t i = next++; i < docs.size(); i = next++) {
                    auto r = testing::Upload(http, server, docs[i]);
                    if (!r.ok() || r->status != 201) ++failures;
                }
            });
        }
        for (auto& c : clients) c.join();
        EXPECT_EQ(failures.load(), 0);
    }
    static int64_t Entries(const ServerProcess& server) {
        auto h = testing::Health(server);
        return h ? (*h)["entries"].get<int64_t>() : -1;
    }

    testing::TempDir dir_;
};

TEST_F(FederationTest, TheFeedIsInSeqOrderWithTheSignedBytesAndRefusesBadParameters) {
    ServerProcess a(WorkDir("a"), Settings("a", {}));
    const auto docs = Documents("feed-", 5);
    for (const auto& d : docs) {
        client::HttpClient http;
        ASSERT_EQ(testing::Upload(http, a, d)->status, 201);
    }
    const std::vector<Change> feed = WholeFeed(a, 2);
    ASSERT_EQ(feed.size(), 5u);
    client::HttpClient http;
    for (size_t i = 0; i < feed.size(); ++i) {
        EXPECT_EQ(feed[i].seq, static_cast<int64_t>(i + 1));
        EXPECT_EQ(feed[i].document, docs[i]);  // byte for byte
        auto entry = http.Get(a.url("metadata/" + feed[i].key), "application/rdf+xml");
        EXPECT_EQ(entry->body, feed[i].document);
    }
    auto empty = http.Get(a.url("changes?after=5"));
    EXPECT_EQ(json::parse(empty->body), json::parse(R"({"changes": [], "last_seq": 5})"));
    auto xml = http.Get(a.url("changes?after=4"), "application/xml");
    EXPECT_EQ(xml->status, 200);
    EXPECT_NE(xml->body.find("<changes last_seq=\"5\">"), std::string::npos);
    EXPECT_NE(xml->body.find("<change seq=\"5\""), std::string::npos);
    for (const char* bad : {"changes?after=-1", "changes?after=x", "changes?limit=0",
                            "changes?limit=1001", "changes?after=1e3"}) {
        auto r = http.Get(a.url(bad));
        EXPECT_EQ(r->status, 400) << bad;
        EXPECT_NE(r->body.find("expected an integer"), std::string::npos) << r->body;
    }
    EXPECT_EQ(http.Get(a.url("changes"), "text/html")->status, 406);
}

TEST_F(FederationTest, ARingOfThreeConvergesAfterOneWasStoppedDuringUploads) {
    const uint16_t pa = FreePort(), pb = FreePort(), pc = FreePort();
    auto url = [](uint16_t p) { return "http://127.0.0.1:" + std::to_string(p) + "/"; };
    // B pulls from A, C from B, A from C.
    const auto sa = Settings("a", {{"c", url(pc)}}, pa);
    const auto sb = Settings("b", {{"a", url(pa)}}, pb);
    const auto sc = Settings("c", {{"b", url(pb)}}, pc);
    ServerProcess a(WorkDir("a"), sa);
    auto b = std::make_unique<ServerProcess>(WorkDir("b"), sb);
    ServerProcess c(WorkDir("c"), sc);
    const auto to_a = Documents("ring-a-", 1000), to_c = Documents("ring-c-", 300);

    UploadAll(a, {to_a.begin(), to_a.begin() + 500});
    UploadAll(c, {to_c.begin(), to_c.begin() + 150});
    // B has pulled the first half (C's part through A) before it stops.
    ASSERT_TRUE(testing::Eventually([&] { return Entries(*b) == 650; }, std::chrono::seconds(30)));
    b->Signal(SIGTERM);
    b.reset();
    UploadAll(a, {to_a.begin() + 500, to_a.end()});
    UploadAll(c, {to_c.begin() + 150, to_c.end()});
    b = std::make_unique<ServerProcess>(WorkDir("b"), sb);

    const auto started = std::chrono::steady_clock::now();
    const bool converged = testing::Eventually(
        [&] { return Entries(a) == 1300 && Entries(*b) == 1300 && Entries(c) == 1300; },
        std::chrono::seconds(30));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("ring converged %s %.2f s after B restarted\n", converged ? "in" : "NOT in",
                seconds);
    ASSERT_TRUE(converged) << Entries(a) << " " << Entries(*b) << " " << Entries(c);

    // The same (key, bytes) everywhere, each key once.
    const std::vector<Change> fa = WholeFeed(a), fb = WholeFeed(*b), fc = WholeFeed(c);
    auto as_map = [](const std::vector<Change>& feed) {
        std::map<std::string, std::string> m;
        for (const Change& ch : feed) EXPECT_TRUE(m.emplace(ch.key, ch.document).second) << ch.key;
        return m;
    };
    const auto ma = as_map(fa);
    EXPECT_EQ(ma.size(), 1300u);
    EXPECT_EQ(ma, as_map(fb));
    EXPECT_EQ(ma, as_map(fc));

    // Each origin's order is kept: the entries uploaded to A appear in A's seq
    // order in every feed, and those uploaded to C in C's.
    const std::set<std::string> sent_to_a(to_a.begin(), to_a.end()),
        sent_to_c(to_c.begin(), to_c.end());
    auto order_of = [](const std::vector<Change>& feed, const std::set<std::string>& origin) {
        std::vector<std::string> keys;
        for (const Change& ch : feed) {
            if (origin.contains(ch.document)) keys.push_back(ch.key);
        }
        return keys;
    };
    ASSERT_EQ(order_of(fa, sent_to_a).size(), 1000u);
    ASSERT_EQ(order_of(fc, sent_to_c).size(), 300u);
    EXPECT_EQ(order_of(fa, sent_to_a), order_of(fb, sent_to_a));
    EXPECT_EQ(order_of(fa, sent_to_a), order_of(fc, sent_to_a));
    EXPECT_EQ(order_of(fc, sent_to_c), order_of(fa, sent_to_c));
    EXPECT_EQ(order_of(fc, sent_to_c), order_of(fb, sent_to_c));

    // /health shows each peer caught up, with its counts.
    ASSERT_TRUE(testing::Eventually([&] {
        auto h = testing::Health(*b);
        return h && (*h)["peers"]["a"]["lag"] == 0 && (*h)["peers"]["a"]["last_error"].is_null();
    }));
    const json peer_a = (*testing::Health(*b))["peers"]["a"];
    EXPECT_EQ(peer_a["refused"], 0);
    EXPECT_EQ(peer_a["url"], url(pa));
    EXPECT_GT(peer_a["cursor"].get<int64_t>(), 0);
    // /metrics carries the same figures per peer.
    auto metrics = client::HttpClient().Get(b->url("metrics"));
    ASSERT_EQ(metrics->status, 200);
    EXPECT_NE(metrics->body.find("marketplace_federation_peer_lag{peer=\"a\"} 0"),
              std::string::npos);
    EXPECT_NE(metrics->body.find("marketplace_federation_peer_up{peer=\"a\"} 1"),
              std::string::npos);
    EXPECT_NE(
        metrics->body.find("marketplace_federation_entries_total{peer=\"a\",outcome=\"stored\"}"),
        std::string::npos);
    {
        const auto file = dir_ / "metrics.txt";
        std::ofstream(file) << metrics->body;
        const std::string check =
            "promtool check metrics < '" + file.string() + "' > /dev/null 2>&1";
        EXPECT_EQ(std::system(check.c_str()), 0) << "promtool refused the federation metrics";
    }
    // B restarted with its cursor file: its second life read only what was new
    // (the 650 entries A's feed had before B stopped were not read again).
    EXPECT_EQ(peer_a["stored"].get<int64_t>() + peer_a["already_present"].get<int64_t>(), 650);
}

TEST_F(FederationTest, SyncFromPullsAWholeInstanceAndReportsWhatItDid) {
    ServerProcess a(WorkDir("a"), Settings("a", {}));
    UploadAll(a, Documents("seed-", 300));
    const auto target = Settings("seeded", {});
    std::vector<std::string> argv = {(testing::BinaryDir() / "server/marketplace-server").string(),
                                     "--sync-from", a.url()};
    for (const auto& s : target) {
        argv.push_back("--set");
        argv.push_back(s);
    }
    std::string command;
    for (const auto& arg : argv) command += "'" + arg + "' ";
    const auto out = dir_ / "sync.out";
    const int status = std::system((command + "> " + out.string() + " 2>&1").c_str());
    const std::string printed = testing::ReadFile(out);
    EXPECT_EQ(WEXITSTATUS(status), 0) << printed;
    EXPECT_NE(printed.find("sync-from: done: stored 300, already present 0, refused 0; read up to "
                           "seq 300 of 300"),
              std::string::npos)
        << printed;
    // Again: everything is already there.
    const int again = std::system((command + "> " + out.string() + " 2>&1").c_str());
    EXPECT_EQ(WEXITSTATUS(again), 0);
    EXPECT_NE(testing::ReadFile(out).find("stored 0, already present 300, refused 0"),
              std::string::npos)
        << testing::ReadFile(out);
    // The seeded store serves the same keys and bytes.
    ServerProcess seeded(WorkDir("seeded"), target);
    const auto fa = WholeFeed(a), fs = WholeFeed(seeded);
    ASSERT_EQ(fa.size(), fs.size());
    for (size_t i = 0; i < fa.size(); ++i) {
        EXPECT_EQ(fa[i].key, fs[i].key);
        EXPECT_EQ(fa[i].document, fs[i].document);
    }
    // A peer that is not a Marketplace: exit 3 with the reason.
    const std::string bad = "'" + argv[0] + "' --sync-from " + a.url("metadata/") + " --set " +
                            "store.sqlite.path=" + (dir_ / "x.db").string() +
                            " --set trust.ca_dir=" + (testing::TestPki() / "ca").string() + " > " +
                            out.string() + " 2>&1";
    const int failed = std::system(bad.c_str());
    EXPECT_EQ(WEXITSTATUS(failed), 3);
    EXPECT_NE(testing::ReadFile(out).find("answered HTTP 4"), std::string::npos)
        << testing::ReadFile(out);
}

TEST_F(FederationTest, APeerAnsweringGarbageIsRetriedAndReportedWithoutStoppingTheServer) {
    ServerProcess not_a_peer(WorkDir("x"), Settings("x", {}));
    // The web UI's HTML is not a change feed page.
    ServerProcess b(WorkDir("b"), Settings("b", {{"html", not_a_peer.url("metadata/")},
                                                 {"down", "http://127.0.0.1:1/"}}));
    ASSERT_TRUE(testing::Eventually([&] {
        auto h = testing::Health(b);
        return h && (*h)["peers"]["html"]["last_error"].is_string() &&
               (*h)["peers"]["down"]["last_error"].is_string();
    }));
    const json peers = (*testing::Health(b))["peers"];
    EXPECT_NE(peers["down"]["last_error"].get<std::string>().find("peer down: cannot reach"),
              std::string::npos)
        << peers.dump();
    EXPECT_NE(peers["html"]["last_error"].get<std::string>().find("peer html: "),
              std::string::npos);
    // Uploads and reads go on.
    client::HttpClient http;
    EXPECT_EQ(testing::Upload(http, b, Documents("alive-", 1)[0])->status, 201);
    EXPECT_EQ(Entries(b), 1);
}

TEST_F(FederationTest, ImageListsAreSignedHepixListsOfTheSelectedValidImages) {
    const auto pki = testing::TestPki();
    // carol is issued by the intermediate CA: the certificate file carries it,
    // so the signature carries the chain a subscriber with the root alone needs.
    const auto chain_file = dir_ / "carol-chain.pem";
    std::ofstream(chain_file) << testing::ReadFile(pki / "carol.pem")
                              << testing::ReadFile(pki / "intermediate.pem");
    auto settings = Settings("a", {});
    for (const std::string& s : std::vector<std::string>{
             "imagelist.egi.title=EGI test list", "imagelist.egi.description=Images for EGI sites",
             "imagelist.egi.uuid=6C1F0B52-8A9E-4F3C-9D2A-0123456789AB",
             "imagelist.egi.endorsers=alice@example.org, erin@example.org",
             "imagelist.egi.os=ubuntu", "imagelist.egi.lifetime_days=3",
             "imagelist.egi.cert_file=" + chain_file.string(),
             "imagelist.egi.key_file=" + (pki / "carol.key").string()})
        settings.push_back(s);
    ServerProcess a(WorkDir("a"), settings);
    const Timestamp now = SystemClock().Now();
    client::HttpClient http;
    auto upload = [&](const std::string& who, testing::DocumentSpec spec, int64_t age = 60) {
        ASSERT_EQ(testing::Upload(http, a, testing::SignedDocument(who, spec, now - age))->status,
                  201);
    };
    upload("alice", {.image = "listed-1", .title = "Ubuntu listed"});
    upload("erin", {.image = "listed-2"});
    upload("alice", {.image = "gone", .deprecated = "superseded"});
    upload("alice", {.image = "old", .valid = now - 10});
    upload("alice", {.image = "centos", .os = "centos"});
    upload("carol", {.image = "carol-only"});  // endorser not selected

    auto first = http.Get(a.url("imagelists/egi"));
    ASSERT_EQ(first->status, 200) << first->body;
    const auto signed_list = dir_ / "egi.list", content = dir_ / "egi.json";
    { std::ofstream(signed_list, std::ios::binary) << first->body; }
    const std::string verify = "openssl smime -verify -CAfile " + (pki / "ca.pem").string() +
                               " -in " + signed_list.string() + " -out " + content.string() +
                               " 2>/dev/null";
    ASSERT_EQ(std::system(verify.c_str()), 0) << first->body;
    const json list = json::parse(testing::ReadFile(content))["hv:imagelist"];
    EXPECT_EQ(list["dc:identifier"], "6c1f0b52-8a9e-4f3c-9d2a-0123456789ab");
    EXPECT_EQ(list["dc:title"], "EGI test list");
    for (const char* field : {"dc:date:created", "dc:date:expires", "hv:version", "hv:uri"})
        EXPECT_TRUE(list[field].is_string() && !list[field].get<std::string>().empty()) << field;
    EXPECT_EQ(Timestamp::Parse(list["dc:date:expires"].get<std::string>())->unix_seconds() -
                  Timestamp::Parse(list["dc:date:created"].get<std::string>())->unix_seconds(),
              3 * 86400);
    const json x509 = list["hv:endorser"]["hv:x509"];
    EXPECT_NE(x509["hv:dn"].get<std::string>().find("/CN="), std::string::npos);
    EXPECT_NE(x509["hv:ca"].get<std::string>().find("/CN="), std::string::npos);
    EXPECT_TRUE(x509["hv:email"].is_string());
    ASSERT_EQ(list["hv:images"].size(), 2u) << list.dump(2);
    std::set<std::string> identifiers;
    for (const json& item : list["hv:images"]) {
        const json image = item["hv:image"];
        for (const char* field :
             {"dc:identifier", "dc:title", "dc:description", "hv:uri", "sl:checksum:sha512",
              "hv:version", "sl:arch", "sl:os", "sl:osversion", "ad:mpuri"})
            EXPECT_TRUE(image[field].is_string() && !image[field].get<std::string>().empty())
                << field << " " << image.dump();
        EXPECT_TRUE(image["hv:size"].is_number_unsigned());
        EXPECT_EQ(image["sl:checksum:sha512"].get<std::string>().size(), 128u);
        EXPECT_EQ(image["sl:os"], "ubuntu");
        EXPECT_EQ(http.Get(image["ad:mpuri"].get<std::string>(), "application/rdf+xml")->status,
                  200);
        identifiers.insert(image["sl:identifier"].get<std::string>());
    }
    EXPECT_EQ(identifiers, (std::set<std::string>{testing::IdentifierOf("listed-1"),
                                                  testing::IdentifierOf("listed-2")}));

    // One changed byte of the body: the verification fails.
    std::string tampered = first->body;
    tampered[tampered.find("EGI test list")] = 'X';
    { std::ofstream(signed_list, std::ios::binary) << tampered; }
    EXPECT_NE(std::system(verify.c_str()), 0);

    // Unchanged selection: the same bytes, 304 for the ETag; a new selected
    // entry: a new list with a greater hv:version.
    auto again = http.Get(a.url("imagelists/egi"));
    EXPECT_EQ(again->body, first->body);
    const std::string etag = first->Header("ETag");
    ASSERT_FALSE(etag.empty());
    client::HttpRequest conditional{"GET", a.url("imagelists/egi"), {{"If-None-Match", etag}}, ""};
    EXPECT_EQ(http.Send(conditional)->status, 304);
    upload("erin", {.image = "listed-3"});
    auto rebuilt = http.Send(conditional);
    EXPECT_EQ(rebuilt->status, 200);
    EXPECT_NE(rebuilt->Header("ETag"), etag);
    EXPECT_NE(rebuilt->body.find(testing::IdentifierOf("listed-3")), std::string::npos);
    EXPECT_EQ(first->body.find("\"hv:version\": \"7\""), std::string::npos);
    EXPECT_NE(rebuilt->body.find("\"hv:version\": \"7\""), std::string::npos);

    // An entry that expires leaves the list without any new upload.
    upload("erin", {.image = "short-lived", .valid = SystemClock().Now() + 3});
    EXPECT_NE(http.Get(a.url("imagelists/egi"))->body.find(testing::IdentifierOf("short-lived")),
              std::string::npos);
    EXPECT_TRUE(testing::Eventually(
        [&] {
            return http.Get(a.url("imagelists/egi"))
                       ->body.find(testing::IdentifierOf("short-lived")) == std::string::npos;
        },
        std::chrono::seconds(15)));

    auto index = json::parse(http.Get(a.url("imagelists/"))->body);
    EXPECT_EQ(index["imagelists"][0]["name"], "egi");
    auto missing = http.Get(a.url("imagelists/nope"));
    EXPECT_EQ(missing->status, 404);
    EXPECT_NE(missing->body.find("no image list named 'nope' (known: egi)"), std::string::npos);
}

// A peer serving a tampered entry, one signed under a CA this instance does not
// trust, a document that is not metadata, and one garbage page: each refusal
// is counted and logged with its reason, the garbage page is retried, the rest
// of the feed is stored and nothing bad is.
class HostilePeer {
  public:
    explicit HostilePeer(std::vector<std::string> documents) : documents_(std::move(documents)) {
        router_.Add(http::Method::kGet, "/changes",
                    [this](http::Request& req) { return Page(req); });
        EXPECT_TRUE(router_.Check().ok());
        options_.port = 0;
        options_.threads = 2;
        options_.access_log = "off";
        dispatcher_ = std::make_unique<http::Dispatcher>(router_, options_, log_);
        server_ = std::make_unique<http::HttpServer>(options_, *dispatcher_);
        EXPECT_TRUE(server_->Start().ok());
    }
    ~HostilePeer() { server_->Stop(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/"; }
    int requests() const { return requests_.load(); }

  private:
    Result<http::Response> Page(http::Request& req) {
        // The second request gets a page that is not JSON.
        if (++requests_ == 2) return http::Response::Make(200, "application/json", "<html>");
        const int64_t after = std::stoll(req.QueryParam("after").value_or("0"));
        const size_t limit = std::stoul(req.QueryParam("limit").value_or("100"));
        json changes = json::array();
        for (size_t i = static_cast<size_t>(after); i < documents_.size() && changes.size() < limit;
             ++i) {
            changes.push_back({{"seq", i + 1},
                               {"identifier", "claimed"},
                               {"email", "claimed@example.org"},
                               {"created", "2026-01-01T00:00:00Z"},
                               {"document", documents_[i]}});
        }
        return http::Response::Make(
            200, "application/json",
            json{{"changes", changes}, {"last_seq", documents_.size()}}.dump());
    }

    std::vector<std::string> documents_;
    std::atomic<int> requests_{0};
    http::Router router_;
    http::HttpOptions options_;
    http::AccessLog log_;
    std::unique_ptr<http::Dispatcher> dispatcher_;
    std::unique_ptr<http::HttpServer> server_;
};

TEST_F(FederationTest, APeerServingBadEntriesAndAGarbagePageGetsOnlyTheGoodOnesStored) {
    const Timestamp now = SystemClock().Now();
    const std::string good = testing::SignedDocument("alice", {.image = "good"}, now - 60);
    std::string tampered = testing::SignedDocument("alice", {.image = "tampered"}, now - 60);
    tampered.replace(tampered.find("An image for tests"), 2, "A ");
    const std::string untrusted = testing::SignedDocument("mallory", {.image = "mallory"}, now);
    const std::string old_but_good =
        testing::SignedDocument("erin", {.image = "old"}, now - 40 * 86400);
    HostilePeer peer({good, tampered, untrusted, "<not metadata/>", old_but_good});
    auto settings = Settings("b", {{"hostile", peer.url()}});
    settings.push_back("federation.page_size=2");
    const auto work = WorkDir("b");
    ServerProcess b(work, settings);

    ASSERT_TRUE(testing::Eventually(
        [&] {
            auto h = testing::Health(b);
            return h && (*h)["peers"]["hostile"]["cursor"] == 5 &&
                   (*h)["peers"]["hostile"]["last_error"].is_null();
        },
        std::chrono::seconds(30)));
    const json state = (*testing::Health(b))["peers"]["hostile"];
    EXPECT_EQ(state["stored"], 2);
    EXPECT_EQ(state["refused"], 3);
    EXPECT_GE(peer.requests(), 5);  // the garbage page was asked for again
    const std::vector<Change> feed = WholeFeed(b);
    ASSERT_EQ(feed.size(), 2u);
    EXPECT_EQ(feed[0].document, good);
    EXPECT_EQ(feed[1].document, old_but_good);  // replicated entries are not windowed
    const std::string log = testing::ReadFile(work / "server.log");
    for (size_t at = log.find("federation:"); at != std::string::npos;
         at = log.find("federation:", at + 1))
        std::printf("%s\n", log.substr(at, std::min<size_t>(220, log.find('\n', at) - at)).c_str());
    EXPECT_NE(log.find("peer hostile: change feed page: the body is not JSON"), std::string::npos)
        << log;
    for (const char* seq : {"refused seq 2 ", "refused seq 3 ", "refused seq 4 "})
        EXPECT_NE(log.find(seq), std::string::npos) << seq << "\n" << log;
}

}  // namespace
}  // namespace mkt
