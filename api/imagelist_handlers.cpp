#include "api/imagelist_handlers.hpp"

#include <map>

#include <nlohmann/json.hpp>

#include "http/negotiation.hpp"
#include "mappers/image_list.hpp"
#include "mappers/url.hpp"
#include "registry/text.hpp"
#include "registry/xmlsec/smime_signer.hpp"

namespace mkt::api {
namespace {

using http::Request;
using http::Response;

bool Contains(const std::vector<std::string>& items, const std::string& value) {
    if (items.empty()) return true;
    for (const std::string& item : items) {
        if (text::EqualsIgnoreCase(item, value)) return true;
    }
    return false;
}

bool Selected(const conf::ImageListConfig& list, const Entry& e) {
    const EntryMetadata& m = e.metadata;
    return Contains(list.endorsers, e.key.email) && Contains(list.os, m.os) &&
           Contains(list.identifiers, e.key.identifier) && !m.locations.empty() &&
           !m.ChecksumValue("SHA-512").empty();
}

// The newest selected endorsement of each image, by identifier.
Result<std::map<std::string, Entry>> Select(const Registry& registry,
                                            const conf::ImageListConfig& list) {
    std::map<std::string, Entry> images;
    EntryQuery query;
    query.latest_only = true;
    query.statuses = StatusSet::Only(EntryStatus::kValid);
    if (list.endorsers.size() == 1) query.email = list.endorsers.front();
    query.sort = SortField::kSeq;
    query.descending = false;
    query.limit = registry.options().max_page_size;
    for (;;) {
        MKT_ASSIGN_OR_RETURN(EntryPage page, registry.Search(query));
        for (Entry& e : page.entries) {
            if (!Selected(list, e)) continue;
            auto [it, inserted] = images.try_emplace(e.key.identifier, e);
            if (!inserted && e.key.created > it->second.key.created) it->second = std::move(e);
        }
        if (!page.next_cursor) return images;
        query.cursor = page.next_cursor;
    }
}

std::string SelectionOf(const std::map<std::string, Entry>& images) {
    std::string out;
    for (const auto& [identifier, e] : images) out += std::to_string(e.seq) + ",";
    return out;
}

// Rebuilds `list` when its selection changed or half its lifetime passed.
// The earliest end of validity among the selected entries: the selection can
// change without a new entry only then.
std::optional<Timestamp> NextExpiry(const std::map<std::string, Entry>& images) {
    std::optional<Timestamp> next;
    for (const auto& [identifier, e] : images) {
        if (e.metadata.valid && (!next || *e.metadata.valid < *next)) next = e.metadata.valid;
    }
    return next;
}

Status Refresh(const Registry& registry, ImageList& list, const std::string& base_url) {
    const Timestamp now = registry.clock().Now();
    const int64_t lifetime = int64_t{list.config.lifetime_days} * 86400;
    const bool fresh = !list.body.empty() && now - list.built < lifetime / 2;
    // Read before the selection: an entry stored meanwhile changes last_seq, so
    // the next request selects again.
    MKT_ASSIGN_OR_RETURN(StoreStats stats, registry.Stats());
    if (fresh && stats.last_seq == list.selected_at_seq &&
        (!list.next_expiry || now < *list.next_expiry)) {
        return Status::Ok();  // nothing was stored and nothing expired since the last look
    }
    MKT_ASSIGN_OR_RETURN(auto images, Select(registry, list.config));
    const std::string selection = SelectionOf(images);
    list.selected_at_seq = stats.last_seq;
    list.next_expiry = NextExpiry(images);
    if (fresh && selection == list.selection) return Status::Ok();
    const xmlsec::SignerNames names = xmlsec::NamesOf(list.key);
    mappers::ImageListHeader header;
    header.uuid = list.config.uuid;
    header.title = list.config.title;
    header.description = list.config.description;
    header.source = list.config.homepage.empty() ? base_url : list.config.homepage;
    header.uri = base_url + "imagelists/" + list.config.name;
    header.version = std::to_string(stats.last_seq);
    header.created = now;
    header.expires = now + lifetime;
    header.endorser_name = names.common_name;
    header.endorser_dn = names.subject_oneline;
    header.endorser_ca = names.issuer_oneline;
    header.endorser_email = list.key.email().value_or("");
    std::vector<Entry> selected;
    for (auto& [identifier, e] : images) selected.push_back(std::move(e));
    MKT_ASSIGN_OR_RETURN(
        std::string body,
        xmlsec::SmimeSign(list.key, mappers::ImageListJson(header, selected, base_url)));
    list.body = std::move(body);
    list.selection = selection;
    list.built = now;
    list.etag = "\"" + header.version + "-" + std::to_string(now.unix_seconds()) + "\"";
    return Status::Ok();
}

ImageList* Find(ImageListContext& ctx, const std::string& name) {
    for (auto& list : ctx.lists) {
        if (list->config.name == name) return list.get();
    }
    return nullptr;
}

Result<Response> GetImageList(ImageListContext& ctx, Request& req) {
    ImageList* list = Find(ctx, req.Param("name"));
    if (!list) {
        std::string known;
        for (const auto& l : ctx.lists) known += (known.empty() ? "" : ", ") + l->config.name;
        return Status::NotFound("no image list named '" + req.Param("name").substr(0, 64) +
                                "' (known: " + (known.empty() ? "none" : known) + ")");
    }
    std::lock_guard lock(list->mutex);
    MKT_RETURN_IF_ERROR(Refresh(ctx.registry, *list, req.context.base_url));
    Response r;
    if (req.headers.Get("If-None-Match") == list->etag) {
        r.status = 304;
    } else {
        r = Response::Make(200, "text/plain; charset=utf-8", list->body);
    }
    r.headers.Set("ETag", list->etag);
    r.headers.Set("Cache-Control", "no-cache");
    return r;
}

Result<Response> ListImageLists(ImageListContext& ctx, Request& req) {
    if (!http::Negotiate(req, {"application/json"}))
        return http::NotAcceptable({"application/json"});
    nlohmann::json lists = nlohmann::json::array();
    for (const auto& l : ctx.lists) {
        lists.push_back({{"name", l->config.name},
                         {"title", l->config.title},
                         {"uuid", l->config.uuid},
                         {"url", req.context.base_url + "imagelists/" + l->config.name}});
    }
    return Response::Make(200, "application/json",
                          nlohmann::json{{"imagelists", std::move(lists)}}.dump() + "\n");
}

}  // namespace

Result<std::unique_ptr<ImageListContext>> LoadImageLists(
    Registry& registry, const std::vector<conf::ImageListConfig>& lists) {
    auto ctx = std::make_unique<ImageListContext>(ImageListContext{registry, {}});
    for (const conf::ImageListConfig& config : lists) {
        auto key = xmlsec::SigningKey::FromPem(config.key_file, config.cert_file);
        if (!key.ok()) return key.status().WithPrefix("imagelist." + config.name + ": ");
        ctx->lists.push_back(std::unique_ptr<ImageList>(
            new ImageList{config, *key, {}, {}, {}, {}, {}, -1, std::nullopt}));
    }
    return ctx;
}

void RegisterImageListRoutes(http::Router& router, ImageListContext& context) {
    using http::Method;
    auto index = [&context](Request& req) { return ListImageLists(context, req); };
    router.Add(Method::kGet, "/imagelists", index);
    router.Add(Method::kGet, "/imagelists/", index);
    router.Add(Method::kGet, "/imagelists/{name}",
               [&context](Request& req) { return GetImageList(context, req); });
}

}  // namespace mkt::api
