#include "http/server.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "http/request_framer.hpp"
#include "http/response_head.hpp"
#include "http/stream_pipe.hpp"
#include "http/tls.hpp"
#include "http/worker_pool.hpp"
#include "registry/text.hpp"

namespace mkt::http {

using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kReadChunk = 16 * 1024;
/// Bytes read ahead while a request is being handled (a pipelined next
/// request); past this the connection is not read until the response is out.
constexpr size_t kMaxReadAhead = 64 * 1024;
/// After an error that ends a connection, input is discarded this long so the
/// client reads the answer instead of a reset.
constexpr auto kLinger = std::chrono::seconds(2);
constexpr auto kScanInterval = std::chrono::milliseconds(100);
constexpr uint64_t kListenId = 0;
constexpr uint64_t kWakeId = 1;
constexpr Clock::time_point kNever = Clock::time_point::max();

std::string PeerAddress(const sockaddr_storage& address) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(address).sin_addr, text,
                  sizeof text);
    } else if (address.ss_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(address).sin6_addr, text,
                  sizeof text);
    }
    return text;
}

// True when a comma-separated header value lists `token` (case-insensitive).
bool ListsToken(std::string_view value, std::string_view token) {
    size_t pos = 0;
    while (pos <= value.size()) {
        size_t comma = value.find(',', pos);
        if (comma == std::string_view::npos) comma = value.size();
        if (text::EqualsIgnoreCase(text::TrimBlanks(value.substr(pos, comma - pos)), token))
            return true;
        pos = comma + 1;
    }
    return false;
}

// Handlers run on the worker pool and an upload waits for its group commit (an
// fsync), so there are more workers than cores: waiting uploads join the same
// commit while the others keep the CPUs busy.
int DefaultWorkers() {
    return std::max(16, 4 * static_cast<int>(std::thread::hardware_concurrency()));
}

int ReactorThreads() {
    return std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 4);
}

/// Bytes waiting to be written on one connection, in order; owned or shared.
class OutputQueue {
  public:
    void Append(std::string bytes) {
        if (bytes.empty()) return;
        bytes_ += bytes.size();
        pieces_.push_back({std::move(bytes), nullptr, 0});
    }
    void Append(std::shared_ptr<const std::string> bytes) {
        if (!bytes || bytes->empty()) return;
        bytes_ += bytes->size();
        pieces_.push_back({{}, std::move(bytes), 0});
    }
    bool empty() const { return pieces_.empty(); }
    std::string_view Front() const { return pieces_.front().Rest(); }
    /// Fills up to `max` iovecs with the front pieces; returns how many.
    size_t Gather(iovec* out, size_t max) const {
        size_t n = 0;
        for (const Piece& p : pieces_) {
            if (n == max) break;
            const std::string_view rest = p.Rest();
            out[n++] = {const_cast<char*>(rest.data()), rest.size()};
        }
        return n;
    }
    /// Drops the first `n` bytes (which may span pieces).
    void Consume(size_t n) {
        bytes_ -= n;
        while (n > 0) {
            Piece& p = pieces_.front();
            const size_t take = std::min(n, p.Rest().size());
            p.offset += take;
            n -= take;
            if (p.Rest().empty()) pieces_.pop_front();
        }
    }

  private:
    struct Piece {
        std::string owned;
        std::shared_ptr<const std::string> shared;
        size_t offset;
        std::string_view Rest() const {
            return std::string_view(shared ? *shared : owned).substr(offset);
        }
    };
    std::deque<Piece> pieces_;
    size_t bytes_ = 0;
};

}  // namespace

/// One client connection. Owned and touched only by its reactor thread.
struct Connection {
    enum class Phase {
        kRead,    // framing the next request
        kHandle,  // a worker runs the handler
        kWrite,   // writing a response (and, when streamed, waiting for its producer)
        kLinger,  // the last response is out; discarding input until the client closes
    };
    Connection(uint64_t id_, int fd_, std::string remote_, size_t max_header, size_t max_body)
        : id(id_), fd(fd_), remote(std::move(remote_)), framer(max_header, max_body) {}

