#include "http/dispatcher.hpp"

#include <chrono>
#include <cstdio>
#include <random>

#include "http/status_mapping.hpp"

namespace mkt::http {
namespace {

bool IsSaneRequestId(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        if (!ok) return false;
    }
    return true;
}

// A Host header may carry only host[:port] characters; anything else is ignored.
bool IsSaneHost(std::string_view host) {
    if (host.empty() || host.size() > 255) return false;
    for (char c : host) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':' || c == '[' ||
                        c == ']';
        if (!ok) return false;
    }
    return true;
}

std::string WithTrailingSlash(std::string url) {
    if (url.empty() || url.back() != '/') url.push_back('/');
    return url;
}

}  // namespace

std::string NewRequestId() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    uint64_t value = rng();
    std::string id(16, '0');
    for (size_t i = 0; i < 16; ++i, value >>= 4) id[15 - i] = kHex[value & 15];
    return id;
}

Dispatcher::Dispatcher(const Router& router, const HttpOptions& options, AccessLog& log)
    : router_(router), options_(options), log_(log) {}

void Dispatcher::AddCommonHeader(std::string name, std::string value) {
    common_headers_.emplace_back(std::move(name), std::move(value));
}

void Dispatcher::PrepareContext(Request& request) const {
    auto client_id = request.headers.Get("X-Request-Id");
    request.context.request_id =
        client_id && IsSaneRequestId(*client_id) ? *client_id : NewRequestId();
    if (!options_.public_url.empty()) {
        request.context.base_url = WithTrailingSlash(options_.public_url);
        return;
    }
    std::string scheme = options_.tls_cert_file.empty() ? "http" : "https";
    std::string host = request.headers.Get("Host").value_or("");
    if (options_.trust_forwarded_headers) {
        if (auto proto = request.headers.Get("X-Forwarded-Proto");
            proto && (*proto == "http" || *proto == "https")) {
            scheme = *proto;
        }
        if (auto fwd_host = request.headers.Get("X-Forwarded-Host");
            fwd_host && IsSaneHost(*fwd_host)) {
            host = *fwd_host;
        }
    }
    if (!IsSaneHost(host)) host = options_.address + ":" + std::to_string(options_.port);
    request.context.base_url = scheme + "://" + host + "/";
}

Response Dispatcher::RenderError(Request& request, const Status& status) const {
    if (request.context.request_id.empty()) PrepareContext(request);
    const int http_status = HttpStatusFor(status.code());
    Response response = RenderNativeError(request, status, http_status);
    Finish(request, response);
    if (observer_) {
        observer_->Observe({nullptr, RequestOutcome::Unrouted::kRejected, response.status, {}});
    }
    return response;
}

Response Dispatcher::Route(Request& request, RequestOutcome& outcome) const {
    Router::Match match = router_.Find(request);
    outcome.route = match.route;
    auto render = [&](const Status& status) {
        const int http_status = HttpStatusFor(status.code());
        return match.render_error ? match.render_error(request, status, http_status)
                                  : RenderNativeError(request, status, http_status);
    };
    if (match.kind == Router::MatchKind::kNotFound) {
        outcome.unrouted = RequestOutcome::Unrouted::kNoRoute;
        return render(Status::NotFound("no resource at " + request.path));
    }
    if (match.kind == Router::MatchKind::kMethodNotAllowed) {
        outcome.unrouted = RequestOutcome::Unrouted::kMethodNotAllowed;
        std::string allow;
        for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
        Response response;
        if (request.method == Method::kOptions) {
            response.status = 204;
        } else {
            response = render(
                Status(StatusCode::kMethodNotAllowed, request.method_name + " is not allowed on " +
                                                          request.path + "; allowed: " + allow));
        }
        response.headers.Set("Allow", allow);
        return response;
    }
    request.params = std::move(match.params);
    try {
        Result<Response> result = match.route->handler(request);
        if (!result.ok()) return render(result.status());
        Response response = std::move(result).value();
        if (response.stream) {
            // A streamed body that fails before its first byte is answered like
            // any error of this route.
            response.stream_error =
                [this, renderer = match.render_error,
                 copy = std::make_shared<const Request>(request)](const Status& status) {
                    const int http_status = HttpStatusFor(status.code());
                    Response error = renderer ? renderer(*copy, status, http_status)
                                              : RenderNativeError(*copy, status, http_status);
                    Finish(*copy, error);
                    return error;
                };
        }
        return response;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "request %s: unhandled exception: %s\n",
                     request.context.request_id.c_str(), e.what());
        return render(
            Status::Internal("internal error (request " + request.context.request_id + ")"));
    } catch (...) {
        return render(
            Status::Internal("internal error (request " + request.context.request_id + ")"));
    }
}

void Dispatcher::Finish(const Request& request, Response& response) const {
    response.headers.Add("X-Request-Id", request.context.request_id);
    for (const auto& [name, value] : common_headers_) response.headers.Set(name, value);
    // Every 503 is temporary (busy or full store, shutting down, a full pool):
    // tell clients when to try again unless the handler knew better.
    if (response.status == 503 && !response.headers.Get("Retry-After")) {
        response.headers.Set("Retry-After", "5");
    }
    if (request.method == Method::kHead) {
        // HEAD says what GET would send: the length of a whole body, and for a
        // streamed one (length unknown until written) the chunked coding.
        if (!response.stream) response.head_length = response.Body().size();
        response.body.clear();
        response.shared_body.reset();
    }
}

namespace {

// Counts what a streamed body writes, for the access log.
class CountingSink final : public BodySink {
  public:
    explicit CountingSink(BodySink& inner) : inner_(inner) {}
    bool Write(std::string_view bytes) override {
        bytes_ += bytes.size();
        return inner_.Write(bytes);
    }
    size_t bytes() const { return bytes_; }

  private:
    BodySink& inner_;
    size_t bytes_ = 0;
};

}  // namespace

Response Dispatcher::Handle(Request& request) const {
    const auto start = std::chrono::steady_clock::now();
    PrepareContext(request);
    RequestOutcome outcome;
    Response response = Route(request, outcome);
    Finish(request, response);
    if (!log_.enabled() && !observer_) return response;
    const auto elapsed = std::chrono::steady_clock::now() - start;
    if (observer_) {
        outcome.status = response.status;
        outcome.elapsed = elapsed;
        observer_->Observe(outcome);
    }
    if (!log_.enabled()) return response;
    AccessRecord record{request.context.request_id,
                        request.context.remote,
                        request.method_name,
                        request.target,
                        request.headers.Get("User-Agent").value_or(""),
                        response.status,
                        response.Body().size(),
                        std::chrono::duration<double, std::milli>(elapsed).count()};
    if (!response.stream || request.method == Method::kHead) {
        log_.Write(record);
        return response;
    }
    // A streamed body is logged once written, with its size and the whole duration.
    response.stream = [inner = std::move(response.stream), record = std::move(record), start,
                       &log = log_](BodySink& sink) mutable {
        CountingSink counting(sink);
        Status status = inner(counting);
        record.bytes = counting.bytes();
        if (!status.ok() && record.bytes == 0) record.status = HttpStatusFor(status.code());
        record.duration_ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        log.Write(record);
        return status;
    };
    return response;
}

}  // namespace mkt::http
