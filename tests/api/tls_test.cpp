// HTTPS on the same port when http.tls_cert_file / http.tls_key_file are set.

#include <gtest/gtest.h>

#include "client/http_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_server.hpp"
#include "tests/support/tls_files.hpp"

namespace mkt {
namespace {

TEST(TlsTest, ServesHttpsWithTheConfiguredCertificate) {
    testing::TempDir dir;
    const auto [cert, key] = testing::MakeSelfSignedTls(dir);
    ASSERT_FALSE(cert.empty()) << "openssl req failed";
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