    uint64_t id;
    int fd;
    std::string remote;
    std::unique_ptr<TlsSession> tls;
    RequestFramer framer;
    std::string in;  // received bytes not yet framed
    OutputQueue out;
    std::shared_ptr<StreamPipe> stream;  // the producer of a streamed response
    Phase phase = Phase::kRead;
    Clock::time_point deadline = kNever;
    bool served_any = false;        // a response has been written (idle vs. head timeout)
    bool close_after = false;       // close once the current response is out
    bool peer_eof = false;          // the client closed its side
    bool read_wants_write = false;  // TLS: a read needs the socket writable
    bool counted_in_flight = false;
    uint32_t interest = 0;  // epoll events registered

    IoResult Read(char* buffer, size_t size) {
        if (tls) return tls->Read(buffer, size);
        const ssize_t n = ::recv(fd, buffer, size, 0);
        if (n > 0) return {IoResult::Kind::kDone, static_cast<size_t>(n), false};
        if (n == 0) return {IoResult::Kind::kClosed, 0, false};
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            return {IoResult::Kind::kWouldBlock, 0, false};
        }
        return {IoResult::Kind::kFailed, 0, false};
    }
    /// Writes from the front of `queue`: plain sockets gather several pieces
    /// (head and body) into one system call and one segment.
    IoResult Write(const OutputQueue& queue) {
        if (tls) {
            const std::string_view data = queue.Front();
            return tls->Write(data.data(), data.size());
        }
        iovec pieces[16];
        msghdr message{};
        message.msg_iov = pieces;
        message.msg_iovlen = queue.Gather(pieces, 16);
        const ssize_t n = ::sendmsg(fd, &message, MSG_NOSIGNAL);
        if (n > 0) return {IoResult::Kind::kDone, static_cast<size_t>(n), false};
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return {IoResult::Kind::kWouldBlock, 0, true};
        }
        return {IoResult::Kind::kFailed, 0, false};
    }
};

class Reactor {
  public:
    Reactor(HttpServer::Impl& impl, int listen_fd);
    ~Reactor();
    void Start() {
        thread_ = std::thread([this] { Run(); });
    }
    /// Runs `task` on the reactor thread (thread-safe; dropped once stopped).
    void Post(std::function<void(Reactor&)> task);
    void RequestStop();
    void Join() {
        if (thread_.joinable()) thread_.join();
    }
    /// Closes every connection (after Join), aborting streamed responses; tasks
    /// posted later run at once on the poster's thread and find no connection.
    void CloseAll();

    void StopAccepting();
    /// A worker's finished response for connection `id`.
    void DeliverResponse(uint64_t id, std::string head, std::shared_ptr<Response> body,
                         std::shared_ptr<StreamPipe> stream, bool close);
    /// A streamed response of connection `id` has bytes waiting or has finished.
    void WakeStream(uint64_t id);

  private:
    void Run();
    void RunPosted();
    void AcceptAll();
    void Refuse(int fd, const std::string& remote);
    void OnEvents(Connection& c, uint32_t events);
    /// Runs the connection's state machine until it waits for the socket, a
    /// worker or the client. False when the connection was closed.
    bool Advance(Connection& c);
    bool ReadInput(Connection& c);
    /// Frames input; starts the handler or answers an error. False when closed.
    bool FrameInput(Connection& c);
    void Dispatch(Connection& c, FramedRequest framed);
    void RespondNow(Connection& c, Response response, bool close);
    void RejectFraming(Connection& c, const RequestFramer::Step& step);
    /// Writes what is queued; `finished` = the current response is fully out.
    bool Flush(Connection& c, bool& finished);
    bool FinishResponse(Connection& c);
    void UpdateInterest(Connection& c);
    void ScanTimeouts(Clock::time_point now);
    void OnTimeout(Connection& c);
    void Close(Connection& c);
    void ReleaseInFlight(Connection& c);
    bool WantsRead(const Connection& c) const;
    Clock::time_point After(int seconds) const {
        return Clock::now() + std::chrono::seconds(seconds);
    }

    HttpServer::Impl& impl_;
    const int listen_fd_;
    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    int reserve_fd_ = -1;  // closed to accept-and-refuse when out of descriptors
    bool accepting_ = true;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::mutex posted_mu_;
    std::vector<std::function<void(Reactor&)>> posted_;
    bool closed_ = false;  // guarded by posted_mu_
    std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
    Clock::time_point next_scan_ = Clock::now();
};

