// The native API and the web UI share URLs (GET /metadata, entries, endorsers):
// registered in either order, every request gets the same answer, byte for byte.
#include <gtest/gtest.h>

#include "api/routes.hpp"
#include "http/dispatcher.hpp"
#include "registry/clock.hpp"
#include "registry/store/memory_store.hpp"
#include "tests/registry/store/test_entries.hpp"
#include "web/routes.hpp"

namespace mkt {
namespace {

using testing::kT0;

struct NoParser final : DocumentParser {
    Result<std::unique_ptr<ParsedDocument>> Parse(std::string_view) const override {
        return Status::InvalidArgument("uploads are not part of this test");
    }
};
struct NoRdf final : RdfChecker {
    Status Check(std::string_view) const override { return Status::Internal("unused"); }
};
struct NoVerifier final : SignatureVerifier {
    Result<SignerInfo> Verify(const ParsedDocument&, Timestamp) const override {
        return Status::Internal("unused");
    }
};

class RouteOrderTest : public ::testing::Test {
  protected:
    void SetUp() override {
        for (uint64_t image = 1; image <= 3; ++image) {
            Entry e = testing::TestEntry(image, "alice@example.org", kT0 + image);
            ASSERT_TRUE(store_.Put(e).ok());
        }
        api::RegisterNativeApi(native_first_, api_);
        web::RegisterWebUi(native_first_, web_);
        web::RegisterWebUi(web_first_, web_);
        api::RegisterNativeApi(web_first_, api_);
        ASSERT_TRUE(native_first_.Check().ok());
        ASSERT_TRUE(web_first_.Check().ok());
        ASSERT_TRUE(log_.Open("off"));
    }

    static http::Response Send(const http::Router& router, const http::HttpOptions& options,
                               http::AccessLog& log, http::Method method, const std::string& target,
                               const std::string& accept) {
        http::Dispatcher dispatcher(router, options, log);
        http::Request request;
        request.method = method;
        request.method_name = std::string(http::MethodName(method));
        request.target = target;
        EXPECT_TRUE(http::ParseTarget(target, request));
        request.headers.Add("Host", "mp.example.org");
        request.headers.Add("X-Request-Id", "fixed-request-id");
        if (!accept.empty()) request.headers.Add("Accept", accept);
        return dispatcher.Handle(request);
    }

    store::MemoryEntryStore store_;
    ManualClock clock_{kT0 + 86400};
    NoParser parser_;
    NoRdf rdf_;
    NoVerifier verifier_;
    Registry registry_{RegistryOptions{}, parser_, rdf_, verifier_, store_, clock_};
    api::ApiContext api_{registry_, "strict", false, "sqlite", {}, nullptr};
    web::WebContext web_{registry_, "strict"};
    http::Router native_first_, web_first_;
    http::HttpOptions options_;
    http::AccessLog log_;
};

TEST_F(RouteOrderTest, EverySharedUrlAnswersTheSameWhicheverFrontEndRegistersFirst) {
    const std::string entry =
        "/metadata/" + testing::TestIdentifier(2) + "/alice@example.org/" + (kT0 + 2).ToString();
    const std::string browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    const std::vector<std::string> targets = {"/metadata",
                                              "/metadata?media=html",
                                              "/metadata?media=json",
                                              "/metadata?os=Ubuntu",
                                              entry,
                                              entry + "?media=json",
                                              "/endorsers",
                                              "/endorsers/alice@example.org",
                                              "/metadata?bad=1",
                                              "/metadata/not-an-id/x/y",
                                              "/"};
    size_t html_answers = 0, native_answers = 0;
    for (const std::string& target : targets) {
        for (const std::string& accept :
             {std::string(), std::string("*/*"), browser, std::string("application/json"),
              std::string("image/png")}) {
            for (http::Method method : {http::Method::kGet, http::Method::kDelete}) {
                const auto a = Send(native_first_, options_, log_, method, target, accept);
                const auto b = Send(web_first_, options_, log_, method, target, accept);
                const std::string label =
                    std::string(http::MethodName(method)) + " " + target + " Accept: " + accept;
                EXPECT_EQ(a.status, b.status) << label;
                EXPECT_EQ(a.Body(), b.Body()) << label;
                EXPECT_EQ(a.headers.items(), b.headers.items()) << label;
                const std::string type = a.headers.Get("Content-Type").value_or("");
                (type.rfind("text/html", 0) == 0 ? html_answers : native_answers)++;
            }
        }
    }
    // Both representations were really exercised.
    EXPECT_GT(html_answers, 10u);
    EXPECT_GT(native_answers, 10u);
}

TEST_F(RouteOrderTest, BrowsersGetThePageAndProgramsTheNativeAnswer) {
    const auto page = Send(web_first_, options_, log_, http::Method::kGet, "/metadata",
                           "text/html,application/xml;q=0.9");
    EXPECT_EQ(page.headers.Get("Content-Type").value_or("").rfind("text/html", 0), 0u);
    for (const std::string& accept : {std::string(), std::string("*/*")}) {
        const auto native =
            Send(web_first_, options_, log_, http::Method::kGet, "/metadata", accept);
        EXPECT_EQ(native.headers.Get("Content-Type").value_or("").rfind("application/xml", 0), 0u)
            << "Accept: " << accept;
    }
}

}  // namespace
}  // namespace mkt
