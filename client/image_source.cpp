#include "client/image_source.hpp"

#include <cstdlib>
#include <string>

#include <curl/curl.h>

#include "registry/text.hpp"

namespace mkt::client {
namespace {

constexpr long kBufferSize = 512 * 1024;

/// State of one transfer, seen by the callbacks.
struct Transfer {
    CURL* curl = nullptr;
    const image::FetchSink* sink = nullptr;
    uint64_t offset = 0;
    uint64_t skip = 0;  // bytes still to drop (a 200 answer to a range request)
    bool started = false;
    bool http = false;
    uint64_t delivered = 0;
    std::optional<uint64_t> total;
    Status failure;  // the sink's error, or a bad range answer
};

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// Checks the answer once, before the first body byte.
bool Start(Transfer& t) {
    t.started = true;
    curl_off_t length = -1;
    curl_easy_getinfo(t.curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (!t.http) {
        if (length >= 0) t.total = t.offset + static_cast<uint64_t>(length);
        return true;
    }
    long code = 0;
    curl_easy_getinfo(t.curl, CURLINFO_RESPONSE_CODE, &code);
    if (t.offset > 0 && code == 200) {
        t.skip = t.offset;  // the server ignored the range: drop what we already have
        if (length >= 0) t.total = static_cast<uint64_t>(length);
    } else if (t.offset > 0 && code == 206) {
        if (length >= 0) t.total = t.offset + static_cast<uint64_t>(length);
    } else if (length >= 0) {
        t.total = static_cast<uint64_t>(length);
    }
    return true;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    auto& t = *static_cast<Transfer*>(user);
    const std::string line(data, size * count);
    // "Content-Range: bytes N-M/T": N must be where we asked to start.
    if (t.offset > 0 && line.size() > 14 && (line[0] == 'C' || line[0] == 'c')) {
        if (text::StartsWithIgnoreCase(line, "content-range:")) {
            const size_t bytes = line.find("bytes ");
            const uint64_t start = bytes == std::string::npos
                                       ? 0
                                       : std::strtoull(line.c_str() + bytes + 6, nullptr, 10);
            if (start != t.offset) {
                t.failure =
                    Status::Unavailable("the server resumed at byte " + std::to_string(start) +
                                        " instead of " + std::to_string(t.offset));
                return 0;
            }
        }
    }
    return size * count;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
    auto& t = *static_cast<Transfer*>(user);
    const size_t n = size * count;
    if (!t.started && !Start(t)) return 0;
    size_t from = 0;
    if (t.skip > 0) {
        from = static_cast<size_t>(std::min<uint64_t>(t.skip, n));
        t.skip -= from;
    }
    if (from < n) {
        Status s = (*t.sink)({data + from, n - from});
        if (!s.ok()) {
            t.failure = std::move(s);
            return 0;
        }
        t.delivered += n - from;
    }
    return n;
}

bool Resumable(CURLcode code) {
    switch (code) {
        case CURLE_PARTIAL_FILE:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_GOT_NOTHING:
        case CURLE_HTTP2_STREAM:
            return true;
        default:
            return false;
    }
}

}  // namespace

struct CurlImageSource::Impl {
    ImageSourceOptions options;
    CURL* curl = nullptr;
};

CurlImageSource::CurlImageSource(ImageSourceOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->curl = curl_easy_init();
}

CurlImageSource::~CurlImageSource() {
    if (impl_->curl) curl_easy_cleanup(impl_->curl);
}

bool CurlImageSource::Supports(const std::string& url) const {
    return StartsWith(url, "http://") || StartsWith(url, "https://") || StartsWith(url, "file://");
}

image::FetchOutcome CurlImageSource::Fetch(const std::string& url, uint64_t offset,
                                           const image::FetchSink& sink) {
    CURL* curl = impl_->curl;
    if (!curl) return {Status::Internal("libcurl: cannot create a handle"), false, {}};
    curl_easy_reset(curl);
    Transfer t;
    t.curl = curl;
    t.sink = &sink;
    t.offset = offset;
    t.http = !StartsWith(url, "file://");
    const ImageSourceOptions& o = impl_->options;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https,file");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, kBufferSize);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, o.connect_timeout_seconds);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, o.stall_seconds);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, o.user_agent.c_str());
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, o.verify_tls ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, o.verify_tls ? 2L : 0L);
    if (!o.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, o.ca_file.c_str());
    // Images are sent as stored (compressed or not): no transfer decoding.
    curl_easy_setopt(curl, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    const std::string range = std::to_string(offset) + "-";
    if (offset > 0) {
        if (t.http) {
            curl_easy_setopt(curl, CURLOPT_RANGE, range.c_str());
        } else {
            curl_easy_setopt(curl, CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(offset));
        }
    }
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    const CURLcode code = curl_easy_perform(curl);
    image::FetchOutcome outcome;
    outcome.total = t.total;
    if (!t.failure.ok()) {
        outcome.status = t.failure;
        outcome.resumable = false;
        return outcome;
    }
    if (code == CURLE_OK) return outcome;
    if (code == CURLE_HTTP_RETURNED_ERROR) {
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        outcome.status = Status::Unavailable("HTTP " + std::to_string(status));
        return outcome;
    }
    if (Resumable(code) && t.http) {
        outcome.status = Status::Unavailable("transfer interrupted after " +
                                             std::to_string(offset + t.delivered) +
                                             " bytes: " + curl_easy_strerror(code));
        outcome.resumable = true;
        return outcome;
    }
    outcome.status = Status::Unavailable(std::string("cannot fetch: ") + curl_easy_strerror(code));
    return outcome;
}

}  // namespace mkt::client