struct HttpServer::Impl {
    Impl(const HttpOptions& o, const Dispatcher& d) : options(o), dispatcher(d) {}
    const HttpOptions& options;
    const Dispatcher& dispatcher;
    int listen_fd = -1;
    uint16_t port = 0;
    std::unique_ptr<TlsContext> tls;
    std::unique_ptr<WorkerPool> pool;
    std::vector<std::unique_ptr<Reactor>> reactors;
    std::atomic<uint64_t> next_connection_id{2};
    std::atomic<int> connections{0};
    std::atomic<int> in_flight{0};
    std::atomic<bool> draining{false};
    bool started = false, stopped = false;

    /// The worker's part of a request: run the handler, hand the response back.
    void RunHandler(Reactor& reactor, uint64_t id, Request& request, bool keep_alive);
};

namespace {

// Builds our Request from the framed head and body. False for a target that
// does not decode.
bool FillRequest(const RawHead& head, std::string body, Request& request) {
    request.method_name = head.method;
    request.method = ParseMethod(head.method);
    for (const auto& [k, v] : head.headers) request.headers.Add(k, v);
    request.body = std::move(body);
    return ParseTarget(head.target, request);
}

bool WantsKeepAlive(const RawHead& head) {
    std::optional<std::string> connection;
    for (const auto& [k, v] : head.headers) {
        if (text::EqualsIgnoreCase(k, "Connection")) connection = v;
    }
    if (head.version == "HTTP/1.0") return false;
    return !connection || !ListsToken(*connection, "close");
}

bool ClosesAfter(const Response& response) {
    auto connection = response.headers.Get("Connection");
    return connection && ListsToken(*connection, "close");
}

// The sink a streamed body writes into: pieces are coalesced into chunks of
// about kChunkBytes and handed to the connection's pipe (which blocks while the
// client is behind). The head goes out with the first chunk, so a producer that
// fails before writing anything can still be answered with a proper error.
class PipeSink final : public BodySink {
  public:
    static constexpr size_t kChunkBytes = 16 * 1024;
    using Start = std::function<void(std::shared_ptr<StreamPipe>)>;
    PipeSink(Start start, std::function<void()> wake, std::chrono::milliseconds stall)
        : start_(std::move(start)), wake_(std::move(wake)), stall_(stall) {}
    bool Write(std::string_view bytes) override {
        if (failed_) return false;
        pending_.append(bytes);
        bytes_ += bytes.size();
        return pending_.size() < kChunkBytes || Flush();
    }
    bool Flush() {
        if (failed_) return false;
        if (pending_.empty()) return true;
        std::string chunk;
        chunk.reserve(pending_.size() + 16);
        AppendChunk(chunk, pending_);
        pending_.clear();
        return Push(std::move(chunk));
    }
    /// Ends the body: the last chunk when `complete`, else a cut. False when the
    /// client is gone.
    bool Finish(bool complete) {
        complete = complete && Flush() && Push(std::string(kLastChunk));
        if (pipe_) pipe_->Finish(complete, wake_);
        return complete;
    }
    bool started() const { return pipe_ != nullptr; }
    size_t bytes() const { return bytes_; }

  private:
    bool Push(std::string bytes) {
        if (!pipe_) {
            pipe_ = std::make_shared<StreamPipe>();
            start_(pipe_);
        }
        failed_ = !pipe_->Push(std::move(bytes), wake_, stall_);
        return !failed_;
    }
    Start start_;
    std::function<void()> wake_;
    std::chrono::milliseconds stall_;
    std::shared_ptr<StreamPipe> pipe_;
    std::string pending_;
    size_t bytes_ = 0;
    bool failed_ = false;
};

}  // namespace

