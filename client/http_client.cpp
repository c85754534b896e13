#include "client/http_client.hpp"

#include <algorithm>
#include <cctype>

#include <curl/curl.h>

#include "registry/text.hpp"

namespace mkt::client {
namespace {

size_t OnBody(char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
    std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) headers->clear();  // a new response (after 100-continue)
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.remove_prefix(1);
        while (!value.empty() &&
               (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
            value.remove_suffix(1);
        headers->emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    return size * count;
}

/// A streamed body on its way out (CURLOPT_READFUNCTION's user data).
struct BodyReader {
    const BodySource* source = nullptr;
    Status failure;
};

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
    auto* reader = static_cast<BodyReader*>(user);
    auto n = reader->source->read(std::span<char>(buffer, size * count));
    if (!n.ok()) {
        reader->failure = n.status();
        return CURL_READFUNC_ABORT;
    }
    return std::min(*n, size * count);
}

}  // namespace

StatusCode StatusCodeForHttp(long status) {
    switch (status) {
        case 400:
        case 431:
            return StatusCode::kInvalidArgument;
        case 401:
        case 403:
            return StatusCode::kPermissionDenied;
        case 404:
            return StatusCode::kNotFound;
        case 405:
            return StatusCode::kMethodNotAllowed;
        case 406:
            return StatusCode::kNotAcceptable;
        case 409:
            return StatusCode::kAlreadyExists;
        case 413:
            return StatusCode::kPayloadTooLarge;
        case 415:
            return StatusCode::kUnsupportedMedia;
        case 503:
            return StatusCode::kUnavailable;
        case 504:
            return StatusCode::kDeadlineExceeded;
        default:
            return status >= 500 ? StatusCode::kInternal : StatusCode::kInvalidArgument;
    }
}

std::string HttpResponse::Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (text::EqualsIgnoreCase(k, name)) return v;
    }
    return {};
}

CurlGlobal::CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
CurlGlobal::~CurlGlobal() { curl_global_cleanup(); }

struct HttpClient::Impl {
    ClientOptions options;
    CURL* curl = nullptr;
};

HttpClient::HttpClient(ClientOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->curl = curl_easy_init();
}

HttpClient::~HttpClient() {
    if (impl_->curl) curl_easy_cleanup(impl_->curl);
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& request) {
    CURL* curl = impl_->curl;
    if (!curl) return Status::Internal("libcurl: cannot create a handle");
    curl_easy_reset(curl);
    HttpResponse response;
    curl_slist* headers = nullptr;
    for (const auto& [k, v] : request.headers)
        headers = curl_slist_append(headers, (k + ": " + v).c_str());
    // libcurl would wait a second for "100 Continue" on large bodies; skip it.
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
    const ClientOptions& o = impl_->options;
    if (request.body_source) {
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, o.stall_seconds);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, o.timeout_seconds);
    } else {
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, o.timeout_seconds);
    }
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, impl_->options.verify_tls ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, impl_->options.verify_tls ? 2L : 0L);
    if (!impl_->options.ca_file.empty())
        curl_easy_setopt(curl, CURLOPT_CAINFO, impl_->options.ca_file.c_str());
    if (request.method == "HEAD") {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (request.method != "GET") {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    BodyReader reader{request.body_source ? &*request.body_source : nullptr, {}};
    if (request.body_source) {
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, &OnRead);
        curl_easy_setopt(curl, CURLOPT_READDATA, &reader);
        if (request.body_source->length) {
            curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                             static_cast<curl_off_t>(*request.body_source->length));
        } else {
            headers = curl_slist_append(headers, "Transfer-Encoding: chunked");
            curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        }
        if (o.max_send_bytes_per_second > 0) {
            curl_easy_setopt(curl, CURLOPT_MAX_SEND_SPEED_LARGE,
                             static_cast<curl_off_t>(o.max_send_bytes_per_second));
        }
    } else if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
    }
    const CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    if (!reader.failure.ok()) return reader.failure;
    if (rc != CURLE_OK) {
        return Status::Unavailable("cannot reach " + request.url + ": " + curl_easy_strerror(rc));
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

Result<HttpResponse> HttpClient::Get(const std::string& url, const std::string& accept) {
    HttpRequest request{"GET", url, {}, {}};
    if (!accept.empty()) request.headers.emplace_back("Accept", accept);
    return Send(request);
}

Result<HttpResponse> HttpClient::Post(const std::string& url, const std::string& content_type,
                                      std::string body) {
    return Send(HttpRequest{"POST", url, {{"Content-Type", content_type}}, std::move(body)});
}

}  // namespace mkt::client
