// The server learns what a provider holds by reading the provider's real Glance
// (occi.provider.<name>.glance, server/glance_poller.hpp) and shows it in the
// native JSON entry within one poll interval (polled with a deadline).
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "client/glance_client.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/glance_process.hpp"
#include "tests/support/test_server.hpp"

namespace mkt::testing {
namespace {

using nlohmann::json;

constexpr const char* kOcci = "https://occi.site-a.example.org:11443";

class GlanceHoldingsTest : public ::testing::Test {
  protected:
    ~GlanceHoldingsTest() override {
        for (const auto& id : made_) (void)glance_.Delete(id);
    }

    std::string MakeGlanceImage(const std::string& identifier) {
        client::GlanceImageCreate image;
        image.name = "held";
        image.disk_format = "raw";
        image.properties = {{"vmcatcher_event_dc_identifier", identifier}};
        auto made = glance_.Create(image);
        EXPECT_TRUE(made.ok()) << made.status().message();
        if (!made.ok()) return "";
        made_.push_back(made->id);
        return made->id;
    }

    json EntryJson(const std::string& path) {
        auto r = server_.Get(path, "application/json");
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body);
    }

    // Polls the entry until `pred(available_at)` holds; the poll interval is 1 s,
    // so 20 s is far more than one interval.
    bool EventuallyAvailable(const std::string& path,
                             const std::function<bool(const json&)>& pred) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (std::chrono::steady_clock::now() < deadline) {
            if (pred(EntryJson(path)["available_at"])) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    }

    client::GlanceClient glance_{SharedGlanceUrl(), {}};
    TestServer server_{{std::string("occi.provider.site-a=") + kOcci,
                        "occi.provider.site-a.glance=" + SharedGlanceUrl(),
                        "occi.glance_poll_seconds=1"}};
    std::vector<std::string> made_;
};

TEST_F(GlanceHoldingsTest, TheEntryShowsTheProviderHoldingItWithinOnePollInterval) {
    const Timestamp now = server_.clock().Now();
    ASSERT_EQ(server_.Upload(SignedDocument("alice", {.image = "held image"}, now)).status, 201);
    const std::string id = IdentifierOf("held image");
    const std::string path = "metadata/" + id + "/alice@example.org/" + now.ToString();
    EXPECT_TRUE(EntryJson(path)["available_at"].empty());

    const std::string glance_id = MakeGlanceImage(id);
    ASSERT_TRUE(EventuallyAvailable(path, [](const json& a) { return a.size() == 1; }));
    const json a = EntryJson(path)["available_at"][0];
    EXPECT_EQ(a["provider"], "site-a");
    EXPECT_EQ(a["occi_endpoint"], kOcci);
    EXPECT_EQ(a["glance_id"], glance_id);
    EXPECT_EQ(a["state"], "queued");
    EXPECT_EQ(a["os_tpl"]["scheme"], "http://schemas.openstack.org/template/os#");
    EXPECT_EQ(a["os_tpl"]["term"], glance_id);

    // Gone from Glance: gone from the Marketplace's answer.
    ASSERT_TRUE(glance_.Delete(glance_id).ok());
    EXPECT_TRUE(EventuallyAvailable(path, [](const json& list) { return list.empty(); }));
}

TEST_F(GlanceHoldingsTest, AnImageWithoutAValidIdentifierPropertyIsNotAHolding) {
    const Timestamp now = server_.clock().Now();
    ASSERT_EQ(server_.Upload(SignedDocument("alice", {.image = "other image"}, now)).status, 201);
    const std::string id = IdentifierOf("other image");
    const std::string path = "metadata/" + id + "/alice@example.org/" + now.ToString();
    MakeGlanceImage("not-an-identifier");
    const std::string held = MakeGlanceImage(id);
    ASSERT_TRUE(EventuallyAvailable(path, [](const json& a) { return a.size() == 1; }));
    EXPECT_EQ(EntryJson(path)["available_at"][0]["glance_id"], held);
}

}  // namespace
}  // namespace mkt::testing