void HttpServer::Impl::RunHandler(Reactor& reactor, uint64_t id, Request& request,
                                  bool keep_alive) {
    auto response = std::make_shared<Response>(dispatcher.Handle(request));
    const bool close = !keep_alive || ClosesAfter(*response) || draining.load();
    const bool head_only = request.method == Method::kHead;
    if (!response->stream) {
        const size_t length = response->head_length.value_or(response->Body().size());
        std::string head = ResponseHead(*response, {HeadFraming::Body::kLength, length, close});
        if (head_only) response.reset();
        reactor.Post([id, head = std::move(head), response, close](Reactor& r) mutable {
            r.DeliverResponse(id, std::move(head), std::move(response), nullptr, close);
        });
        return;
    }
    std::string head = ResponseHead(*response, {HeadFraming::Body::kChunked, 0, close});
    if (head_only) {
        reactor.Post([id, head = std::move(head), close](Reactor& r) mutable {
            r.DeliverResponse(id, std::move(head), nullptr, nullptr, close);
        });
        return;
    }
    auto start = [&reactor, id, head = std::move(head), close](std::shared_ptr<StreamPipe> pipe) {
        reactor.Post([id, head, pipe = std::move(pipe), close](Reactor& r) mutable {
            r.DeliverResponse(id, std::move(head), nullptr, std::move(pipe), close);
        });
    };
    auto wake = [&reactor, id] { reactor.Post([id](Reactor& r) { r.WakeStream(id); }); };
    // The reactor closes a connection that stops reading after the write
    // timeout, which aborts the pipe; the stall bound is only a backstop.
    const std::chrono::milliseconds stall = std::chrono::seconds(options.write_timeout_seconds + 5);
    PipeSink sink(start, wake, stall);
    Status status;
    try {
        status = response->stream(sink);
    } catch (const std::exception& e) {
        status = Status::Internal(std::string("streamed body failed: ") + e.what());
    }
    if (status.ok() || sink.started()) {
        if (!status.ok()) {
            std::fprintf(stderr, "request %s: streamed body cut after %zu bytes: %s\n",
                         request.context.request_id.c_str(), sink.bytes(),
                         status.ToString().c_str());
        }
        sink.Finish(status.ok());
        return;
    }
    // Nothing was sent yet: the failure gets its own answer, in the route's format.
    auto error = std::make_shared<Response>(
        response->stream_error ? response->stream_error(status)
                               : Response::Make(500, "text/plain", status.message()));
    const bool error_close = close || ClosesAfter(*error);
    std::string error_head =
        ResponseHead(*error, {HeadFraming::Body::kLength, error->Body().size(), error_close});
    reactor.Post([id, error_head = std::move(error_head), error, error_close](Reactor& r) mutable {
        r.DeliverResponse(id, std::move(error_head), std::move(error), nullptr, error_close);
    });
}

Reactor::Reactor(HttpServer::Impl& impl, int listen_fd) : impl_(impl), listen_fd_(listen_fd) {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    ev.data.u64 = kListenId;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
    ev.events = EPOLLIN;
    ev.data.u64 = kWakeId;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
}

Reactor::~Reactor() {
    CloseAll();
    if (reserve_fd_ >= 0) ::close(reserve_fd_);
    ::close(wake_fd_);
    ::close(epoll_fd_);
}

