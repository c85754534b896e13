#define PISTACHE_USE_SSL 1
#include "http/server.hpp"

#include <chrono>
#include <functional>
#include <ostream>
#include <thread>

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <sys/socket.h>

#include "http/request_guard.hpp"
#include "http/status_mapping.hpp"

namespace mkt::http {

namespace P = Pistache;

struct HttpServer::Impl {
    Impl(const HttpOptions& o, const Dispatcher& d) : options(o), dispatcher(d) {}
    const HttpOptions& options;
    const Dispatcher& dispatcher;
    std::unique_ptr<P::Http::Endpoint> endpoint;
    std::atomic<bool> draining{false};
    std::atomic<int> in_flight{0};
    std::atomic<bool> stopped{false};
    bool started = false;
};

namespace {

constexpr const char* kGuardKey = "mkt.guard";

std::string RawResponse(const Response& r, bool close) {
    std::string out =
        "HTTP/1.1 " + std::to_string(r.status) + " " + std::string(ReasonPhrase(r.status)) + "\r\n";
    for (const auto& [k, v] : r.headers.items()) out += k + ": " + v + "\r\n";
    out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
    if (close) out += "Connection: close\r\n";
    out += "\r\n" + r.body;
    return out;
}

// Pistache writes only typed headers; this one carries any name and value.
class NamedHeader final : public P::Http::Header::Header {
  public:
    NamedHeader(std::string name, std::string value)
        : name_(std::move(name)), value_(std::move(value)) {}
    const char* name() const override { return name_.c_str(); }
    void write(std::ostream& stream) const override { stream << value_; }
#ifdef SAFE_HEADER_CAST
    uint64_t hash() const override { return std::hash<std::string>{}(name_); }
#endif

  private:
    std::string name_, value_;
};

// All of a response's headers as one Pistache header: the first header's name,
// then a value that carries the others as further "Name: value" lines. Pistache
// keeps headers in a hash map (an allocation and a lower-casing per header); one
// entry instead of six is measurable on the read path. CR and LF are removed
// from names and values, so no header can inject another line.
std::shared_ptr<NamedHeader> HeaderBlock(const Headers& headers) {
    const auto& items = headers.items();
    if (items.empty()) return nullptr;
    auto append_clean = [](std::string& out, std::string_view text) {
        if (text.find_first_of("\r\n") == std::string_view::npos) {
            out.append(text);
            return;
        }
        for (char c : text) {
            if (c != '\r' && c != '\n') out.push_back(c);
        }
    };
    size_t size = 0;
    for (const auto& [name, value] : items) size += name.size() + value.size() + 4;
    std::string value;
    value.reserve(size);
    append_clean(value, items[0].second);
    for (size_t i = 1; i < items.size(); ++i) {
        value.append("\r\n");
        append_clean(value, items[i].first);
        value.append(": ");
        append_clean(value, items[i].second);
    }
    std::string name;
    append_clean(name, items[0].first);
    return std::make_shared<NamedHeader>(std::move(name), std::move(value));
}

// Builds our Request from the raw head the guard saw, so the target, the
// header order and the header values are exactly what the client sent.
bool FillFromHead(const std::string& head, Request& request) {
    auto raw = ParseRawHead(head);
    if (!raw) return false;
    request.method_name = raw->method;
    request.method = ParseMethod(raw->method);
    for (auto& [k, v] : raw->headers) request.headers.Add(std::move(k), std::move(v));
    return ParseTarget(raw->target, request);
}

// Pistache keeps Http::Handler::onInput private, so the framing guard cannot
// run before it in a subclass. The guard therefore lives in GuardHandler (the
// endpoint's handler) and forwards accepted bytes to an InnerHandler through the
// public Tcp::Handler interface. The inner handler needs the transport of the
// thread it runs on; Tcp::Handler::transport_ is private, and this is the one
// place that reaches it, through the standard explicit-instantiation access
// idiom (data-member pointer, no layout assumptions).
struct TransportMemberTag {
    using type = P::Tcp::Transport* P::Tcp::Handler::*;
    friend type TransportMember(TransportMemberTag);
};
template <typename Tag, typename Tag::type Member>
struct ExposeMember {
    friend typename Tag::type TransportMember(Tag) { return Member; }
};
template struct ExposeMember<TransportMemberTag, &P::Tcp::Handler::transport_>;

class InnerHandler final : public P::Http::Handler {
  public:
    HTTP_PROTOTYPE(InnerHandler)
    explicit InnerHandler(HttpServer::Impl* impl) : impl_(impl) {}

