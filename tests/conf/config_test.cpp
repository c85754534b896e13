#include "conf/config.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "tests/support/paths.hpp"

namespace mkt::conf {
namespace {

TEST(ConfigTest, DefaultsAreValid) {
    auto c = Load(std::nullopt, {}, {});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->http.port, 8204);
    EXPECT_EQ(c->store.type, "sqlite");
    EXPECT_EQ(c->trust.mode, "strict");
    EXPECT_EQ(c->registry.max_future_seconds, 300);
    EXPECT_EQ(c->registry.max_age_seconds, 7 * 86400);
}

TEST(ConfigTest, FileThenEnvironmentThenOverrides) {
    Config c;
    ASSERT_TRUE(ParseInto(c, "# comment\n\nhttp.port = 9000\ntrust.mode=compat\n", "f").ok());
    EXPECT_EQ(c.http.port, 9000);
    ASSERT_TRUE(ApplyEnvironment(c, {{"MARKETPLACE_HTTP_PORT", "9100"}, {"PATH", "/bin"}}).ok());
    EXPECT_EQ(c.http.port, 9100);
    auto loaded = Load(std::nullopt, {{"MARKETPLACE_HTTP_PORT", "9100"}}, {"http.port=9200"});
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded->http.port, 9200);
}

TEST(ConfigTest, ErrorsNameTheKeyAndTheLine) {
    Config c;
    EXPECT_EQ(ParseInto(c, "http.port = 8204\nhttp.prot = 1\n", "m.conf").message(),
              "m.conf:2: unknown configuration key 'http.prot' (docs/configuration.md lists them)");
    EXPECT_EQ(ParseInto(c, "http.port = 70000\n", "m.conf").message(),
              "m.conf:1: http.port: '70000' is not an integer in 0..65535");
    EXPECT_EQ(ParseInto(c, "trust.mode = lax\n", "m.conf").message(),
              "m.conf:1: trust.mode: 'lax' is not one of strict, compat");
    EXPECT_EQ(ParseInto(c, "no equals sign\n", "m.conf").message(),
              "m.conf:1: expected 'key = value', got 'no equals sign'");
    EXPECT_FALSE(ApplyEnvironment(c, {{"MARKETPLACE_HTTP_PROT", "1"}}).ok());
    EXPECT_FALSE(Load(std::nullopt, {}, {"http.port"}).ok());
}

TEST(ConfigTest, TheCommandLineToolsVariablesAreNotTheServers) {
    Config c;
    EXPECT_TRUE(ApplyEnvironment(c, {{"MARKETPLACE_ENDPOINT", "http://x"},
                                     {"MARKETPLACE_P12_PASSWORD", "secret"},
                                     {"MARKETPLACE_CLIENT_CONFIG", "/tmp/c.conf"}})
                    .ok());
    EXPECT_EQ(c.http.port, 8204);
}

TEST(ConfigTest, CrossFieldChecks) {
    EXPECT_FALSE(Load(std::nullopt, {}, {"http.tls_cert_file=/x"}).ok());
    EXPECT_FALSE(Load(std::nullopt, {}, {"http.public_url=ftp://x"}).ok());
    EXPECT_FALSE(Load(std::nullopt, {}, {"metadata.max_bytes=4194304"}).ok());
    EXPECT_FALSE(Load(std::nullopt, {}, {"trust.ca_dir="}).ok());
}

