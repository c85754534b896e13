// marketplace occi-link --endpoint URL --image TITLE: the URL of the storage
// resource that holds an image at a resource provider, found through that
// provider's OCCI interface (what EGI's get-occi-link helper did), so a creator
// can give it to `build --location`.
//
// It asks GET <endpoint>/storage/ (text/plain) filtered by
// `X-OCCI-Attribute: occi.core.title="TITLE"`, then reads each listed resource
// and keeps those whose occi.core.title is exactly TITLE (a provider may ignore
// the filter). Prints one URL per line; exit 1 when none matches.
#include <ostream>

#include "cli/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "client/http_client.hpp"
#include "occi/syntax.hpp"

#ifndef MKT_VERSION
#define MKT_VERSION "unknown"
#endif

namespace mkt::cli {
namespace {

constexpr const char* kName = "occi-link";
// Resources read one by one at most (a provider that ignores the filter lists all).
constexpr size_t kMaxCandidates = 1000;

const ArgParser& Parser() {
    static const ArgParser parser(
        "occi-link --endpoint URL --image TITLE [options]",
        "Prints the URL of the storage resource holding the image titled TITLE at the\n"
        "resource provider whose OCCI endpoint is URL, one line per match. Put it in a\n"
        "document with `marketplace build --location URL`.",
        {
            {"endpoint", "URL", "the resource provider's OCCI endpoint (https://host:port)"},
            {"image", "TITLE", "the image title (occi.core.title of the storage resource)"},
        });
    return parser;
}

std::string Origin(const std::string& endpoint) {
    const size_t scheme = endpoint.find("://");
    const size_t slash = endpoint.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return slash == std::string::npos ? endpoint : endpoint.substr(0, slash);
}

std::string Resolve(const std::string& endpoint, const std::string& location) {
    if (location.find("://") != std::string::npos) return location;
    return Origin(endpoint) + (location.starts_with('/') ? "" : "/") + location;
}

Result<occi::Message> GetOcci(client::HttpClient& http, const std::string& url,
                              std::vector<std::pair<std::string, std::string>> headers) {
    headers.emplace_back("Accept", "text/plain");
    headers.emplace_back("User-Agent", std::string("marketplace/") + MKT_VERSION + " OCCI/1.1");
    MKT_ASSIGN_OR_RETURN(client::HttpResponse r, http.Send({"GET", url, headers, ""}));
    if (r.status != 200) {
        const std::string first_line = r.body.substr(0, r.body.find('\n'));
        return Status::InvalidArgument("GET " + url + " answered " + std::to_string(r.status) +
                                       (first_line.empty() ? "" : ": " + first_line));
    }
    auto message = occi::ParseBody(r.body);
    if (!message.ok()) return message.status().WithPrefix("GET " + url + ": not OCCI text: ");
    return message;
}

bool HasTitle(const occi::Message& resource, const std::string& title) {
    for (const occi::Attribute& a : resource.attributes) {
        if (a.name == "occi.core.title") return a.value.text == title;
    }
    return false;
}

Result<std::vector<std::string>> FindStorage(client::HttpClient& http, std::string endpoint,
                                             const std::string& title) {
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
    const std::string collection = endpoint + "/storage/";
    MKT_ASSIGN_OR_RETURN(
        occi::Message listing,
        GetOcci(http, collection, {{"X-OCCI-Attribute", "occi.core.title=" + occi::Quote(title)}}));
    if (listing.locations.size() > kMaxCandidates) {
        return Status::InvalidArgument(collection + " lists " +
                                       std::to_string(listing.locations.size()) +
                                       " storage resources for that title; the provider does not "
                                       "filter by occi.core.title");
    }
    std::vector<std::string> found;
    for (const std::string& location : listing.locations) {
        const std::string url = Resolve(endpoint, location);
        MKT_ASSIGN_OR_RETURN(occi::Message resource, GetOcci(http, url, {}));
        if (HasTitle(resource, title)) found.push_back(url);
    }
    if (found.empty()) {
        return Status::NotFound("no storage resource titled '" + title + "' at " + collection);
    }
    return found;
}

}  // namespace

int RunOcciLink(const std::vector<std::string>& args, CommandContext& ctx) {
    ParsedArgs parsed;
    if (auto exit = ParseCommandLine(Parser(), args, ctx, kName, parsed)) return *exit;
    if (!parsed.positional().empty()) return UsageError(ctx, kName, "unexpected argument");
    const auto endpoint = parsed.Get("endpoint");
    const auto title = parsed.Get("image");
    if (!endpoint || !(endpoint->starts_with("http://") || endpoint->starts_with("https://"))) {
        return UsageError(ctx, kName, "--endpoint must be an http:// or https:// URL");
    }
    if (!title || title->empty()) return UsageError(ctx, kName, "--image TITLE is required");
    client::ClientOptions options;
    options.timeout_seconds = ctx.config.timeout_seconds;
    options.verify_tls = ctx.config.verify_tls;
    options.ca_file = ctx.config.ca_file;
    client::HttpClient http(options);
    auto found = FindStorage(http, *endpoint, *title);
    if (!found.ok()) return Fail(ctx, kName, found.status());
    for (const std::string& url : *found) ctx.out << url << "\n";
    return kExitOk;
}

}  // namespace mkt::cli
