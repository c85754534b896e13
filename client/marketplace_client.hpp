// MarketplaceClient: a typed client of the native REST API (docs/api/native.md)
// over HttpClient, for the `marketplace` tool.
//
// Routes: POST <endpoint>/metadata (upload), GET <endpoint>/metadata/<id>/<email>/<created>
// (one entry: the signed bytes, or its JSON view), GET <endpoint>/metadata?<filters>
// (listings, JSON or StratusLab's XML wrapper). Path segments and query values are
// percent-encoded here.
//
// Errors: transport failures are kUnavailable "cannot reach <url>: ..." (from
// HttpClient). An HTTP error answer becomes the Status code of its HTTP status
// (400 kInvalidArgument, 403 kPermissionDenied, 404 kNotFound, 409 kAlreadyExists,
// 413 kPayloadTooLarge, 415 kUnsupportedMedia, 503 kUnavailable, other 5xx
// kInternal, ...) with the server's message verbatim, prefixed by what was
// attempted: "server refused the upload (HTTP 400): older than latest entry: ...".
// An answer that is not what the API documents (bad JSON, missing fields) is
// kInternal "unexpected answer from <url>: ...".
//
// Not thread-safe (one HttpClient, one curl handle); use one client per thread.
// client::CurlGlobal must be alive.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/http_client.hpp"
#include "registry/entry.hpp"
#include "registry/result.hpp"

namespace mkt::client {

/// The server's answer to an accepted upload.
struct UploadResult {
    bool created = false;  // false: 200, this very document was already stored
    std::string url;       // the entry's URL
    EntryKey key;
    int64_t seq = 0;
    std::string status;      // "valid", "expired" or "deprecated" at upload time
    std::string trust_mode;  // "strict" or "compat"
    /// 202: held until the endorser confirms the e-mail address (url and seq
    /// are then empty); `message` says what happens next.
    bool held = false;
    std::string message;
};

/// One entry of a listing (or the JSON view of one entry), parsed.
struct ListedEntry {
    Entry entry;  // key, metadata, signer, seq, received; `document` stays empty
    EntryStatus status = EntryStatus::kValid;
    std::string url;
    std::string json;  // the server's JSON object of the entry (compact)
};

/// The listing filters of docs/api/native.md; unset ones are not sent.
struct ListingQuery {
    std::optional<std::string> identifier, email, created;
    std::optional<std::string> status;  // "valid", "expired", "deprecated", "all", or a comma list
    std::optional<std::string> os, os_version, os_arch, endorser, tag;
    std::optional<std::string> text;   // q: free text
    std::optional<std::string> sort;   // created, identifier, email, os, ..., seq
    std::optional<std::string> order;  // asc / desc
    std::optional<size_t> limit, offset;
    std::optional<std::string> cursor;
};

struct ListingPage {
    std::vector<ListedEntry> entries;
    uint64_t total = 0;                      // all matches
    std::optional<std::string> next_cursor;  // set when more follow
};

class MarketplaceClient {
  public:
    /// `endpoint`: "http(s)://host[:port][/prefix]" (trailing slashes ignored).
    MarketplaceClient(std::string endpoint, ClientOptions options,
                      std::string user_agent = "marketplace-client");

    const std::string& endpoint() const { return endpoint_; }
    /// "<endpoint>/metadata/<id>/<email>/<created>", segments percent-encoded.
    std::string EntryUrl(const EntryKey& key) const;
    /// "<endpoint>/metadata?<query>".
    std::string ListingUrl(const ListingQuery& query) const;

    /// POSTs a signed document (application/rdf+xml). 201 and 200 are successes.
    /// Errors: "server refused the upload (HTTP n): <message>", transport errors.
    Result<UploadResult> Upload(std::string document);

    /// The signed document of one entry, byte for byte as stored.
    /// Errors: kNotFound "no entry at <url> (HTTP 404): <message>", others as above.
    Result<std::string> GetDocument(const EntryKey& key);
    /// The JSON view of one entry. Errors: as GetDocument.
    Result<ListedEntry> GetEntry(const EntryKey& key);

    /// One page of a listing, parsed from the JSON form.
    /// Errors: "listing refused (HTTP 400): query parameter ...", transport errors.
    Result<ListingPage> List(const ListingQuery& query);
    /// The listing as StratusLab's XML wrapper, verbatim (signed originals inside).
    Result<std::string> ListXml(const ListingQuery& query);

  private:
    Result<HttpResponse> Fetch(const std::string& url, const std::string& accept,
                               const std::string& what);

    std::string endpoint_;
    std::string user_agent_;
    HttpClient http_;
};

}  // namespace mkt::client
