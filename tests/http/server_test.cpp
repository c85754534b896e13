// The HTTP edge at the socket level: a real HttpServer on an ephemeral loopback
// port with small test routes, driven by raw TCP clients (pipelining, broken
// heads, silent and slow clients, a full worker pool, the drain) and by a real
// HTTPS client.
#include "http/server.hpp"

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include <poll.h>

#include <gtest/gtest.h>

#include "client/http_client.hpp"
#include "http/access_log.hpp"
#include "http/dispatcher.hpp"
#include "http/router.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/tls_files.hpp"

namespace mkt::http {
namespace {

using testing::RawConnection;

/// A gate handlers wait at until the test opens it; counts who arrived.
class Gate {
  public:
    void Wait() {
        std::unique_lock lock(mu_);
        ++arrived_;
        changed_.notify_all();
        changed_.wait(lock, [this] { return open_; });
    }
    /// Blocks until `n` handlers wait (or have waited) at the gate.
    void AwaitArrivals(int n) {
        std::unique_lock lock(mu_);
        changed_.wait(lock, [&] { return arrived_ >= n; });
    }
    void Open() {
        std::lock_guard lock(mu_);
        open_ = true;
        changed_.notify_all();
    }

  private:
    std::mutex mu_;
    std::condition_variable changed_;
    int arrived_ = 0;
    bool open_ = false;
};

class EdgeServer {
  public:
    explicit EdgeServer(HttpOptions options = {}) : options_(std::move(options)) {
        options_.port = 0;
        options_.access_log = "off";
        router_.Add(Method::kGet, "/hello", [](Request&) -> Result<Response> {
            return Response::Make(200, "text/plain", "hello world");
        });
        auto echo = [](Request& r) -> Result<Response> {
            return Response::Make(200, "text/plain",
                                  r.method_name + " " + r.target + " accept=" +
                                      r.headers.Get("Accept").value_or("-") + " body=" + r.body);
        };
        router_.Add(Method::kGet, "/echo", echo);
        router_.Add(Method::kPost, "/echo", echo);
        router_.Add(Method::kGet, "/big", [](Request&) -> Result<Response> {
            return Response::Make(200, "application/octet-stream", std::string(1 << 20, 'b'));
        });
        router_.Add(Method::kGet, "/block", [this](Request&) -> Result<Response> {
            gate_.Wait();
            return Response::Make(200, "text/plain", "unblocked");
        });
        router_.Add(Method::kGet, "/stream", [this](Request& r) -> Result<Response> {
            const size_t total = std::stoull(r.QueryParam("bytes").value_or("0"));
            Response response = Response::Make(200, "text/plain", "");
            response.stream = [this, total](BodySink& sink) -> Status {
                const std::string piece(1000, 's');
                for (size_t sent = 0; sent < total; sent += piece.size()) {
                    if (!sink.Write(std::string_view(piece).substr(
                            0, std::min(piece.size(), total - sent)))) {
                        stream_stopped_.set_value(sent);
                        return Status::Unavailable("client gone");
                    }
                }
                return Status::Ok();
            };
            return response;
        });
        dispatcher_ = std::make_unique<Dispatcher>(router_, options_, log_);
        server_ = std::make_unique<HttpServer>(options_, *dispatcher_);
        const Status started = server_->Start();
        EXPECT_TRUE(started.ok()) << started.ToString();
    }
    ~EdgeServer() {
        gate_.Open();
        server_->Stop();
    }
    uint16_t port() const { return server_->port(); }
    HttpServer& server() { return *server_; }
    Gate& gate() { return gate_; }
    /// Resolves with the bytes a streamed body had written when its client left.
    std::future<size_t> StreamStopped() { return stream_stopped_.get_future(); }