    void AdoptTransport(P::Tcp::Transport* transport) {
        this->*TransportMember(TransportMemberTag{}) = transport;
    }

    void onRequest(const P::Http::Request& req, P::Http::ResponseWriter writer) override {
        // Counted while it runs, however it ends: the drain waits for this count.
        struct InFlight {
            std::atomic<int>& count;
            explicit InFlight(std::atomic<int>& c) : count(c) { count.fetch_add(1); }
            ~InFlight() { count.fetch_sub(1); }
        } const in_flight(impl_->in_flight);
        Request request;
        request.body = req.body();
        request.context.remote = req.address().host();
        auto guard = std::static_pointer_cast<RequestGuard>(writer.peer()->tryGetData(kGuardKey));
        bool filled = false;
        while (guard && !guard->heads().empty() && !filled) {
            std::string head = std::move(guard->heads().front());
            guard->heads().pop_front();
            filled = FillFromHead(head, request) && request.path == OriginForm(req.resource());
        }
        Response response;
        if (!filled) {
            response = impl_->dispatcher.RenderError(request,
                                                     Status::InvalidArgument("malformed request"));
        } else if (impl_->draining.load()) {
            response = impl_->dispatcher.RenderError(
                request, Status::Unavailable("server is shutting down"));
            response.headers.Set("Retry-After", "5");
            response.headers.Set("Connection", "close");
        } else {
            response = impl_->dispatcher.Handle(request);
        }
        Send(req, std::move(writer), response);
    }

  private:
    static void Send(const P::Http::Request& req, P::Http::ResponseWriter writer,
                     const Response& response) {
        auto& headers = writer.headers();
        // Pistache announces "Connection: close" when the client sent no Connection
        // header but keeps the connection open; HTTP/1.1 means keep-alive.
        if (!req.headers().has<P::Http::Header::Connection>() &&
            req.version() == P::Http::Version::Http11) {
            headers.remove<P::Http::Header::Connection>();
        }
        if (response.headers.Has("Connection")) headers.remove<P::Http::Header::Connection>();
        if (auto block = HeaderBlock(response.headers)) headers.add(std::move(block));
        const std::string_view body = response.Body();
        writer.send(static_cast<P::Http::Code>(response.status), body.data(), body.size());
    }

    HttpServer::Impl* impl_;
};

class GuardHandler final : public P::Http::Handler {
  public:
    HTTP_PROTOTYPE(GuardHandler)
    explicit GuardHandler(HttpServer::Impl* impl)
        : impl_(impl), inner_(std::make_shared<InnerHandler>(impl)) {}
    // Each reactor thread gets its own clone, with its own inner handler.
    GuardHandler(const GuardHandler& other)
        : P::Http::Handler(other),
          impl_(other.impl_),
          inner_(std::make_shared<InnerHandler>(other.impl_)) {}