void Reactor::Post(std::function<void(Reactor&)> task) {
    {
        std::lock_guard lock(posted_mu_);
        if (closed_) {
            // The thread is gone and no connection is left: the task finds none
            // (a streamed answer's pipe is aborted, so its producer stops).
            task(*this);
            return;
        }
        posted_.push_back(std::move(task));
    }
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void Reactor::RequestStop() {
    stop_.store(true);
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void Reactor::CloseAll() {
    while (!connections_.empty()) Close(*connections_.begin()->second);
    std::vector<std::function<void(Reactor&)>> tasks;
    {
        std::lock_guard lock(posted_mu_);
        closed_ = true;
        tasks.swap(posted_);
    }
    for (auto& task : tasks) task(*this);  // answers for connections that are gone
}

void Reactor::StopAccepting() {
    if (!accepting_) return;
    accepting_ = false;
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
}

void Reactor::Run() {
    epoll_event events[128];
    while (!stop_.load()) {
        const int n = epoll_wait(epoll_fd_, events, 128, static_cast<int>(kScanInterval.count()));
        for (int i = 0; i < n && !stop_.load(); ++i) {
            const uint64_t id = events[i].data.u64;
            if (id == kListenId) {
                AcceptAll();
            } else if (id == kWakeId) {
                uint64_t count = 0;
                [[maybe_unused]] const ssize_t r = ::read(wake_fd_, &count, sizeof count);
                RunPosted();
            } else if (auto it = connections_.find(id); it != connections_.end()) {
                OnEvents(*it->second, events[i].events);
            }
        }
        const auto now = Clock::now();
        if (now >= next_scan_) {
            ScanTimeouts(now);
            next_scan_ = now + kScanInterval;
        }
    }
}

void Reactor::RunPosted() {
    std::vector<std::function<void(Reactor&)>> tasks;
    {
        std::lock_guard lock(posted_mu_);
        tasks.swap(posted_);
    }
    for (auto& task : tasks) task(*this);
}

void Reactor::AcceptAll() {
    while (accepting_) {
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        const int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length,
                               SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if ((errno == EMFILE || errno == ENFILE) && reserve_fd_ >= 0) {
                // Out of descriptors: free the reserve to take the connection off
                // the backlog and close it, instead of being woken for it forever.
                ::close(reserve_fd_);
                const int refused = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
                if (refused >= 0) ::close(refused);
                reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
                std::fprintf(stderr, "http: out of file descriptors; refused a connection\n");
                continue;
            }
            return;  // EAGAIN (another reactor took it) or a transient error
        }
        std::string remote = PeerAddress(address);
        if (impl_.connections.fetch_add(1) >= impl_.options.max_connections) {
            impl_.connections.fetch_sub(1);
            Refuse(fd, remote);
            continue;
        }
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        const uint64_t id = impl_.next_connection_id.fetch_add(1);
        auto connection =
            std::make_unique<Connection>(id, fd, std::move(remote), impl_.options.max_header_bytes,
                                         impl_.options.max_body_bytes);
        if (impl_.tls) {
            connection->tls = impl_.tls->Accept(fd);
            if (!connection->tls) {
                impl_.connections.fetch_sub(1);
                ::close(fd);
                continue;
            }
        }
        connection->deadline = After(impl_.options.head_timeout_seconds);
        Connection& c = *connection;
        connections_.emplace(id, std::move(connection));
        epoll_event ev{};
        ev.events = c.interest = EPOLLIN | EPOLLRDHUP;
        ev.data.u64 = id;
        epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    }
}

void Reactor::Refuse(int fd, const std::string& remote) {
    // Past the connection limit: a plain-HTTP client gets a 503 it can read
    // (best effort, one non-blocking write); a TLS client cannot be answered
    // before a handshake, so it is closed.
    if (!impl_.tls) {
        Request request;
        request.context.remote = remote;
        Response response = impl_.dispatcher.RenderError(
            request, Status::Unavailable("too many connections (limit " +
                                         std::to_string(impl_.options.max_connections) + ")"));
        std::string bytes =
            ResponseHead(response, {HeadFraming::Body::kLength, response.Body().size(), true});
        bytes.append(response.Body());
        [[maybe_unused]] const ssize_t n =
            ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        ::shutdown(fd, SHUT_WR);
    }
    ::close(fd);
}

bool Reactor::WantsRead(const Connection& c) const {
    if (c.peer_eof) return false;
    if (c.phase == Connection::Phase::kRead || c.phase == Connection::Phase::kLinger) return true;
    return c.in.size() < kMaxReadAhead;
}

void Reactor::OnEvents(Connection& c, uint32_t events) {
    if (events & EPOLLERR) {
        Close(c);
        return;
    }
    if ((events & EPOLLHUP) && !(events & EPOLLIN)) {
        Close(c);  // both directions are gone: nothing can be read or written
        return;
    }
    const bool readable =
        (events & (EPOLLIN | EPOLLRDHUP)) || (c.read_wants_write && (events & EPOLLOUT));
    if (readable && WantsRead(c) && !ReadInput(c)) return;
    if (!Advance(c)) return;
    UpdateInterest(c);
}

bool Reactor::ReadInput(Connection& c) {
    char buffer[kReadChunk];
    // Level-triggered: read a bounded amount per event, the rest next time.
    // TLS may hold decrypted bytes the socket no longer shows, so it reads on
    // until it would block.
    for (size_t total = 0; WantsRead(c) && (c.tls || total < kMaxReadAhead);) {
        const IoResult r = c.Read(buffer, sizeof buffer);
        c.read_wants_write = false;
        switch (r.kind) {
            case IoResult::Kind::kDone:
                total += r.bytes;
                if (c.phase != Connection::Phase::kLinger) c.in.append(buffer, r.bytes);
                if (c.phase == Connection::Phase::kRead && c.framer.reading_body()) {
                    c.deadline = After(impl_.options.body_timeout_seconds);
                }
                if (c.tls && c.phase == Connection::Phase::kRead && c.in.size() >= kMaxReadAhead &&
                    !FrameInput(c)) {
                    return false;
                }
                break;
            case IoResult::Kind::kWouldBlock:
                c.read_wants_write = r.wants_write;
                return true;
            case IoResult::Kind::kClosed:
                c.peer_eof = true;
                if (c.phase == Connection::Phase::kLinger ||
                    (c.phase == Connection::Phase::kRead && c.in.empty() &&
                     !c.framer.in_request())) {
                    Close(c);
                    return false;
                }
                return true;  // answer what was asked, then close
            case IoResult::Kind::kFailed:
                Close(c);
                return false;
        }
    }
    return true;
}

bool Reactor::Advance(Connection& c) {
    for (;;) {
        switch (c.phase) {
            case Connection::Phase::kRead: {
                // TLS may hold decrypted bytes of a pipelined request that the
                // socket no longer signals.
                if (c.tls && !c.peer_eof && !ReadInput(c)) return false;
                if (!FrameInput(c)) return false;
                if (c.phase != Connection::Phase::kRead) continue;
                bool finished = false;  // a 100 Continue may be waiting
                if (!Flush(c, finished)) return false;
                if (c.peer_eof) {  // the client left in the middle of a request
                    Close(c);
                    return false;
                }
                return true;
            }
            case Connection::Phase::kHandle:
                return true;
            case Connection::Phase::kWrite: {
                bool finished = false;
                if (!Flush(c, finished)) return false;
                if (!finished) return true;
                if (!FinishResponse(c)) return false;
                continue;
            }
            case Connection::Phase::kLinger:
                c.in.clear();
                if (c.peer_eof) {
                    Close(c);
                    return false;
                }
                return true;
        }
    }
}

bool Reactor::FrameInput(Connection& c) {
    size_t offset = 0;
    while (c.phase == Connection::Phase::kRead && offset < c.in.size()) {
        const bool was_in_request = c.framer.in_request();
        const RequestFramer::Step step = c.framer.Feed(std::string_view(c.in).substr(offset));
        offset += step.consumed;
        if (!was_in_request && c.framer.in_request() && c.served_any) {
            // The first byte of the next request on a kept-alive connection.
            c.deadline = After(impl_.options.head_timeout_seconds);
        }
        if (step.event == RequestFramer::Event::kRejected) {
            c.in.clear();
            RejectFraming(c, step);
            return true;
        }
        if (step.send_continue) c.out.Append(std::string("HTTP/1.1 100 Continue\r\n\r\n"));
        if (step.event == RequestFramer::Event::kRequest) {
            c.in.erase(0, offset);
            offset = 0;
            Dispatch(c, c.framer.Take());
            break;
        }
        if (c.framer.reading_body()) c.deadline = After(impl_.options.body_timeout_seconds);
        if (step.consumed == 0) break;
    }
    if (offset > 0) c.in.erase(0, offset);
    return true;
}

void Reactor::Dispatch(Connection& c, FramedRequest framed) {
    auto head = ParseRawHead(framed.head);  // the framer checked it
    Request request;
    request.context.remote = c.remote;
    if (!head || !FillRequest(*head, std::move(framed.body), request)) {
        RespondNow(c,
                   impl_.dispatcher.RenderError(
                       request, Status::InvalidArgument("malformed request target")),
                   true);
        return;
    }
    const bool keep_alive = WantsKeepAlive(*head) && !c.peer_eof;
    if (impl_.draining.load()) {
        Response response =
            impl_.dispatcher.RenderError(request, Status::Unavailable("server is shutting down"));
        RespondNow(c, std::move(response), true);
        return;
    }
    c.phase = Connection::Phase::kHandle;
    c.deadline = kNever;  // the handler has its own limits
    c.counted_in_flight = true;
    impl_.in_flight.fetch_add(1);
    HttpServer::Impl& impl = impl_;
    const uint64_t id = c.id;
    auto shared = std::make_shared<Request>(std::move(request));
    const bool queued = impl_.pool->TrySubmit(
        [&impl, this, id, shared, keep_alive] { impl.RunHandler(*this, id, *shared, keep_alive); });
    if (queued) return;
    ReleaseInFlight(c);
    Response busy = impl_.dispatcher.RenderError(
        *shared,
        Status::Unavailable("server busy: all " + std::to_string(impl_.pool->threads()) +
                            " workers are taken and " +
                            std::to_string(impl_.pool->queue_capacity()) + " requests wait"));
    busy.headers.Set("Retry-After", "1");
    RespondNow(c, std::move(busy), !keep_alive);
}

void Reactor::RespondNow(Connection& c, Response response, bool close) {
    std::string bytes =
        ResponseHead(response, {HeadFraming::Body::kLength, response.Body().size(), close});
    bytes.append(response.Body());
    c.out.Append(std::move(bytes));
    c.close_after = close;
    c.phase = Connection::Phase::kWrite;
    c.deadline = After(impl_.options.write_timeout_seconds);
}

void Reactor::RejectFraming(Connection& c, const RequestFramer::Step& step) {
    Request request;
    request.context.remote = c.remote;
    if (auto head = ParseRawHead(c.framer.partial_head() + "\r\n")) {
        FillRequest(*head, {}, request);  // for the error's format; may be partial
    }
    const StatusCode code =
        step.status == 413 ? StatusCode::kPayloadTooLarge : StatusCode::kInvalidArgument;
    Response response = impl_.dispatcher.RenderError(request, Status(code, step.message));
    response.status = step.status;
    RespondNow(c, std::move(response), true);
}

bool Reactor::Flush(Connection& c, bool& finished) {
    finished = false;
    for (;;) {
        if (c.out.empty() && c.stream) {
            c.stream->Drain([&c](std::string piece) { c.out.Append(std::move(piece)); });
        }
        if (c.out.empty()) {
            finished = c.phase == Connection::Phase::kWrite && (!c.stream || c.stream->finished());
            return true;
        }
        const IoResult r = c.Write(c.out);
        if (r.kind == IoResult::Kind::kDone) {
            c.out.Consume(r.bytes);
            if (c.phase == Connection::Phase::kWrite) {
                c.deadline = After(impl_.options.write_timeout_seconds);
            }
            continue;
        }
        if (r.kind == IoResult::Kind::kWouldBlock) return true;
        Close(c);  // the client is gone: a write failure ends the connection
        return false;
    }
}

bool Reactor::FinishResponse(Connection& c) {
    const bool truncated = c.stream && !c.stream->complete();
    c.stream.reset();
    ReleaseInFlight(c);
    c.served_any = true;
    if (truncated) {
        Close(c);  // no last chunk: the client sees the body is incomplete
        return false;
    }
    if (c.close_after || c.peer_eof) {
        if (c.tls) c.tls->Shutdown();
        ::shutdown(c.fd, SHUT_WR);
        c.phase = Connection::Phase::kLinger;
        c.deadline = Clock::now() + kLinger;
        return true;
    }
    c.phase = Connection::Phase::kRead;
    c.deadline = c.in.empty() ? After(impl_.options.idle_timeout_seconds)
                              : After(impl_.options.head_timeout_seconds);
    return true;
}

void Reactor::DeliverResponse(uint64_t id, std::string head, std::shared_ptr<Response> body,
                              std::shared_ptr<StreamPipe> stream, bool close) {
    auto it = connections_.find(id);
    if (it == connections_.end()) {
        if (stream) stream->Abort();  // the client left while its request ran
        return;
    }
    Connection& c = *it->second;
    c.out.Append(std::move(head));
    if (body) {
        if (body->shared_body) {
            c.out.Append(std::move(body->shared_body));
        } else {
            c.out.Append(std::move(body->body));
        }
    }
    c.stream = std::move(stream);
    c.close_after = close;
    c.phase = Connection::Phase::kWrite;
    c.deadline = After(impl_.options.write_timeout_seconds);
    if (Advance(c)) UpdateInterest(c);
}

void Reactor::WakeStream(uint64_t id) {
    auto it = connections_.find(id);
    if (it == connections_.end()) return;
    Connection& c = *it->second;
    if (c.phase == Connection::Phase::kWrite && Advance(c)) UpdateInterest(c);
}

void Reactor::UpdateInterest(Connection& c) {
    uint32_t wanted = 0;
    if (WantsRead(c)) wanted |= EPOLLIN | EPOLLRDHUP;
    if (!c.out.empty() || c.read_wants_write) wanted |= EPOLLOUT;
    if (wanted == c.interest) return;
    epoll_event ev{};
    ev.events = c.interest = wanted;
    ev.data.u64 = c.id;
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
}

void Reactor::ScanTimeouts(Clock::time_point now) {
    std::vector<Connection*> expired;
    const bool draining = impl_.draining.load();
    for (auto& [id, c] : connections_) {
        const bool idle = c->phase == Connection::Phase::kRead && c->served_any &&
                          !c->framer.in_request() && c->in.empty();
        if (now >= c->deadline || (draining && idle)) expired.push_back(c.get());
    }
    for (Connection* c : expired) OnTimeout(*c);
}

void Reactor::OnTimeout(Connection& c) {
    if (c.phase != Connection::Phase::kRead || !c.framer.in_request()) {
        Close(c);  // idle, silent since it connected, a stalled write, or the linger is over
        return;
    }
    // Part of a request arrived but not the rest in time: say so, then close.
    const bool body = c.framer.reading_body();
    const int seconds =
        body ? impl_.options.body_timeout_seconds : impl_.options.head_timeout_seconds;
    Request request;
    request.context.remote = c.remote;
    Response response = impl_.dispatcher.RenderError(
        request, Status(StatusCode::kInvalidArgument,
                        std::string(body ? "request body" : "request head") +
                            " not received within " + std::to_string(seconds) + " s"));
    response.status = 408;
    c.in.clear();
    RespondNow(c, std::move(response), true);
    if (Advance(c)) UpdateInterest(c);
}

void Reactor::ReleaseInFlight(Connection& c) {
    if (!c.counted_in_flight) return;
    c.counted_in_flight = false;
    impl_.in_flight.fetch_sub(1);
}

void Reactor::Close(Connection& c) {
    if (c.stream) c.stream->Abort();  // wakes a producer blocked on this client
    ReleaseInFlight(c);
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
    c.tls.reset();
    ::close(c.fd);
    impl_.connections.fetch_sub(1);
    connections_.erase(c.id);  // destroys c
}

HttpServer::HttpServer(const HttpOptions& options, const Dispatcher& dispatcher)
    : impl_(std::make_unique<Impl>(options, dispatcher)) {}

HttpServer::~HttpServer() { Stop(); }

namespace {

// Opens the listening socket. Errors: kUnavailable with the reason.
Result<int> Listen(const HttpOptions& o) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(o.port);
    if (const int rc = getaddrinfo(o.address.c_str(), port.c_str(), &hints, &found); rc != 0) {
        return Status::Unavailable("cannot resolve " + o.address + ": " + gai_strerror(rc));
    }
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> holder(found, &freeaddrinfo);
    std::string reason = "no address";
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            reason = std::strerror(errno);
            continue;
        }
        const int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) return fd;
        reason = std::strerror(errno);
        ::close(fd);
    }
    return Status::Unavailable(reason);
}