  private:
    HttpOptions options_;
    Router router_;
    AccessLog log_;
    std::unique_ptr<Dispatcher> dispatcher_;
    std::unique_ptr<HttpServer> server_;
    Gate gate_;
    std::promise<size_t> stream_stopped_;
};

std::string Get(const std::string& path, const std::string& extra = "") {
    return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

TEST(HttpEdgeTest, AnswersEachPipelinedRequestAsSentWhateverCameBefore) {
    EdgeServer server;
    RawConnection c(server.port());
    // A refused method with JSON wanted, then a GET wanting XML, then a POST:
    // each answer must be for its own request (method, headers, body).
    ASSERT_TRUE(c.Send("PROPFIND /echo HTTP/1.1\r\nAccept: application/json\r\n\r\n" +
                       Get("/echo", "Accept: application/xml\r\n") +
                       "POST /echo HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"));
    auto refused = c.Read();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 405);
    EXPECT_EQ(refused->Header("Allow"), "GET, HEAD, POST, OPTIONS");
    EXPECT_NE(refused->body.find("PROPFIND is not allowed"), std::string::npos);
    auto get = c.Read();
    ASSERT_TRUE(get);
    EXPECT_EQ(get->status, 200);
    EXPECT_EQ(get->body, "GET /echo accept=application/xml body=");
    auto post = c.Read();
    ASSERT_TRUE(post);
    EXPECT_EQ(post->body, "POST /echo accept=- body=abc");
}

TEST(HttpEdgeTest, ABadHeadIsRefusedAfterTheAnswersBeforeItAndEndsTheConnection) {
    EdgeServer server;
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"GET /a b HTTP/1.1\r\n\r\n", "malformed request head"},
        {"GET / HTTP/1.1\r\n folded\r\n\r\n", "malformed request head"},
        {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
         "conflicting Content-Length headers"},
        {"GET / HTTP/3\r\n\r\n", "HTTP version 'HTTP/3' is not supported"}};
    for (const auto& [bad, message] : cases) {
        RawConnection c(server.port());
        ASSERT_TRUE(c.Send(Get("/hello") + bad + Get("/hello")));
        auto first = c.Read();
        ASSERT_TRUE(first) << bad;
        EXPECT_EQ(first->body, "hello world");
        auto refusal = c.Read();
        ASSERT_TRUE(refusal) << bad;
        EXPECT_TRUE(refusal->status == 400 || refusal->status == 505) << bad;
        EXPECT_EQ(refusal->Header("Connection"), "close");
        EXPECT_NE(refusal->body.find(message), std::string::npos) << refusal->body;
        EXPECT_TRUE(c.ClosedByServer()) << bad;  // the request after it is not answered
    }
}

TEST(HttpEdgeTest, RefusesAnOversizedBodyBeforeReadingIt) {
    HttpOptions options;
    options.max_body_bytes = 1024;
    EdgeServer server(options);
    RawConnection c(server.port());
    ASSERT_TRUE(c.Send("POST /echo HTTP/1.1\r\nContent-Length: 20971520\r\n\r\n"));
    auto refusal = c.Read();
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->status, 413);
    EXPECT_NE(refusal->body.find("20971520"), std::string::npos);
}

TEST(HttpEdgeTest, HeadAnswersTheLengthOfTheGetWithoutABody) {
    EdgeServer server;
    RawConnection c(server.port());
    ASSERT_TRUE(c.Send("HEAD /big HTTP/1.1\r\n\r\n" + Get("/hello")));
    auto head = c.Read(/*head_only=*/true);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_EQ(head->Header("Content-Length"), std::to_string(1 << 20));
    auto next = c.Read();  // the next answer follows at once: no body was sent
    ASSERT_TRUE(next);
    EXPECT_EQ(next->body, "hello world");
    ASSERT_TRUE(c.Send("HEAD /stream?bytes=5000 HTTP/1.1\r\n\r\n" + Get("/hello")));
    auto streamed = c.Read(true);
    ASSERT_TRUE(streamed);
    EXPECT_EQ(streamed->Header("Transfer-Encoding"), "chunked");
    EXPECT_EQ(c.Read()->body, "hello world");
}

