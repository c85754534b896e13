// CIMI representations (DSP0263 JSON and XML) of the MachineImage model, its
// collection, the CloudEntryPoint, ResourceMetadata and errors.
//
// Pure functions. Rules kept everywhere (reference cimi.md 3.2): empty
// strings, maps and arrays are omitted (an empty collection has no
// `machineImages` key); hrefs are absolute; dates are `yyyy-MM-ddTHH:mm:ssZ`;
// XML uses the version's namespace as default namespace, `<property key=..>`
// for map entries and `<x href=".."/>` for references. Nothing is writable, so
// no `operations` are advertised.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mappers/cimi_image.hpp"

namespace mkt::mappers::cimi {

struct RenderContext {
    std::string ns;        // "http://schemas.dmtf.org/cimi/1" (1.x) or ".../cimi/2" (2.0)
    std::string base_url;  // server base, ends with '/'
};

/// `$select`: empty = every attribute; `id` and `resourceURI` are always kept.
struct Selection {
    std::set<std::string> names;
    bool Keeps(std::string_view name) const {
        return names.empty() || names.count(std::string(name)) > 0;
    }
};

/// One image and, when `$expand` asked for it and it exists, its relatedImage.
struct ImageView {
    MachineImage image;
    std::optional<MachineImage> related;
};

struct ImageCollection {
    uint64_t count = 0;  // matches of the filter, before paging
    std::vector<ImageView> items;
};

std::string ImageToJson(const ImageView& view, const Selection& select, const RenderContext& ctx);
std::string ImageToXml(const ImageView& view, const Selection& select, const RenderContext& ctx);

std::string CollectionToJson(const ImageCollection& images, const Selection& select,
                             const RenderContext& ctx);
std::string CollectionToXml(const ImageCollection& images, const Selection& select,
                            const RenderContext& ctx);

/// `expanded`: the machineImages collection inlined by `$expand=machineImages`.
std::string EntryPointToJson(const RenderContext& ctx, const ImageCollection* expanded);
std::string EntryPointToXml(const RenderContext& ctx, const ImageCollection* expanded);

/// The names of the ResourceMetadata entries: "CloudEntryPoint", "MachineImage".
const std::vector<std::string>& ResourceMetadataNames();
std::string ResourceMetadataCollectionToJson(const RenderContext& ctx);
std::string ResourceMetadataCollectionToXml(const RenderContext& ctx);
/// `name` must be one of ResourceMetadataNames().
std::string ResourceMetadataToJson(std::string_view name, const RenderContext& ctx);
std::string ResourceMetadataToXml(std::string_view name, const RenderContext& ctx);

/// {"status": n, "message": "...", "requestId": "..."} (SlipStream's de-facto shape).
std::string ErrorToJson(int http_status, std::string_view message, std::string_view request_id);
/// <error xmlns="ns"><status>n</status><message>...</message><requestId>..</requestId></error>.
std::string ErrorToXml(int http_status, std::string_view message, std::string_view request_id,
                       std::string_view ns);

}  // namespace mkt::mappers::cimi
