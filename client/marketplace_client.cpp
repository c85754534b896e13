#include "client/marketplace_client.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include "mappers/native_json.hpp"
#include "mappers/url.hpp"
#include "registry/text.hpp"
#include "registry/timestamp.hpp"

namespace mkt::client {
namespace {

using nlohmann::json;

std::string XmlUnescape(std::string_view text) {
    static const std::pair<std::string_view, char> kEntities[] = {
        {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}, {"&amp;", '&'}};
    std::string out;
    for (size_t i = 0; i < text.size();) {
        bool replaced = false;
        if (text[i] == '&') {
            for (const auto& [entity, ch] : kEntities) {
                if (text.substr(i, entity.size()) == entity) {
                    out.push_back(ch);
                    i += entity.size();
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced) out.push_back(text[i++]);
    }
    return out;
}

// The message of an error body: {"error": {"message"}}, <error ...>message</error>,
// or the text itself.
std::string ErrorMessage(const HttpResponse& response) {
    const std::string& body = response.body;
    const json j = json::parse(body, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("error") && j["error"].is_object() &&
        j["error"].contains("message") && j["error"]["message"].is_string()) {
        return j["error"]["message"].get<std::string>();
    }
    const size_t open = body.find("<error");
    const size_t start = open == std::string::npos ? open : body.find('>', open);
    const size_t end = body.rfind("</error>");
    if (start != std::string::npos && end != std::string::npos && end > start) {
        return XmlUnescape(body.substr(start + 1, end - start - 1));
    }
    std::string text(mkt::text::TrimWhitespace(body));
    if (text.size() > 500) text = text.substr(0, 500) + "...";
    return text.empty() ? "(no message)" : text;
}

// Field readers: every listing and entry object has the documented fields;
// anything else is an unexpected answer.
std::string Text(const json& j, const char* name) {
    auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<Timestamp> Time(const json& j, const char* name) {
    auto parsed = Timestamp::Parse(Text(j, name));
    if (!parsed.ok()) return parsed.status().WithPrefix(std::string("field ") + name + ": ");
    return parsed;
}

Result<std::optional<Timestamp>> OptionalTime(const json& j, const char* name) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) return std::optional<Timestamp>();
    MKT_ASSIGN_OR_RETURN(Timestamp t, Time(j, name));
    return std::optional<Timestamp>(t);
}

template <typename T>
std::vector<T> Numbers(const json& j, const char* name) {
    std::vector<T> out;
    auto it = j.find(name);
    if (it == j.end() || !it->is_array()) return out;
    for (const auto& v : *it) {
        if (v.is_number_unsigned()) out.push_back(v.get<T>());
    }
    return out;
}

Result<EntryStatus> ParseEntryStatus(const std::string& name) {
    if (name == "valid") return EntryStatus::kValid;
    if (name == "expired") return EntryStatus::kExpired;
    if (name == "deprecated") return EntryStatus::kDeprecated;
    return Status::Internal("field status: unknown value '" + name + "'");
}

Result<SignerInfo> ParseSigner(const json& s) {
    SignerInfo signer;
    signer.trust_mode = Text(s, "trust_mode") == "compat" ? TrustMode::kCompat : TrustMode::kStrict;
    signer.subject = Text(s, "subject");
    signer.issuer = Text(s, "issuer");
    signer.serial = Text(s, "serial");
    signer.certificate_sha256 = Text(s, "certificate_sha256");
    MKT_ASSIGN_OR_RETURN(signer.not_before, OptionalTime(s, "not_before"));
    MKT_ASSIGN_OR_RETURN(signer.not_after, OptionalTime(s, "not_after"));
    signer.email_binding = Text(s, "email_binding");
    signer.signature_method = Text(s, "signature_method");
    signer.canonicalization = Text(s, "canonicalization");
    return signer;
}

void ParseFields(const json& j, EntryMetadata& m) {
    m.title = Text(j, "title");
    m.description = Text(j, "description");
    m.tag = Text(j, "tag");
    m.type = Text(j, "type");
    m.kind = Text(j, "kind");
    m.os = Text(j, "os");
    m.os_version = Text(j, "os_version");
    m.os_arch = Text(j, "os_arch");
    m.version = Text(j, "version");
    m.format = Text(j, "format");
    m.compression = Text(j, "compression");
    m.hypervisor = Text(j, "hypervisor");
    m.disks_bus = Text(j, "disks_bus");
    m.creator = Text(j, "creator");
    m.publisher = Text(j, "publisher");
    m.replaces = Text(j, "replaces");
    m.is_replaced_by = Text(j, "is_replaced_by");
    m.is_version_of = Text(j, "is_version_of");
    if (auto it = j.find("deprecated"); it != j.end() && it->is_string()) {
        m.deprecated = it->get<std::string>();
    }
    if (auto it = j.find("bytes"); it != j.end() && it->is_number_unsigned()) {
        m.bytes = it->get<uint64_t>();
    }
    if (auto it = j.find("serial_number"); it != j.end() && it->is_number_unsigned()) {
        m.serial_number = it->get<uint64_t>();
    }
    if (auto it = j.find("checksums"); it != j.end() && it->is_object()) {
        for (const auto& [algorithm, value] : it->items()) {
            if (value.is_string()) m.checksums.push_back({algorithm, value.get<std::string>()});
        }
    }
    if (auto it = j.find("locations"); it != j.end() && it->is_array()) {
        for (const auto& l : *it) {
            if (l.is_string()) m.locations.push_back(l.get<std::string>());
        }
    }
    m.inbound_ports = Numbers<uint32_t>(j, "inbound_ports");
    m.outbound_ports = Numbers<uint32_t>(j, "outbound_ports");
    m.icmp = Numbers<uint32_t>(j, "icmp");
}

Result<ListedEntry> ParseEntry(const json& j) {
    if (!j.is_object()) return Status::Internal("an entry is not a JSON object");
    ListedEntry out;
    Entry& e = out.entry;
    EntryMetadata& m = e.metadata;
    const json endorser = j.value("endorser", json::object());
    e.key.identifier = m.identifier = Text(j, "identifier");
    e.key.email = m.endorsement.email = Text(endorser, "email");
    MKT_ASSIGN_OR_RETURN(e.key.created, Time(j, "created"));
    if (e.key.identifier.empty() || e.key.email.empty()) {
        return Status::Internal("an entry has no identifier or endorser email");
    }
    m.endorsement.created = e.key.created;
    m.endorsement.subject = Text(endorser, "subject");
    if (auto issuer = Text(endorser, "issuer"); !issuer.empty()) {
        m.endorsement.issuers.push_back(issuer);
    }
    MKT_ASSIGN_OR_RETURN(m.valid, OptionalTime(j, "valid"));
    MKT_ASSIGN_OR_RETURN(m.image_created, OptionalTime(j, "image_created"));
    ParseFields(j, m);
    if (auto it = j.find("seq"); it != j.end() && it->is_number_integer()) {
        e.seq = it->get<int64_t>();
    }
    MKT_ASSIGN_OR_RETURN(e.received, Time(j, "received"));
    if (auto it = j.find("signature"); it != j.end() && it->is_object()) {
        MKT_ASSIGN_OR_RETURN(e.signer, ParseSigner(*it));
    }
    MKT_ASSIGN_OR_RETURN(out.status, ParseEntryStatus(Text(j, "status")));
    out.url = Text(j, "url");
    out.json = j.dump(-1, ' ', false, json::error_handler_t::replace);
    return out;
}

Result<json> ParseJson(const HttpResponse& response, const std::string& url) {
    json j = json::parse(response.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return Status::Internal("unexpected answer from " + url + ": not a JSON object");
    }
    return j;
}

void AddParam(std::string& query, const char* name, const std::optional<std::string>& value) {
    if (!value) return;
    query += (query.empty() ? "?" : "&") + std::string(name) + "=" +
             mappers::PercentEncode(*value, false);
}

}  // namespace

MarketplaceClient::MarketplaceClient(std::string endpoint, ClientOptions options,
                                     std::string user_agent)
    : endpoint_(std::move(endpoint)), user_agent_(std::move(user_agent)), http_(options) {
    while (endpoint_.ends_with('/')) endpoint_.pop_back();
}

std::string MarketplaceClient::EntryUrl(const EntryKey& key) const {
    return mappers::EntryUrl(key, endpoint_ + "/");
}

std::string MarketplaceClient::ListingUrl(const ListingQuery& q) const {
    std::string query;
    AddParam(query, "identifier", q.identifier);
    AddParam(query, "email", q.email);
    AddParam(query, "created", q.created);
    AddParam(query, "status", q.status);
    AddParam(query, "os", q.os);
    AddParam(query, "os-version", q.os_version);
    AddParam(query, "os-arch", q.os_arch);
    AddParam(query, "endorser", q.endorser);
    AddParam(query, "tag", q.tag);
    AddParam(query, "q", q.text);
    AddParam(query, "sort", q.sort);
    AddParam(query, "order", q.order);
    if (q.limit) AddParam(query, "limit", std::to_string(*q.limit));
    if (q.offset) AddParam(query, "offset", std::to_string(*q.offset));
    AddParam(query, "cursor", q.cursor);
    return endpoint_ + "/metadata" + query;
}

Result<HttpResponse> MarketplaceClient::Fetch(const std::string& url, const std::string& accept,
                                              const std::string& what) {
    HttpRequest request{"GET", url, {{"Accept", accept}, {"User-Agent", user_agent_}}, {}};
    MKT_ASSIGN_OR_RETURN(HttpResponse response, http_.Send(request));
    if (response.status >= 200 && response.status < 300) return response;
    return Status(
        StatusCodeForHttp(response.status),
        what + " (HTTP " + std::to_string(response.status) + "): " + ErrorMessage(response));
}

Result<UploadResult> MarketplaceClient::Upload(std::string document) {
    const std::string url = endpoint_ + "/metadata";
    HttpRequest request{"POST",
                        url,
                        {{"Content-Type", "application/rdf+xml"},
                         {"Accept", "application/json"},
                         {"User-Agent", user_agent_}},
                        std::move(document)};
    MKT_ASSIGN_OR_RETURN(HttpResponse response, http_.Send(request));
    if (response.status < 200 || response.status >= 300) {
        return Status(StatusCodeForHttp(response.status), "server refused the upload (HTTP " +
                                                              std::to_string(response.status) +
                                                              "): " + ErrorMessage(response));
    }
    MKT_ASSIGN_OR_RETURN(json j, ParseJson(response, url));
    UploadResult out;
    out.created = j.value("created", response.status == 201);
    out.url = Text(j, "url");
    if (out.url.empty()) out.url = response.Header("Location");
    out.key.identifier = Text(j, "identifier");
    out.key.email = Text(j, "email");
    auto created = Time(j, "endorsement_created");
    if (!created.ok()) {
        return Status::Internal("unexpected answer from " + url + ": " +
                                created.status().message());
    }
    out.key.created = *created;
    out.held = j.value("held", false);
    out.message = Text(j, "message");
    out.seq = j.value("seq", int64_t{0});
    out.status = Text(j, "status");
    out.trust_mode = Text(j, "trust_mode");
    return out;
}

Result<std::string> MarketplaceClient::GetDocument(const EntryKey& key) {
    const std::string url = EntryUrl(key);
    // JSON is acceptable only for the error body (the document wins with q=1).
    MKT_ASSIGN_OR_RETURN(
        HttpResponse response,
        Fetch(url, "application/rdf+xml, application/json;q=0.1", "cannot get " + url));
    return std::move(response.body);
}

Result<ListedEntry> MarketplaceClient::GetEntry(const EntryKey& key) {
    const std::string url = EntryUrl(key);
    MKT_ASSIGN_OR_RETURN(HttpResponse response,
                         Fetch(url, "application/json", "cannot get " + url));
    MKT_ASSIGN_OR_RETURN(json j, ParseJson(response, url));
    auto entry = ParseEntry(j);
    if (!entry.ok()) {
        return Status::Internal("unexpected answer from " + url + ": " + entry.status().message());
    }
    return entry;
}

Result<ListingPage> MarketplaceClient::List(const ListingQuery& query) {
    const std::string url = ListingUrl(query);
    MKT_ASSIGN_OR_RETURN(HttpResponse response,
                         Fetch(url, "application/json", "listing " + url + " refused"));
    MKT_ASSIGN_OR_RETURN(json j, ParseJson(response, url));
    ListingPage page;
    if (auto it = j.find("total"); it != j.end() && it->is_number_unsigned()) {
        page.total = it->get<uint64_t>();
    }
    if (auto it = j.find("next_cursor"); it != j.end() && it->is_string()) {
        page.next_cursor = it->get<std::string>();
    }
    auto entries = j.find("entries");
    if (entries == j.end() || !entries->is_array()) {
        return Status::Internal("unexpected answer from " + url + ": no entries array");
    }
    for (const auto& item : *entries) {
        auto entry = ParseEntry(item);
        if (!entry.ok()) {
            return Status::Internal("unexpected answer from " + url + ": " +
                                    entry.status().message());
        }
        page.entries.push_back(std::move(entry).value());
    }
    return page;
}

Result<std::string> MarketplaceClient::ListXml(const ListingQuery& query) {
    const std::string url = ListingUrl(query);
    MKT_ASSIGN_OR_RETURN(
        HttpResponse response,
        Fetch(url, "application/xml, application/json;q=0.1", "listing " + url + " refused"));
    return std::move(response.body);
}

}  // namespace mkt::client