TEST(HttpEdgeTest, StreamsABodyManyTimesTheWindowAndKeepsTheConnection) {
    EdgeServer server;
    RawConnection c(server.port());
    const size_t size = 8u << 20;
    ASSERT_TRUE(c.Send(Get("/stream?bytes=" + std::to_string(size)) + Get("/hello")));
    auto streamed = c.Read();
    ASSERT_TRUE(streamed);
    EXPECT_TRUE(streamed->chunked);
    EXPECT_EQ(streamed->body.size(), size);
    EXPECT_EQ(streamed->body.find_first_not_of('s'), std::string::npos);
    EXPECT_EQ(c.Read()->body, "hello world");
}

TEST(HttpEdgeTest, AStreamedBodyStopsWhenItsClientLeaves) {
    EdgeServer server;
    auto stopped = server.StreamStopped();
    {
        RawConnection c(server.port());
        ASSERT_TRUE(c.Send(Get("/stream?bytes=" + std::to_string(size_t{1} << 34))));  // 16 GiB
        ASSERT_FALSE(c.ReadSome(4096).empty());
    }  // closes: the next writes fail
    ASSERT_EQ(stopped.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_LT(stopped.get(), size_t{1} << 34);
}

TEST(HttpEdgeTest, ASlowHandlerHoldsAWorkerNotOtherConnections) {
    EdgeServer server;
    RawConnection slow(server.port());
    ASSERT_TRUE(slow.Send(Get("/block")));
    server.gate().AwaitArrivals(1);
    RawConnection other(server.port());
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(other.Send(Get("/hello")));
        auto answer = other.Read();
        ASSERT_TRUE(answer);
        EXPECT_EQ(answer->body, "hello world");
    }
    server.gate().Open();
    EXPECT_EQ(slow.Read()->body, "unblocked");
}

TEST(HttpEdgeTest, AFullWorkerPoolAnswers503WithRetryAfter) {
    HttpOptions options;
    options.threads = 1;
    options.queue_size = 1;
    EdgeServer server(options);
    RawConnection running(server.port()), second(server.port()), third(server.port());
    ASSERT_TRUE(running.Send(Get("/block")));
    server.gate().AwaitArrivals(1);
    // The one worker is busy: of the next two requests one waits in the queue
    // and the other, whichever the server frames last, is refused at once.
    ASSERT_TRUE(second.Send(Get("/block")));
    ASSERT_TRUE(third.Send(Get("/hello")));
    pollfd fds[2] = {{second.fd(), POLLIN, 0}, {third.fd(), POLLIN, 0}};
    ASSERT_EQ(poll(fds, 2, 10000), 1);
    RawConnection& refused = (fds[0].revents & POLLIN) ? second : third;
    RawConnection& waiting = (fds[0].revents & POLLIN) ? third : second;
    auto busy = refused.Read();
    ASSERT_TRUE(busy);
    EXPECT_EQ(busy->status, 503);
    EXPECT_EQ(busy->Header("Retry-After"), "1");
    EXPECT_NE(busy->body.find("server busy: all 1 workers are taken and 1 requests wait"),
              std::string::npos)
        << busy->body;
    server.gate().Open();
    EXPECT_EQ(running.Read()->status, 200);
    EXPECT_EQ(waiting.Read()->status, 200);
    ASSERT_TRUE(refused.Send(Get("/hello")));  // a refused client keeps its connection
    EXPECT_EQ(refused.Read()->status, 200);
}

TEST(HttpEdgeTest, SilentAndPartialClientsAreClosedAfterTheHeadTimeout) {
    HttpOptions options;
    options.head_timeout_seconds = 1;
    EdgeServer server(options);
    RawConnection silent(server.port()), partial(server.port()), normal(server.port());
    ASSERT_TRUE(partial.Send("GET /hello HTTP/1.1\r\nHost: t\r\n"));
    ASSERT_TRUE(normal.Send(Get("/hello")));
    EXPECT_EQ(normal.Read()->body, "hello world");
    auto timeout = partial.Read();
    ASSERT_TRUE(timeout);
    EXPECT_EQ(timeout->status, 408);
    EXPECT_NE(timeout->body.find("request head not received within 1 s"), std::string::npos);
    EXPECT_TRUE(partial.ClosedByServer());
    EXPECT_TRUE(silent.ClosedByServer());
}

