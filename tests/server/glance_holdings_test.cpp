// The server learns what a provider holds by reading the provider's real Glance
// (occi.provider.<name>.glance, server/glance_poller.hpp) and shows it in the
// native JSON entry, OCCI (mixin, storage resource and its provider_image link),
// CIMI and the web entry page within one poll interval (polled with a deadline);
// the OCCI compute create built from the OCCI answer parses as a valid create.
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "client/glance_client.hpp"
#include "occi/syntax.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/glance_process.hpp"
#include "tests/support/test_server.hpp"

namespace mkt::testing {
namespace {

using nlohmann::json;

constexpr const char* kOcci = "https://occi.site-a.example.org:11443";
constexpr const char* kOsTplScheme = "http://schemas.openstack.org/template/os#";

// The compute create at a provider, as docs/sites.md "Starting the image at a
// provider" builds it from a provider_image link: the body of a text/plain POST
// to <provider.endpoint>/compute/.
std::string ComputeCreateBody(const std::string& os_tpl) {
    const size_t hash = os_tpl.find('#');
    return "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; "
           "class=\"kind\"\n"
           "Category: " +
           os_tpl.substr(hash + 1) + "; scheme=\"" + os_tpl.substr(0, hash + 1) +
           "\"; class=\"mixin\"\n";
}

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

TEST_F(GlanceHoldingsTest, OcciCimiAndTheWebEntryPageShowTheProviderOsTpl) {
    const Timestamp now = server_.clock().Now();
    ASSERT_EQ(server_.Upload(SignedDocument("alice", {.image = "startable"}, now)).status, 201);
    const std::string id = IdentifierOf("startable");
    const std::string path = "metadata/" + id + "/alice@example.org/" + now.ToString();
    const std::string glance_id = MakeGlanceImage(id);
    ASSERT_TRUE(EventuallyAvailable(path, [](const json& a) { return a.size() == 1; }));
    const std::string os_tpl = kOsTplScheme + glance_id;

    // OCCI storage resource: the aligned lists and one provider_image link.
    auto storage = server_.Get("storage/" + id, "application/occi+json");
    ASSERT_EQ(storage.status, 200) << storage.body;
    const json resource = json::parse(storage.body);
    const json& attrs = resource["attributes"];
    EXPECT_EQ(attrs["eu.stratuslab.marketplace.available_at.provider"], json::array({"site-a"}));
    EXPECT_EQ(attrs["eu.stratuslab.marketplace.available_at.endpoint"], json::array({kOcci}));
    EXPECT_EQ(attrs["eu.stratuslab.marketplace.available_at.os_tpl"], json::array({os_tpl}));
    const json* at_provider = nullptr;
    for (const json& link : resource["links"]) {
        if (link.value("mixins", json::array()).dump().find("provider_image") != std::string::npos)
            at_provider = &link;
    }
    ASSERT_NE(at_provider, nullptr) << storage.body;
    EXPECT_EQ((*at_provider)["target"]["location"], kOcci);
    const json& link_attrs = (*at_provider)["attributes"];
    EXPECT_EQ(link_attrs["eu.stratuslab.marketplace.provider"], "site-a");
    EXPECT_EQ(link_attrs["eu.stratuslab.marketplace.provider.endpoint"], kOcci);
    EXPECT_EQ(link_attrs["eu.stratuslab.marketplace.provider.state"], "queued");

    // The create built from the link is a valid OCCI create for the provider's os_tpl.
    const std::string create_os_tpl = link_attrs["eu.stratuslab.marketplace.provider.os_tpl"];
    EXPECT_EQ(create_os_tpl, os_tpl);
    auto create = occi::ParseBody(ComputeCreateBody(create_os_tpl));
    ASSERT_TRUE(create.ok()) << create.status().message();
    ASSERT_EQ(create->categories.size(), 2u);
    EXPECT_EQ(create->categories[0].cls, "kind");
    EXPECT_EQ(create->categories[0].TypeId(), "http://schemas.ogf.org/occi/infrastructure#compute");
    EXPECT_EQ(create->categories[1].cls, "mixin");
    EXPECT_EQ(create->categories[1].TypeId(), os_tpl);

    // OCCI query interface: the image's os_tpl mixin carries the same lists, and the
    // provider_image link mixin is declared.
    auto model = server_.Get("-/", "application/occi+json");
    ASSERT_EQ(model.status, 200);
    EXPECT_NE(model.body.find("provider_image"), std::string::npos);
    bool mixin_seen = false;
    const json model_json = json::parse(model.body);
    for (const json& mixin : model_json["mixins"]) {
        if (mixin.dump().find(id) == std::string::npos) continue;
        mixin_seen = true;
        EXPECT_NE(mixin.dump().find(os_tpl), std::string::npos) << mixin.dump();
    }
    EXPECT_TRUE(mixin_seen);

    // CIMI: provider properties.
    auto cimi = server_.Get("cimi/machineImages/" + id, "application/json");
    ASSERT_EQ(cimi.status, 200) << cimi.body;
    const json properties = json::parse(cimi.body)["properties"];
    EXPECT_EQ(properties["provider.site-a"], os_tpl);
    EXPECT_EQ(properties["provider.site-a.endpoint"], kOcci);
    EXPECT_EQ(properties["provider.site-a.state"], "queued");

    // Web entry page: "Available at".
    auto page = server_.Get(path, "text/html");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("Available at"), std::string::npos);
    EXPECT_NE(page.body.find("site-a"), std::string::npos);
    EXPECT_NE(page.body.find(os_tpl), std::string::npos);
}

TEST_F(GlanceHoldingsTest, AnImageNoProviderHoldsShowsNoProviderAnywhere) {
    const Timestamp now = server_.clock().Now();
    ASSERT_EQ(server_.Upload(SignedDocument("alice", {.image = "nowhere"}, now)).status, 201);
    const std::string id = IdentifierOf("nowhere");
    const std::string path = "metadata/" + id + "/alice@example.org/" + now.ToString();
    EXPECT_TRUE(EntryJson(path)["available_at"].empty());
    auto storage = server_.Get("storage/" + id, "application/occi+json");
    ASSERT_EQ(storage.status, 200);
    EXPECT_EQ(storage.body.find("available_at"), std::string::npos);
    EXPECT_EQ(storage.body.find("provider_image"), std::string::npos);
    auto cimi = server_.Get("cimi/machineImages/" + id, "application/json");
    EXPECT_EQ(cimi.body.find("provider."), std::string::npos);
    auto page = server_.Get(path, "text/html");
    EXPECT_NE(page.body.find("No resource provider"), std::string::npos);
}

}  // namespace
}  // namespace mkt::testing
