#include "client/glance_client.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <nlohmann/json.hpp>

#include "mappers/url.hpp"
#include "registry/text.hpp"

namespace mkt::client {
namespace {

using nlohmann::json;

constexpr const char* kPatchType = "application/openstack-images-v2.1-json-patch";

/// HTML entities Glance writes in its messages (webob escapes quotes as &#x27;).
std::string HtmlUnescape(std::string_view text) {
    static const std::pair<std::string_view, std::string_view> kEntities[] = {
        {"&lt;", "<"},  {"&gt;", ">"},   {"&quot;", "\""}, {"&#x27;", "'"},
        {"&#39;", "'"}, {"&apos;", "'"}, {"&amp;", "&"}};
    std::string out;
    for (size_t i = 0; i < text.size();) {
        bool replaced = false;
        if (text[i] == '&') {
            for (const auto& [entity, replacement] : kEntities) {
                if (text.substr(i, entity.size()) == entity) {
                    out += replacement;
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

/// Text without tags, whitespace runs folded to one space.
std::string StripTags(std::string_view html) {
    std::string out;
    bool in_tag = false;
    for (char c : html) {
        if (c == '<') {
            in_tag = true;
            out.push_back(' ');
        } else if (c == '>') {
            in_tag = false;
        } else if (!in_tag) {
            out.push_back(c);
        }
    }
    std::string folded;
    for (char c : out) {
        const bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
        if (space && (folded.empty() || folded.back() == ' ')) continue;
        folded.push_back(space ? ' ' : c);
    }
    return std::string(text::TrimWhitespace(folded));
}

/// Glance's message: {"message": ...} when it answered JSON (we ask for it),
/// else the text of its HTML page after the title heading. Long messages (a
/// JSON-schema dump) are cut to their first line.
std::string GlanceMessage(const HttpResponse& response) {
    std::string message;
    const json j = json::parse(response.body, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("message") && j["message"].is_string()) {
        message = StripTags(j["message"].get<std::string>());
    } else {
        std::string_view body = response.body;
        const size_t h1 = body.find("</h1>");
        if (h1 != std::string_view::npos) body = body.substr(h1 + 5);
        message = StripTags(body);
    }
    message = HtmlUnescape(message);
    if (const size_t cut = message.find("Failed validating"); cut != std::string::npos) {
        message = std::string(text::TrimWhitespace(message.substr(0, cut)));
    }
    if (message.size() > 400) message = message.substr(0, 400) + "...";
    return message.empty() ? "(no message)" : message;
}

std::string Text(const json& j, const char* name) {
    auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The fields the API documents; everything else with a string value is a property.
bool IsCoreField(const std::string& name) {
    static const char* const kCore[] = {
        "id",           "name",          "status",    "disk_format",  "container_format",
        "visibility",   "owner",         "size",      "virtual_size", "checksum",
        "os_hash_algo", "os_hash_value", "protected", "os_hidden",    "created_at",
        "updated_at",   "tags",          "self",      "file",         "schema",
        "min_ram",      "min_disk",      "locations", "direct_url"};
    for (const char* core : kCore) {
        if (name == core) return true;
    }
    return false;
}

Result<GlanceImage> ParseImage(const json& j, const std::string& url) {
    if (!j.is_object() || !j.contains("id") || !j["id"].is_string() || !j.contains("status")) {
        return Status::Internal("unexpected answer from Glance at " + url +
                                ": not an image object (no id or status)");
    }
    GlanceImage image;
    image.id = Text(j, "id");
    image.name = Text(j, "name");
    image.status = Text(j, "status");
    image.disk_format = Text(j, "disk_format");
    image.container_format = Text(j, "container_format");
    image.visibility = Text(j, "visibility");
    image.owner = Text(j, "owner");
    if (auto it = j.find("size"); it != j.end() && it->is_number_unsigned()) {
        image.size = it->get<uint64_t>();
    }
    image.checksum = Text(j, "checksum");
    image.os_hash_algo = Text(j, "os_hash_algo");
    image.os_hash_value = Text(j, "os_hash_value");
    image.is_protected = j.value("protected", false);
    image.os_hidden = j.value("os_hidden", false);
    image.created_at = Text(j, "created_at");
    image.updated_at = Text(j, "updated_at");
    if (auto it = j.find("tags"); it != j.end() && it->is_array()) {
        for (const auto& t : *it) {
            if (t.is_string()) image.tags.push_back(t.get<std::string>());
        }
    }
    for (const auto& [name, value] : j.items()) {
        if (!IsCoreField(name) && value.is_string()) image.properties[name] = value;
    }
    return image;
}

Result<json> ParseJson(const HttpResponse& response, const std::string& url) {
    json j = json::parse(response.body, nullptr, false);
    if (j.is_discarded()) {
        return Status::Internal("unexpected answer from Glance at " + url + ": not JSON");
    }
    return j;
}

std::string Trimmed(std::string endpoint) {
    while (endpoint.ends_with('/')) endpoint.pop_back();
    if (endpoint.ends_with("/v2")) endpoint.resize(endpoint.size() - 3);
    while (endpoint.ends_with('/')) endpoint.pop_back();
    return endpoint;
}

std::string Describe(const std::string& id) { return "image " + id; }

}  // namespace

std::string GlanceImage::Property(const std::string& key) const {
    auto it = properties.find(key);
    return it == properties.end() ? std::string() : it->second;
}

GlanceClient::GlanceClient(std::string endpoint, GlanceOptions options)
    : endpoint_(Trimmed(std::move(endpoint))), options_(std::move(options)), http_(options_.http) {}

std::string GlanceClient::ImageUrl(const std::string& id) const {
    return endpoint_ + "/v2/images/" + mappers::PercentEncode(id, true);
}

Result<HttpResponse> GlanceClient::Call(HttpRequest request, const std::string& what,
                                        std::initializer_list<long> expected) {
    request.headers.emplace_back("Accept", "application/json");
    if (!options_.token.empty()) request.headers.emplace_back("X-Auth-Token", options_.token);
    MKT_ASSIGN_OR_RETURN(HttpResponse response, http_.Send(request));
    for (long status : expected) {
        if (response.status == status) return response;
    }
    return Status(StatusCodeForHttp(response.status), "Glance refused to " + what + " (HTTP " +
                                                          std::to_string(response.status) +
                                                          "): " + GlanceMessage(response));
}

Result<GlanceImage> GlanceClient::Create(const GlanceImageCreate& image) {
    json body = json::object();
    for (const auto& [name, value] : image.properties) body[name] = value;
    body["name"] = image.name;
    body["disk_format"] = image.disk_format;
    body["container_format"] = image.container_format;
    if (!image.visibility.empty()) body["visibility"] = image.visibility;
    if (!image.tags.empty()) body["tags"] = image.tags;
    const std::string url = endpoint_ + "/v2/images";
    MKT_ASSIGN_OR_RETURN(HttpResponse response,
                         Call({"POST", url, {{"Content-Type", "application/json"}}, body.dump()},
                              "create image '" + image.name + "'", {201}));
    MKT_ASSIGN_OR_RETURN(json j, ParseJson(response, url));
    return ParseImage(j, url);
}

Status GlanceClient::Upload(const std::string& id, BodySource source) {
    HttpRequest request{
        "PUT", ImageUrl(id) + "/file", {{"Content-Type", "application/octet-stream"}}, {}};
    request.body_source = std::move(source);
    return Call(std::move(request), "upload the data of " + Describe(id), {204}).status();
}

Status GlanceClient::UploadFile(const std::string& id, const std::filesystem::path& file,
                                const UploadProgress& progress) {
    std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(file.c_str(), "rb"), &std::fclose);
    if (!in) {
        return Status::Unavailable("cannot read " + file.string() + ": " + std::strerror(errno));
    }
    std::error_code ec;
    const uint64_t total = std::filesystem::file_size(file, ec);
    if (ec) return Status::Unavailable("cannot read " + file.string() + ": " + ec.message());
    uint64_t sent = 0;
    BodySource source;
    source.length = total;
    source.read = [&](std::span<char> buffer) -> Result<size_t> {
        const size_t n = std::fread(buffer.data(), 1, buffer.size(), in.get());
        if (n == 0 && std::ferror(in.get())) {
            return Status::Unavailable("cannot read " + file.string() + ": " +
                                       std::strerror(errno));
        }
        if (n == 0 && sent < total) {
            return Status::Unavailable("cannot read " + file.string() + ": it shrank to " +
                                       std::to_string(sent) + " bytes while being sent");
        }
        sent += n;
        if (progress) progress(sent, total);
        return n;
    };
    return Upload(id, std::move(source));
}

Result<GlanceImage> GlanceClient::Get(const std::string& id) {
    const std::string url = ImageUrl(id);
    auto response = Call({"GET", url, {}, {}}, "show " + Describe(id), {200});
    if (!response.ok()) {
        if (response.status().code() == StatusCode::kNotFound) {
            return Status::NotFound("Glance has no image " + id);
        }
        return response.status();
    }
    MKT_ASSIGN_OR_RETURN(json j, ParseJson(*response, url));
    return ParseImage(j, url);
}

Status GlanceClient::ForEachImage(const GlanceFilters& filters,
                                  const std::function<bool(GlanceImage&&)>& visit) {
    std::string url = endpoint_ + "/v2/images?limit=" + std::to_string(options_.page_size);
    for (const auto& [name, value] : filters) {
        url +=
            "&" + mappers::PercentEncode(name, false) + "=" + mappers::PercentEncode(value, false);
    }
    for (;;) {
        MKT_ASSIGN_OR_RETURN(HttpResponse response,
                             Call({"GET", url, {}, {}}, "list images", {200}));
        MKT_ASSIGN_OR_RETURN(json page, ParseJson(response, url));
        if (!page.is_object() || !page.contains("images") || !page["images"].is_array()) {
            return Status::Internal("unexpected answer from Glance at " + url +
                                    ": no \"images\" array");
        }
        for (const auto& item : page["images"]) {
            MKT_ASSIGN_OR_RETURN(GlanceImage image, ParseImage(item, url));
            if (!visit(std::move(image))) return Status::Ok();
        }
        const std::string next = Text(page, "next");
        if (next.empty() || page["images"].empty()) return Status::Ok();
        // "next" is a path from Glance's root ("/v2/images?...&marker=<id>").
        url = next.starts_with("http://") || next.starts_with("https://") ? next : endpoint_ + next;
    }
}

Result<std::vector<GlanceImage>> GlanceClient::List(const GlanceFilters& filters) {
    std::vector<GlanceImage> images;
    MKT_RETURN_IF_ERROR(ForEachImage(filters, [&images](GlanceImage&& image) {
        images.push_back(std::move(image));
        return true;
    }));
    return images;
}

Result<GlanceImage> GlanceClient::Patch(const std::string& id,
                                        const std::vector<GlancePatch>& operations) {
    json body = json::array();
    for (const GlancePatch& p : operations) {
        json op = {{"path", "/" + p.name}};
        switch (p.op) {
            case GlancePatch::Op::kAdd:
                op["op"] = "add";
                op["value"] = p.value;
                break;
            case GlancePatch::Op::kReplace:
                op["op"] = "replace";
                op["value"] = p.value;
                break;
            case GlancePatch::Op::kRemove:
                op["op"] = "remove";
                break;
        }
        body.push_back(std::move(op));
    }
    const std::string url = ImageUrl(id);
    MKT_ASSIGN_OR_RETURN(HttpResponse response,
                         Call({"PATCH", url, {{"Content-Type", kPatchType}}, body.dump()},
                              "update " + Describe(id), {200}));
    MKT_ASSIGN_OR_RETURN(json j, ParseJson(response, url));
    return ParseImage(j, url);
}

Status GlanceClient::Deactivate(const std::string& id) {
    return Call({"POST", ImageUrl(id) + "/actions/deactivate", {}, {}},
                "deactivate " + Describe(id), {204})
        .status();
}

Status GlanceClient::Reactivate(const std::string& id) {
    return Call({"POST", ImageUrl(id) + "/actions/reactivate", {}, {}},
                "reactivate " + Describe(id), {204})
        .status();
}

Status GlanceClient::Delete(const std::string& id) {
    return Call({"DELETE", ImageUrl(id), {}, {}}, "delete " + Describe(id), {204}).status();
}

}  // namespace mkt::client
