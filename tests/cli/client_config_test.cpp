// LoadClientConfig: defaults <- file <- MARKETPLACE_* environment.
#include "cli/client_config.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::cli {
namespace {

using testing::WriteFile;

class ClientConfigTest : public ::testing::Test {
  protected:
    // An environment whose HOME has no configuration.
    std::map<std::string, std::string> Env(std::map<std::string, std::string> extra = {}) {
        extra.emplace("HOME", (dir_ / "home").string());
        return extra;
    }
    std::string File(const std::string& name, const std::string& text) {
        const auto path = dir_ / name;
        std::filesystem::create_directories(path.parent_path());
        WriteFile(path, text);
        return path.string();
    }
    testing::TempDir dir_;
};

TEST_F(ClientConfigTest, DefaultsApplyWithoutFileOrVariables) {
    auto config = LoadClientConfig(std::nullopt, Env());
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_EQ(config->endpoint, "http://127.0.0.1:8204");
    EXPECT_TRUE(config->verify_tls);
    EXPECT_EQ(config->timeout_seconds, 60);
    EXPECT_EQ(config->profile, "rsa-sha256");
    EXPECT_TRUE(config->p12_file.empty());
}

TEST_F(ClientConfigTest, ReadsEveryKeyOfTheFile) {
    const std::string file = File("conf/client.conf",
                                  "# a comment\n"
                                  "endpoint = https://mp.example.org/marketplace/\n"
                                  "verify_tls = no\n"
                                  "ca_file = /etc/ca.pem\n"
                                  "timeout_seconds = 5\n"
                                  "p12 = /k/me.p12\n"
                                  "p12_password_file = /k/pass\n"
                                  "key = /k/me.key\n"
                                  "cert = /k/me.pem\n"
                                  "email = me@example.org\n"
                                  "profile = legacy\n"
                                  "trust_dir = /etc/grid-security/certificates\n"
                                  "endorsers_file = /etc/endorsers\n");
    auto config = LoadClientConfig(file, Env());
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_EQ(config->endpoint, "https://mp.example.org/marketplace");
    EXPECT_FALSE(config->verify_tls);
    EXPECT_EQ(config->ca_file, "/etc/ca.pem");
    EXPECT_EQ(config->timeout_seconds, 5);
    EXPECT_EQ(config->p12_file, "/k/me.p12");
    EXPECT_EQ(config->p12_password_file, "/k/pass");
    EXPECT_EQ(config->key_file, "/k/me.key");
    EXPECT_EQ(config->cert_file, "/k/me.pem");
    EXPECT_EQ(config->email, "me@example.org");
    EXPECT_EQ(config->profile, "legacy");
    EXPECT_EQ(config->trust_dir, "/etc/grid-security/certificates");
    EXPECT_EQ(config->endorsers_file, "/etc/endorsers");
}

TEST_F(ClientConfigTest, RelativePathsInAFileAreRelativeToItAndTildeIsHome) {
    const std::string file = File("conf/client.conf", "p12 = keys/me.p12\nkey = ~/me.key\n");
    auto config = LoadClientConfig(file, Env());
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_EQ(config->p12_file, (dir_ / "conf/keys/me.p12").string());
    EXPECT_EQ(config->key_file, (dir_ / "home/me.key").string());
}

TEST_F(ClientConfigTest, TheEnvironmentOverridesTheFile) {
    const std::string file =
        File("client.conf", "endpoint = http://a.example.org\nemail = a@x.org\n");
    auto config = LoadClientConfig(file, Env({{"MARKETPLACE_ENDPOINT", "http://b.example.org:9000"},
                                              {"MARKETPLACE_VERIFY_TLS", "false"},
                                              {"MARKETPLACE_P12", "rel.p12"}}));
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_EQ(config->endpoint, "http://b.example.org:9000");
    EXPECT_FALSE(config->verify_tls);
    EXPECT_EQ(config->email, "a@x.org");
    EXPECT_EQ(config->p12_file, "rel.p12");  // relative to the working directory
}

TEST_F(ClientConfigTest, OtherMarketplaceVariablesAreLeftToTheServer) {
    auto config = LoadClientConfig(std::nullopt, Env({{"MARKETPLACE_HTTP_PORT", "9000"},
                                                      {"MARKETPLACE_P12_PASSWORD", "secret"}}));
    EXPECT_TRUE(config.ok()) << config.status().ToString();
}

TEST_F(ClientConfigTest, UnknownKeysNameTheFileAndTheLine) {
    const std::string file = File("client.conf", "endpoint = http://a\n\nendpiont = http://b\n");
    auto config = LoadClientConfig(file, Env());
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(
        config.status().message().rfind(file + ":3: unknown key 'endpiont' (known: endpoint", 0),
        0u)
        << config.status().message();
}

TEST_F(ClientConfigTest, LinesWithoutEqualsAreErrors) {
    const std::string file = File("client.conf", "endpoint http://a\n");
    EXPECT_EQ(LoadClientConfig(file, Env()).status().message(),
              file + ":1: expected 'key = value', got 'endpoint http://a'");
}

TEST_F(ClientConfigTest, BadValuesNameTheKeyAndTheValue) {
    const struct {
        std::string line, message;
    } cases[] = {
        {"endpoint = ftp://x", "endpoint 'ftp://x' is not an http:// or https:// URL"},
        {"verify_tls = maybe", "verify_tls 'maybe' is not a boolean"},
        {"timeout_seconds = 0", "timeout_seconds '0' is not an integer in 1..86400"},
        {"profile = dsa-sha1", "profile 'dsa-sha1' is not one of"},
    };
    for (const auto& c : cases) {
        const std::string file = File("client.conf", c.line + "\n");
        auto config = LoadClientConfig(file, Env());
        ASSERT_FALSE(config.ok()) << c.line;
        EXPECT_NE(config.status().message().find(file + ":1: " + c.message), std::string::npos)
            << config.status().message();
    }
    auto from_env = LoadClientConfig(std::nullopt, Env({{"MARKETPLACE_TIMEOUT_SECONDS", "soon"}}));
    EXPECT_EQ(
        from_env.status().message(),
        "environment MARKETPLACE_TIMEOUT_SECONDS: timeout_seconds 'soon' is not an integer in "
        "1..86400");
}

TEST_F(ClientConfigTest, AFileThatWasAskedForMustExist) {
    const std::string missing = (dir_ / "missing.conf").string();
    auto config = LoadClientConfig(missing, Env());
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.status().message(),
              "cannot read client configuration " + missing + ": No such file or directory");
    auto from_env = LoadClientConfig(std::nullopt, Env({{"MARKETPLACE_CLIENT_CONFIG", missing}}));
    EXPECT_FALSE(from_env.ok());
}

TEST_F(ClientConfigTest, TheVariableNamesTheFile) {
    const std::string file = File("elsewhere.conf", "email = env@example.org\n");
    auto config = LoadClientConfig(std::nullopt, Env({{"MARKETPLACE_CLIENT_CONFIG", file}}));
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_EQ(config->email, "env@example.org");
}

TEST_F(ClientConfigTest, ThePerUserFileIsReadWhenItExists) {
    File("home/.config/marketplace/client.conf", "email = user@example.org\n");
    auto config = LoadClientConfig(std::nullopt, Env());
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_EQ(config->email, "user@example.org");

    File("xdg/marketplace/client.conf", "email = xdg@example.org\n");
    auto xdg = LoadClientConfig(std::nullopt, Env({{"XDG_CONFIG_HOME", (dir_ / "xdg").string()}}));
    ASSERT_TRUE(xdg.ok()) << xdg.status().ToString();
    EXPECT_EQ(xdg->email, "xdg@example.org");
}

}  // namespace
}  // namespace mkt::cli
