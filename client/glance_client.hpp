// GlanceClient: a typed client of the OpenStack Image API v2 (Glance) over
// HttpClient, for `marketplace site-sync` (which writes) and the server's
// holdings poller (which only reads).
//
// Routes (Glance api-ref "images-images-v2", "images-data"):
//   POST   /v2/images                          create (201, status "queued")
//   PUT    /v2/images/{id}/file                upload, application/octet-stream (204)
//   GET    /v2/images/{id}                     one image
//   GET    /v2/images?<filters>&limit=N        listing; the answer's "next" is followed
//   PATCH  /v2/images/{id}                     application/openstack-images-v2.1-json-patch
//   POST   /v2/images/{id}/actions/deactivate  (204)   .../reactivate (204)
//   DELETE /v2/images/{id}                     (204)
// The endpoint is Glance's root URL ("http://host:9292", or with a path
// prefix); a trailing "/" or "/v2" is ignored. With a token every request
// carries "X-Auth-Token"; without one Glance must run without authentication.
//
// Errors: transport failures are kUnavailable "cannot reach <url>: ...". A
// Glance error answer becomes the Status code of its HTTP status
// (StatusCodeForHttp: 404 kNotFound, 409 kAlreadyExists, 401/403
// kPermissionDenied, ...) with Glance's own message, prefixed by what was
// attempted: "Glance refused to upload image <id> (HTTP 409): Image status
// transition from active to saving is not allowed". An answer that is not what
// the API documents is kInternal "unexpected answer from Glance at <url>: ...".
//
// Not thread-safe (one HttpClient); one client per thread. client::CurlGlobal
// must be alive.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "client/http_client.hpp"
#include "registry/result.hpp"

namespace mkt::client {

/// One Glance image as the API shows it.
struct GlanceImage {
    std::string id, name;
    std::string status;  // queued, saving, active, killed, deleted, pending_delete,
                         // deactivated, uploading, importing
    std::string disk_format, container_format, visibility, owner;
    std::optional<uint64_t> size;  // set once data was uploaded
    std::string checksum;          // MD5 of the stored data (hex), when Glance computed it
    std::string os_hash_algo;      // e.g. "sha512"; empty before the upload
    std::string os_hash_value;     // hex digest of the stored data with os_hash_algo
    bool is_protected = false;
    bool os_hidden = false;
    std::string created_at, updated_at;
    std::vector<std::string> tags;
    /// Every other field with a string value: the image's custom properties
    /// (and Glance's own string fields it added, e.g. "stores").
    std::map<std::string, std::string> properties;

    /// The custom property `key`, or empty.
    std::string Property(const std::string& key) const;
};

/// What POST /v2/images sends; `properties` become custom properties.
struct GlanceImageCreate {
    std::string name;
    std::string disk_format;  // ami ari aki vhd vhdx vmdk raw qcow2 vdi iso ploop
    std::string container_format = "bare";
    std::string visibility;  // empty: Glance's default ("shared")
    std::vector<std::string> tags;
    std::map<std::string, std::string> properties;
};

/// One JSON-patch operation on a property (or a writable field such as "name").
struct GlancePatch {
    enum class Op { kAdd, kReplace, kRemove };
    Op op = Op::kAdd;
    std::string name;
    std::string value;  // unused for kRemove
};

/// Property filters of a listing ("name=value", exact match), sent in order.
using GlanceFilters = std::vector<std::pair<std::string, std::string>>;

/// Bytes sent so far by an upload.
using UploadProgress = std::function<void(uint64_t sent, std::optional<uint64_t> total)>;

struct GlanceOptions {
    ClientOptions http;      // TLS, timeouts; stall_seconds and the send rate limit uploads
    std::string token;       // X-Auth-Token; empty: no authentication
    size_t page_size = 200;  // "limit" of listing pages
};

class GlanceClient {
  public:
    /// `endpoint`: "http(s)://host[:port][/prefix]".
    GlanceClient(std::string endpoint, GlanceOptions options);

    const std::string& endpoint() const { return endpoint_; }
    /// "<endpoint>/v2/images/<id>".
    std::string ImageUrl(const std::string& id) const;

    /// Errors: "Glance refused to create image '<name>' (HTTP n): <message>", ...
    Result<GlanceImage> Create(const GlanceImageCreate& image);

    /// Streams `source` as the image's data (only from status "queued").
    Status Upload(const std::string& id, BodySource source);
    /// Streams a file as the image's data, with its size as Content-Length.
    /// Errors: IoError-like kUnavailable "cannot read <file>: <reason>", and Upload's.
    Status UploadFile(const std::string& id, const std::filesystem::path& file,
                      const UploadProgress& progress = {});

    /// Errors: kNotFound "Glance has no image <id> (HTTP 404): ...", ...
    Result<GlanceImage> Get(const std::string& id);

    /// Calls `visit` for every image matching `filters`, one page at a time
    /// (following "next"), until it returns false. Memory: one page.
    Status ForEachImage(const GlanceFilters& filters,
                        const std::function<bool(GlanceImage&&)>& visit);
    /// Every image matching `filters`.
    Result<std::vector<GlanceImage>> List(const GlanceFilters& filters);

    Result<GlanceImage> Patch(const std::string& id, const std::vector<GlancePatch>& operations);
    Status Deactivate(const std::string& id);
    Status Reactivate(const std::string& id);
    /// Errors: kNotFound when already gone; kPermissionDenied for a protected image.
    Status Delete(const std::string& id);

  private:
    Result<HttpResponse> Call(HttpRequest request, const std::string& what,
                              std::initializer_list<long> expected);

    std::string endpoint_;
    GlanceOptions options_;
    HttpClient http_;
};

}  // namespace mkt::client