TEST(ConfigTest, NamedKeysCollectProvidersAndPolicies) {
    Config c;
    ASSERT_TRUE(ParseInto(c,
                          "occi.provider.CESNET-MetaCloud = https://carach5.ics.muni.cz:11443/\n"
                          "occi.provider.IFCA = http://cloud.ifca.es:8787/occi1.1\n"
                          "policy.default = /etc/marketplace/policy.cfg\n",
                          "m.conf")
                    .ok());
    EXPECT_EQ(c.occi_providers.size(), 2u);
    EXPECT_EQ(c.occi_providers.at("IFCA"), "http://cloud.ifca.es:8787/occi1.1");
    EXPECT_EQ(c.site_policies.at("default"), "/etc/marketplace/policy.cfg");
    EXPECT_EQ(ParseInto(c, "policy.bad/name = x\n", "m.conf").message(),
              "m.conf:1: policy.bad/name: the name after 'policy.' must be letters, digits, '_' "
              "or '-'");
    EXPECT_EQ(ParseInto(c, "occi.provider. = http://x\n", "m.conf").message(),
              "m.conf:1: occi.provider.: the name after 'occi.provider.' must be letters, "
              "digits, '_' or '-'");
    EXPECT_EQ(ParseInto(c, "policy.x =\n", "m.conf").message(),
              "m.conf:1: policy.x: '' is not a non-empty value");
    EXPECT_EQ(Load(std::nullopt, {}, {"occi.provider.x=ftp://h/"}).status().message(),
              "occi.provider.x: 'ftp://h/' must start with http:// or https://");
}

TEST(ConfigTest, AProvidersGlanceIsNamedAfterTheProviderAndNeedsItsOcciEndpoint) {
    auto c = Load(std::nullopt, {},
                  {"occi.provider.site-a=https://occi.site-a.example.org:11443/",
                   "occi.provider.site-a.glance=http://glance.site-a.example.org:9292",
                   "occi.glance_poll_seconds=30"});
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ(c->occi_providers.size(), 1u);
    EXPECT_EQ(c->occi_provider_glance.at("site-a"), "http://glance.site-a.example.org:9292");
    EXPECT_EQ(c->occi_glance_poll_seconds, 30);
    EXPECT_NE(Dump(*c).find("occi.provider.site-a.glance = http://glance.site-a.example.org:9292"),
              std::string::npos);
    EXPECT_EQ(Load(std::nullopt, {}, {"occi.provider.b.glance=http://g:9292"}).status().message(),
              "occi.provider.b.glance is set but occi.provider.b (the provider's OCCI endpoint) "
              "is not");
    EXPECT_EQ(Load(std::nullopt, {}, {"occi.provider.b=http://o/", "occi.provider.b.glance=g:9292"})
                  .status()
                  .message(),
              "occi.provider.b.glance: 'g:9292' must start with http:// or https://");
}

TEST(ConfigTest, FederationPeersAndImageListsAreCheckedWithTheirKeysNamed) {
    auto c = Load(
        std::nullopt, {},
        {"federation.peer.central=https://central.example.org/",
         "federation.peer.central.ca_file=/etc/ca.pem", "imagelist.egi.title=T",
         "imagelist.egi.uuid=6C1F0B52-8A9E-4F3C-9D2A-0123456789AB",
         "imagelist.egi.endorsers= a@example.org ,b@example.org,", "imagelist.egi.cert_file=c.pem",
         "imagelist.egi.key_file=k.pem", "imagelist.egi.lifetime_days=3"});
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ(c->federation_peers.at("central"), "https://central.example.org/");
    EXPECT_EQ(c->federation_peer_ca_files.at("central"), "/etc/ca.pem");
    const auto lists = ImageListsOf(*c);
    ASSERT_EQ(lists.size(), 1u);
    EXPECT_EQ(lists[0].uuid, "6c1f0b52-8a9e-4f3c-9d2a-0123456789ab");
    EXPECT_EQ(lists[0].endorsers, (std::vector<std::string>{"a@example.org", "b@example.org"}));
    EXPECT_EQ(lists[0].lifetime_days, 3);
    EXPECT_TRUE(lists[0].os.empty());
    const std::pair<std::vector<std::string>, std::string> bad[] = {
        {{"federation.peer.x=ftp://x"}, "federation.peer.x: 'ftp://x' must start with http://"},
        {{"federation.peer.x.ca_file=/ca"},
         "federation.peer.x.ca_file is set but federation.peer.x"},
        {{"federation.peer.x=http://x/", "upload.read_only=true"},
         "a read-only instance cannot store"},
        {{"imagelist.l.title=T"}, "imagelist.l.uuid must be set"},
        {{"imagelist.l.title=T", "imagelist.l.uuid=nope", "imagelist.l.cert_file=c",
          "imagelist.l.key_file=k"},
         "imagelist.l.uuid: 'nope' is not a UUID"},
        {{"imagelist.l.title=T", "imagelist.l.uuid=6c1f0b52-8a9e-4f3c-9d2a-0123456789ab",
          "imagelist.l.cert_file=c", "imagelist.l.key_file=k", "imagelist.l.lifetime_days=0"},
         "imagelist.l.lifetime_days"},
        {{"imagelist.l.colour=red"}, "unknown configuration key 'imagelist.l.colour'"},
        {{"changes.max_limit=0"}, "changes.max_limit"},
    };
    for (const auto& [settings, message] : bad) {
        auto r = Load(std::nullopt, {}, settings);
        ASSERT_FALSE(r.ok()) << settings[0];
        EXPECT_NE(r.status().message().find(message), std::string::npos) << r.status().message();
    }
}

