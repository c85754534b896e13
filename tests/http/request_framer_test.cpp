#include "http/request_framer.hpp"

#include <gtest/gtest.h>

namespace mkt::http {
namespace {

using Event = RequestFramer::Event;

// Feeds `stream` in pieces of `piece` bytes; returns the requests in order.
std::vector<FramedRequest> FrameAll(RequestFramer& framer, std::string_view stream,
                                    size_t piece = 7) {
    std::vector<FramedRequest> out;
    std::string pending;
    for (size_t i = 0; i < stream.size(); i += piece) {
        pending += stream.substr(i, piece);
        for (;;) {
            auto step = framer.Feed(pending);
            pending.erase(0, step.consumed);
            EXPECT_NE(step.event, Event::kRejected) << step.message;
            if (step.event != Event::kRequest) break;
            out.push_back(framer.Take());
        }
    }
    return out;
}

TEST(RequestFramerTest, StopsAtTheEndOfEachPipelinedRequest) {
    RequestFramer framer(1024, 100);
    const std::string stream =
        "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
    auto step = framer.Feed(stream);
    ASSERT_EQ(step.event, Event::kRequest);
    EXPECT_EQ(step.consumed, std::string("GET /a HTTP/1.1\r\nHost: x\r\n\r\n").size());
    EXPECT_EQ(framer.Take().head, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
    step = framer.Feed(std::string_view(stream).substr(step.consumed));
    ASSERT_EQ(step.event, Event::kRequest);
    FramedRequest post = framer.Take();
    EXPECT_TRUE(post.head.starts_with("POST /b "));
    EXPECT_EQ(post.body, "abc");
}

TEST(RequestFramerTest, FramesTheSameRequestsWhateverThePieceSize) {
    const std::string stream =
        "POST /b HTTP/1.1\r\nContent-Type: text/plain,text/occi\r\nContent-Length: 3\r\n\r\nabc"
        "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n2;x=1\r\n12\r\n0\r\n"
        "X-Trailer: 1\r\n\r\n\r\nGET / HTTP/1.1\r\n\r\n";
    for (size_t piece : {1u, 2u, 7u, 64u, 4096u}) {
        RequestFramer framer(1024, 100);
        auto requests = FrameAll(framer, stream, piece);
        ASSERT_EQ(requests.size(), 3u) << piece;
        EXPECT_EQ(requests[0].body, "abc");
        EXPECT_NE(requests[0].head.find("text/plain,text/occi"), std::string::npos);
        EXPECT_EQ(requests[1].body, "xyz12");
        EXPECT_TRUE(requests[2].head.starts_with("GET / "));
        EXPECT_FALSE(framer.in_request());
    }
}

TEST(RequestFramerTest, TellsAPartialRequestFromAnIdleConnection) {
    RequestFramer framer(1024, 100);
    EXPECT_FALSE(framer.in_request());
    EXPECT_EQ(framer.Feed("GET / HTTP/1.1\r\nHo").event, Event::kNeedMore);
    EXPECT_TRUE(framer.in_request());
    EXPECT_FALSE(framer.reading_body());
    EXPECT_EQ(framer.Feed("st: x\r\n\r\n").event, Event::kRequest);
    framer.Take();
    EXPECT_FALSE(framer.in_request());
    EXPECT_EQ(framer.Feed("POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nab").event,
              Event::kNeedMore);
    EXPECT_TRUE(framer.reading_body());
}

TEST(RequestFramerTest, RefusesADeclaredBodyOverTheLimitBeforeReadingIt) {
    RequestFramer framer(1024, 100);
    auto v = framer.Feed("POST /metadata HTTP/1.1\r\nContent-Length: 20971520\r\n\r\n");
    ASSERT_EQ(v.event, Event::kRejected);
    EXPECT_EQ(v.status, 413);
    EXPECT_EQ(v.message, "request body of 20971520 bytes exceeds the limit of 100 bytes");
    EXPECT_EQ(framer.Feed("more").event, Event::kRejected);
}

TEST(RequestFramerTest, CountsChunkedBodies) {
    RequestFramer framer(1024, 10);
    std::string head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    EXPECT_EQ(framer.Feed(head + "5\r\nhello\r\n").event, Event::kNeedMore);
    auto v = framer.Feed("6;ext=1\r\nworld!\r\n");
    ASSERT_EQ(v.event, Event::kRejected);
    EXPECT_EQ(v.status, 413);
}

TEST(RequestFramerTest, RefusesSmugglingShapesAndMalformedHeads) {
    for (const char* head :
         {"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
          "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
          "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
          "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
          "POST / HTTP/1.1\r\n folded: header\r\n\r\n", "GET /a b HTTP/1.1\r\n\r\n",
          "GET /\x01 HTTP/1.1\r\n\r\n", "G(T / HTTP/1.1\r\n\r\n",
          "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
          "GET / FTP/1.1\r\n\r\n"}) {
        RequestFramer framer(1024, 100);
        auto v = framer.Feed(head);
        EXPECT_EQ(v.event, Event::kRejected) << head;
        EXPECT_EQ(v.status, 400) << head;
    }
    RequestFramer framer(1024, 100);
    EXPECT_EQ(framer.Feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").status,
              400);
    RequestFramer http2(1024, 100);
    EXPECT_EQ(http2.Feed("GET / HTTP/2.0\r\n\r\n").status, 505);
}

TEST(RequestFramerTest, RefusesAnOversizedHead) {
    RequestFramer framer(64, 100);
    auto v = framer.Feed("GET / HTTP/1.1\r\nX-Long: " + std::string(100, 'a'));
    ASSERT_EQ(v.event, Event::kRejected);
    EXPECT_EQ(v.status, 431);
    RequestFramer complete(64, 100);
    EXPECT_EQ(
        complete.Feed("GET / HTTP/1.1\r\nX-Long: " + std::string(100, 'a') + "\r\n\r\n").status,
        431);
}

TEST(RequestFramerTest, AsksForContinueOnlyWhileABodyIsAwaited) {
    RequestFramer framer(1024, 100);
    EXPECT_TRUE(framer.Feed("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
                    .send_continue);
    RequestFramer no_body(1024, 100);
    EXPECT_FALSE(no_body.Feed("GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n").send_continue);
    RequestFramer body_here(1024, 100);
    EXPECT_FALSE(
        body_here.Feed("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx")
            .send_continue);
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
    EXPECT_FALSE(ParseRawHead(std::string("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", 30)).has_value());
}

}  // namespace
}  // namespace mkt::http