uint16_t BoundPort(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    if (address.ss_family == AF_INET6) {
        return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
    }
    return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
}

}  // namespace

Status HttpServer::Start() {
    const HttpOptions& o = impl_->options;
    const std::string where = o.address + ":" + std::to_string(o.port);
    // A client that disconnects while TLS writes must not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
    if (!o.tls_cert_file.empty() || !o.tls_key_file.empty()) {
        auto tls = TlsContext::Load(o.tls_cert_file, o.tls_key_file);
        if (!tls.ok())
            return Status::Unavailable("cannot serve HTTPS on " + where + ": " +
                                       tls.status().message());
        impl_->tls = std::move(tls).value();
    }
    auto fd = Listen(o);
    if (!fd.ok())
        return Status::Unavailable("cannot serve HTTP on " + where + ": " + fd.status().message());
    impl_->listen_fd = *fd;
    impl_->port = BoundPort(*fd);
    const int workers = o.threads > 0 ? o.threads : DefaultWorkers();
    const size_t queue =
        o.queue_size > 0 ? static_cast<size_t>(o.queue_size) : static_cast<size_t>(4 * workers);
    impl_->pool = std::make_unique<WorkerPool>(workers, queue);
    for (int i = 0; i < ReactorThreads(); ++i) {
        impl_->reactors.push_back(std::make_unique<Reactor>(*impl_, impl_->listen_fd));
    }
    for (auto& reactor : impl_->reactors) reactor->Start();
    impl_->started = true;
    return Status::Ok();
}

uint16_t HttpServer::port() const { return impl_->port; }

bool HttpServer::draining() const { return impl_->draining.load(); }

void HttpServer::Stop() {
    if (!impl_->started || impl_->stopped) return;
    impl_->stopped = true;
    impl_->draining.store(true);
    for (auto& reactor : impl_->reactors) {
        reactor->Post([](Reactor& r) { r.StopAccepting(); });
    }
    const auto deadline =
        Clock::now() + std::chrono::seconds(impl_->options.shutdown_grace_seconds);
    while (impl_->in_flight.load() > 0 && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    for (auto& reactor : impl_->reactors) reactor->RequestStop();
    for (auto& reactor : impl_->reactors) reactor->Join();
    for (auto& reactor : impl_->reactors) reactor->CloseAll();
    impl_->pool->Stop();  // handlers still running finish; their answers are dropped
    impl_->reactors.clear();
    ::close(impl_->listen_fd);
}

}  // namespace mkt::http
