#include "http/request_guard.hpp"

#include <gtest/gtest.h>

namespace mkt::http {
namespace {

TEST(RequestGuardTest, PassesRequestsAndQueuesTheirHeads) {
    RequestGuard guard(1024, 100);
    auto v = guard.Feed(
        "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
    EXPECT_FALSE(v.reject);
    ASSERT_EQ(guard.heads().size(), 2u);
    EXPECT_TRUE(guard.heads()[0].starts_with("GET /a "));
    EXPECT_TRUE(guard.heads()[1].starts_with("POST /b "));
}

TEST(RequestGuardTest, ForwardsTheStreamUnchangedWhenNothingNeedsRewriting) {
    RequestGuard guard(1024, 100);
    const std::string stream =
        "POST /b HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc"
        "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n";
    std::string forwarded;
    for (size_t i = 0; i < stream.size(); i += 7) {
        ASSERT_FALSE(guard.Feed(std::string_view(stream).substr(i, 7)).reject);
        forwarded += guard.forwarded();
    }
    EXPECT_EQ(forwarded, stream);
}

TEST(RequestGuardTest, HoldsAHeadBackUntilItIsComplete) {
    RequestGuard guard(1024, 100);
    guard.Feed("GET / HTTP/1.1\r\nHo");
    EXPECT_EQ(guard.forwarded(), "");
    guard.Feed("st: x\r\n\r\n");
    EXPECT_EQ(guard.forwarded(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
}

TEST(RequestGuardTest, CutsAContentTypeListToItsFirstTypeForTheParserOnly) {
    RequestGuard guard(1024, 100);
    const std::string head =
        "POST /-/ HTTP/1.1\r\nAccept: text/plain, text/occi\r\n"
        "Content-Type: text/plain,text/occi\r\nContent-Length: 0\r\n\r\n";
    ASSERT_FALSE(guard.Feed(head).reject);
    EXPECT_EQ(guard.forwarded(),
              "POST /-/ HTTP/1.1\r\nAccept: text/plain, text/occi\r\n"
              "Content-Type: text/plain\r\nContent-Length: 0\r\n\r\n");
    ASSERT_EQ(guard.heads().size(), 1u);
    EXPECT_EQ(guard.heads()[0], head);  // the handlers see the header as sent
}

TEST(FirstContentTypeOnlyTest, KeepsQuotedCommasAndOtherHeaders) {
    EXPECT_EQ(FirstContentTypeOnly("content-type: text/plain; x=\"a,b\" , text/occi\r\n"),
              "content-type: text/plain; x=\"a,b\"\r\n");
    EXPECT_EQ(FirstContentTypeOnly("X-Content-Type: a,b\r\nCategory: a, b\r\n"),
              "X-Content-Type: a,b\r\nCategory: a, b\r\n");
}

TEST(RequestGuardTest, FindsTheHeadEndAcrossFeeds) {
    RequestGuard guard(1024, 100);
    for (char c : std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")) {
        EXPECT_FALSE(guard.Feed(std::string_view(&c, 1)).reject);
    }
    EXPECT_EQ(guard.heads().size(), 1u);
}

TEST(RequestGuardTest, RefusesADeclaredBodyOverTheLimitBeforeReadingIt) {
    RequestGuard guard(1024, 100);
    auto v = guard.Feed("POST /metadata HTTP/1.1\r\nContent-Length: 20971520\r\n\r\n");
    ASSERT_TRUE(v.reject);
    EXPECT_EQ(v.status, 413);
    EXPECT_EQ(v.message, "request body of 20971520 bytes exceeds the limit of 100 bytes");
    EXPECT_TRUE(guard.rejected());
    EXPECT_TRUE(guard.Feed("more").reject);
}

TEST(RequestGuardTest, CountsChunkedBodies) {
    RequestGuard guard(1024, 10);
    std::string head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    EXPECT_FALSE(guard.Feed(head + "5\r\nhello\r\n").reject);
    auto v = guard.Feed("6;ext=1\r\nworld!\r\n");
    ASSERT_TRUE(v.reject);
    EXPECT_EQ(v.status, 413);
}

TEST(RequestGuardTest, AcceptsACompleteChunkedBodyThenTheNextRequest) {
    RequestGuard guard(1024, 100);
    EXPECT_FALSE(guard
                     .Feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "5\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\nGET / HTTP/1.1\r\n\r\n")
                     .reject);
    EXPECT_EQ(guard.heads().size(), 2u);
}

TEST(RequestGuardTest, RefusesSmugglingShapes) {
    for (const char* head :
         {"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
          "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
          "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
          "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
          "POST / HTTP/1.1\r\n folded: header\r\n\r\n"}) {
        RequestGuard guard(1024, 100);
        auto v = guard.Feed(head);
        EXPECT_TRUE(v.reject) << head;
        EXPECT_EQ(v.status, 400) << head;
    }
    RequestGuard guard(1024, 100);
    EXPECT_EQ(guard.Feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").status,
              400);
}

TEST(RequestGuardTest, RefusesAnOversizedHead) {
    RequestGuard guard(64, 100);
    auto v = guard.Feed("GET / HTTP/1.1\r\nX-Long: " + std::string(100, 'a'));
    ASSERT_TRUE(v.reject);
    EXPECT_EQ(v.status, 431);
}

TEST(RequestGuardTest, AsksForContinueOnlyWhenABodyFollows) {
    RequestGuard guard(1024, 100);
    EXPECT_TRUE(guard.Feed("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
                    .send_continue);
    RequestGuard other(1024, 100);
    EXPECT_FALSE(other.Feed("GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n").send_continue);
}

TEST(RawHeadTest, ParsesRequestLineAndHeadersInOrder) {
    auto head =
        ParseRawHead("GET /metadata?a=1 HTTP/1.1\r\nHost: h\r\nAccept:  application/json \r\n\r\n");
    ASSERT_TRUE(head.has_value());
    EXPECT_EQ(head->method, "GET");
    EXPECT_EQ(head->target, "/metadata?a=1");
    EXPECT_EQ(head->version, "HTTP/1.1");
    ASSERT_EQ(head->headers.size(), 2u);
    EXPECT_EQ(head->headers[1].second, "application/json");
    EXPECT_FALSE(ParseRawHead("GET\r\n\r\n").has_value());
    EXPECT_FALSE(ParseRawHead("GET / HTTP/1.1\r\nNoColon\r\n\r\n").has_value());
}

}  // namespace
}  // namespace mkt::http
