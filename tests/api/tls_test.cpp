// HTTPS on the same port when http.tls_cert_file / http.tls_key_file are set.
#include <cstdlib>

#include <gtest/gtest.h>

#include "client/http_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_server.hpp"

namespace mkt {
namespace {

TEST(TlsTest, ServesHttpsWithTheConfiguredCertificate) {
    testing::TempDir dir;
    const std::string key = (dir / "tls.key").string(), cert = (dir / "tls.pem").string();
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + key + " -out " + cert +
        " -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1"
        " >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0);
    testing::TestServer server({"http.tls_cert_file=" + cert, "http.tls_key_file=" + key});
    const std::string https = "https://localhost:" + std::to_string(server.port()) + "/health";

    client::ClientOptions verified;
    verified.ca_file = cert;
    auto ok = client::HttpClient(verified).Get(https);
    ASSERT_TRUE(ok.ok()) << ok.status().ToString();
    EXPECT_EQ(ok->status, 200);

    // Verification is on by default: an unknown CA is refused by the client.
    EXPECT_FALSE(client::HttpClient().Get(https).ok());
    // Plain HTTP on the TLS port gets no HTTP answer.
    auto plain =
        client::HttpClient().Get("http://localhost:" + std::to_string(server.port()) + "/health");
    EXPECT_TRUE(!plain.ok() || plain->status != 200);
}

}  // namespace
}  // namespace mkt