TEST(HttpEdgeTest, ConnectionsPastTheLimitAreRefusedAndHeldOnesKeepWorking) {
    HttpOptions options;
    options.max_connections = 2;
    EdgeServer server(options);
    RawConnection first(server.port()), second(server.port());
    ASSERT_TRUE(first.Send(Get("/hello")));
    ASSERT_TRUE(second.Send(Get("/hello")));
    ASSERT_TRUE(first.Read());
    ASSERT_TRUE(second.Read());
    RawConnection third(server.port());
    auto refusal = third.Read();
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->status, 503);
    EXPECT_NE(refusal->body.find("too many connections (limit 2)"), std::string::npos);
    EXPECT_TRUE(third.ClosedByServer());
    ASSERT_TRUE(first.Send(Get("/hello")));
    EXPECT_EQ(first.Read()->body, "hello world");
}

TEST(HttpEdgeTest, TheDrainAnswers503OnOpenConnectionsWhileInFlightRequestsFinish) {
    EdgeServer server;
    RawConnection in_flight(server.port()), kept(server.port());
    ASSERT_TRUE(kept.Send(Get("/hello")));
    ASSERT_TRUE(kept.Read());
    ASSERT_TRUE(in_flight.Send(Get("/block")));
    server.gate().AwaitArrivals(1);
    std::thread stopper([&] { server.server().Stop(); });
    while (!server.server().draining()) std::this_thread::yield();
    ASSERT_TRUE(kept.Send(Get("/hello")));
    auto refusal = kept.Read();
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->status, 503);
    EXPECT_EQ(refusal->Header("Connection"), "close");
    EXPECT_TRUE(refusal->Header("Retry-After").has_value());
    server.gate().Open();
    auto finished = in_flight.Read();
    ASSERT_TRUE(finished);
    EXPECT_EQ(finished->body, "unblocked");
    EXPECT_EQ(finished->Header("Connection"), "close");
    stopper.join();
}

TEST(HttpEdgeTest, StopEndsAStreamWhoseClientStoppedReading) {
    HttpOptions options;
    options.shutdown_grace_seconds = 1;
    EdgeServer server(options);
    auto stopped = server.StreamStopped();
    RawConnection stalled(server.port());
    ASSERT_TRUE(stalled.Send(Get("/stream?bytes=" + std::to_string(size_t{1} << 34))));
    ASSERT_FALSE(stalled.ReadSome(1).empty());  // streaming has begun; then nothing is read
    server.server().Stop();  // returns after the grace period, closing the connection
    ASSERT_EQ(stopped.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_LT(stopped.get(), size_t{1} << 34);
}

TEST(HttpEdgeTest, ASilentClientDuringTheTlsHandshakeDelaysNoOtherClient) {
    testing::TempDir dir;
    const auto [cert, key] = testing::MakeSelfSignedTls(dir);
    ASSERT_FALSE(cert.empty()) << "openssl req failed";
    HttpOptions options;
    options.tls_cert_file = cert;
    options.tls_key_file = key;
    EdgeServer server(options);
    // Clients that connect and never send a ClientHello; the old server ran the
    // handshake blocking on its one accept thread and stalled everyone.
    std::vector<std::unique_ptr<RawConnection>> silent;
    for (int i = 0; i < 8; ++i) silent.push_back(std::make_unique<RawConnection>(server.port()));
    client::ClientOptions verified;
    verified.ca_file = cert;
    verified.timeout_seconds = 5;  // far below the old stall, far above a handshake
    client::HttpClient https(verified);
    const std::string url = "https://localhost:" + std::to_string(server.port()) + "/hello";
    for (int i = 0; i < 3; ++i) {
        auto answer = https.Get(url);
        ASSERT_TRUE(answer.ok()) << answer.status().ToString();
        EXPECT_EQ(answer->body, "hello world");
    }
}

}  // namespace
}  // namespace mkt::http