    void onInput(const char* buffer, size_t len,
                 const std::shared_ptr<P::Tcp::Peer>& peer) override {
        inner_->AdoptTransport(transport());
        auto guard = std::static_pointer_cast<RequestGuard>(peer->tryGetData(kGuardKey));
        if (!guard) {
            guard = std::make_shared<RequestGuard>(impl_->options.max_header_bytes,
                                                   impl_->options.max_body_bytes);
            peer->putData(kGuardKey, guard);
        }
        if (guard->rejected()) return;  // discard input until the client closes
        RequestGuard::Verdict verdict = guard->Feed(std::string_view(buffer, len));
        if (verdict.reject) {
            RejectConnection(*guard, verdict, peer);
            return;
        }
        if (verdict.send_continue) {
            static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            peer->send(P::RawBuffer(kContinue, kContinue.size()));
        }
        const std::string_view forward = guard->forwarded();
        if (!forward.empty())
            static_cast<P::Tcp::Handler&>(*inner_).onInput(forward.data(), forward.size(), peer);
    }

    void onRequest(const P::Http::Request&, P::Http::ResponseWriter) override {
        // Never called: requests are parsed and answered by the inner handler.
    }

  private:
    void RejectConnection(RequestGuard& guard, const RequestGuard::Verdict& verdict,
                          const std::shared_ptr<P::Tcp::Peer>& peer) {
        Request request;
        FillFromHead(guard.partial_head(), request);
        request.context.remote = peer->address().host();
        const StatusCode code =
            verdict.status == 413 ? StatusCode::kPayloadTooLarge : StatusCode::kInvalidArgument;
        Response response = impl_->dispatcher.RenderError(request, Status(code, verdict.message));
        response.status = verdict.status;
        const std::string raw = RawResponse(response, true);
        const int fd = peer->fd();
        // Half-close after the error is written; further input is discarded until
        // the client closes, so it reads the answer instead of a reset.
        peer->send(P::RawBuffer(raw, raw.size()))
            .then([fd](ssize_t) { ::shutdown(fd, SHUT_WR); }, [](std::exception_ptr) {});
    }

    HttpServer::Impl* impl_;
    std::shared_ptr<InnerHandler> inner_;
};

// Handlers run on the reactor threads and an upload waits for its group commit
// (an fsync), so there are more threads than cores: waiting uploads join the
// same commit while the others keep the CPUs busy.
int DefaultThreads() {
    return std::max(16, 4 * static_cast<int>(std::thread::hardware_concurrency()));
}

}  // namespace

HttpServer::HttpServer(const HttpOptions& options, const Dispatcher& dispatcher)
    : impl_(std::make_unique<Impl>(options, dispatcher)) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
    const HttpOptions& o = impl_->options;
    try {
        P::Address address(o.address, P::Port(o.port));
        impl_->endpoint = std::make_unique<P::Http::Endpoint>(address);
        int threads = o.threads;
        if (threads <= 0) threads = DefaultThreads();
        auto opts = P::Http::Endpoint::options()
                        .threads(threads)
                        .flags(P::Tcp::Options::ReuseAddr)
                        .maxRequestSize(o.max_body_bytes + o.max_header_bytes + 65536)
                        .maxResponseSize(64 << 20);
        impl_->endpoint->init(opts);
        impl_->endpoint->setHandler(P::Http::make_handler<GuardHandler>(impl_.get()));
        if (!o.tls_cert_file.empty() || !o.tls_key_file.empty()) {
            impl_->endpoint->useSSL(o.tls_cert_file, o.tls_key_file);
        }
        impl_->endpoint->serveThreaded();
        impl_->started = true;
    } catch (const std::exception& e) {
        return Status::Unavailable("cannot serve HTTP on " + o.address + ":" +
                                   std::to_string(o.port) + ": " + e.what());
    }
    return Status::Ok();
}

uint16_t HttpServer::port() const {
    return impl_->endpoint ? static_cast<uint16_t>(impl_->endpoint->getPort()) : 0;
}

void HttpServer::Stop() {
    if (!impl_->started || impl_->stopped.exchange(true)) return;
    impl_->draining.store(true);
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::seconds(impl_->options.shutdown_grace_seconds);
    while (impl_->in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // Let the last responses leave the socket buffers before the reactor stops.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    impl_->endpoint->shutdown();
}

}  // namespace mkt::http