TEST(ConfigTest, EmailConfirmationNeedsASenderAndAPublicUrlAndChecksItsKeys) {
    const std::vector<std::string> good = {"upload.confirm_email=true",
                                           "smtp.from=marketplace@example.org",
                                           "http.public_url=https://mp.example.org/",
                                           "smtp.host=mail.example.org",
                                           "smtp.port=587",
                                           "smtp.tls=starttls",
                                           "smtp.username=mp",
                                           "smtp.password_file=/etc/marketplace/smtp-password",
                                           "upload.confirmation_lifetime_seconds=86400"};
    auto c = Load(std::nullopt, {}, good);
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_TRUE(c->confirmation.enabled);
    EXPECT_EQ(c->confirmation.smtp_port, 587);
    EXPECT_EQ(c->confirmation.smtp_tls, "starttls");
    EXPECT_EQ(c->confirmation.lifetime_seconds, 86400);
    // Off by default, and then nothing else is required.
    EXPECT_FALSE(Load(std::nullopt, {}, {})->confirmation.enabled);
    EXPECT_EQ(Load(std::nullopt, {}, {})->confirmation.smtp_tls, "opportunistic");

    const std::pair<std::vector<std::string>, std::string> bad[] = {
        {{"upload.confirm_email=true", "http.public_url=https://mp.example.org/"},
         "needs smtp.from"},
        {{"upload.confirm_email=true", "smtp.from=not-an-address",
          "http.public_url=https://mp.example.org/"},
         "needs smtp.from"},
        {{"upload.confirm_email=true", "smtp.from=a@example.org"}, "needs http.public_url"},
        {{"upload.confirm_email=yes please"}, "upload.confirm_email"},
        {{"smtp.tls=sometimes"},
         "smtp.tls: 'sometimes' is not one of opportunistic, starttls, "
         "implicit"},
        {{"smtp.port=0"}, "smtp.port"},
        {{"upload.confirmation_lifetime_seconds=5"}, "upload.confirmation_lifetime_seconds"},
        {{"upload.confirm_email=true", "smtp.from=a@example.org",
          "http.public_url=https://mp.example.org/", "smtp.password_file=/p"},
         "smtp.password_file is set but smtp.username is not"},
    };
    for (const auto& [settings, message] : bad) {
        auto r = Load(std::nullopt, {}, settings);
        ASSERT_FALSE(r.ok()) << settings[0];
        EXPECT_NE(r.status().message().find(message), std::string::npos) << r.status().message();
    }
}

TEST(ConfigTest, DumpRoundTrips) {
    auto c = Load(
        std::nullopt, {},
        {"http.port=1234", "trust.mode=compat", "occi.provider.a=http://a/", "policy.site=/p.cfg"});
    ASSERT_TRUE(c.ok());
    Config again;
    ASSERT_TRUE(ParseInto(again, Dump(*c), "dump").ok());
    EXPECT_EQ(Dump(again), Dump(*c));
}

TEST(ConfigTest, EverySampleParses) {
    int samples = 0;
    for (const auto& f :
         std::filesystem::directory_iterator(testing::SourceDir() / "conf/samples")) {
        auto c = Load(f.path().string(), {}, {});
        EXPECT_TRUE(c.ok()) << f.path() << ": " << c.status().ToString();
        ++samples;
    }
    EXPECT_GE(samples, 2);
}

}  // namespace
}  // namespace mkt::conf
