// The access log: one whole JSON line per request, whatever the length of the
// logged fields, and the bytes actually sent (shared bodies included).
#include "http/access_log.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "http/dispatcher.hpp"
#include "http/router.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::http {
namespace {

std::vector<std::string> Lines(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

TEST(AccessLogTest, ALongRecordIsOneWholeLineAndTheNextStartsOnItsOwn) {
    testing::TempDir dir;
    const auto file = dir / "access.log";
    {
        AccessLog log;
        ASSERT_TRUE(log.Open(file.string()));
        // Control characters escape to six bytes each: 6 KiB of escaped target.
        log.Write({"id-1", "127.0.0.1", "GET", "/" + std::string(5000, '\x01'),
                   std::string(3000, 'u'), 200, 10, 1.5});
        log.Write({"id-2", "127.0.0.1", "GET", "/next", "curl", 404, 0, 0.1});
    }
    const auto lines = Lines(file);
    ASSERT_EQ(lines.size(), 2u);
    const auto first = nlohmann::json::parse(lines[0]);
    EXPECT_EQ(first["request_id"], "id-1");
    EXPECT_EQ(first["target"].get<std::string>().size(), kMaxLoggedTarget);
    EXPECT_EQ(first["user_agent"].get<std::string>().size(), kMaxLoggedUserAgent);
    EXPECT_EQ(first["status"], 200);
    const auto second = nlohmann::json::parse(lines[1]);
    EXPECT_EQ(second["request_id"], "id-2");
    EXPECT_EQ(second["target"], "/next");
}

TEST(AccessLogTest, ASharedBodyIsLoggedWithTheBytesSent) {
    testing::TempDir dir;
    const auto file = dir / "access.log";
    const auto document = std::make_shared<const std::string>(12345, 'x');
    {
        Router router;
        router.Add(Method::kGet, "/shared", [&](Request&) -> Result<Response> {
            Response r = Response::Make(200, "application/octet-stream", "");
            r.shared_body = document;
            return r;
        });
        HttpOptions options;
        AccessLog log;
        ASSERT_TRUE(log.Open(file.string()));
        Dispatcher dispatcher(router, options, log);
        Request request;
        request.method = Method::kGet;
        request.method_name = "GET";
        ASSERT_TRUE(ParseTarget("/shared", request));
        EXPECT_EQ(dispatcher.Handle(request).Body().size(), 12345u);
    }
    const auto lines = Lines(file);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(lines[0])["bytes"], 12345);
}

}  // namespace
}  // namespace mkt::http
