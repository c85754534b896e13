#include "mappers/cimi_render.hpp"

#include <nlohmann/json.hpp>

#include "mappers/native_xml.hpp"

namespace mkt::mappers::cimi {
namespace {

using Json = nlohmann::ordered_json;

std::string ResourceUri(const RenderContext& ctx, std::string_view type) {
    return ctx.ns + "/" + std::string(type);
}

bool IsVersion2(const RenderContext& ctx) {
    return ctx.ns.size() >= 2 && ctx.ns.compare(ctx.ns.size() - 2, 2, "/2") == 0;
}

std::string CollectionId(const RenderContext& ctx, std::string_view name) {
    return CimiBaseUri(ctx.base_url) + std::string(name);
}

// ------------------------------------------------------------------ JSON

Json ImageJson(const MachineImage& image, const std::optional<MachineImage>& related,
               const Selection& select, const RenderContext& ctx) {
    Json j;
    j["resourceURI"] = ResourceUri(ctx, "MachineImage");
    j["id"] = image.id;
    auto text = [&](const char* name, const std::string& value) {
        if (!value.empty() && select.Keeps(name)) j[name] = value;
    };
    text("name", image.name);
    text("description", image.description);
    text("created", image.created.ToString());
    text("updated", image.updated.ToString());
    if (!image.properties.empty() && select.Keeps("properties")) {
        Json p = Json::object();
        for (const auto& [k, v] : image.properties) p[k] = v;
        j["properties"] = std::move(p);
    }
    text("state", image.state);
    text("type", image.type);
    text("imageLocation", image.image_location);
    if (!image.related_image.empty() && select.Keeps("relatedImage")) {
        j["relatedImage"] = related ? ImageJson(*related, std::nullopt, Selection{}, ctx)
                                    : Json{{"href", image.related_image}};
        if (related) j["relatedImage"]["href"] = image.related_image;
    }
    return j;
}

Json CollectionJson(const ImageCollection& images, const Selection& select,
                    const RenderContext& ctx) {
    Json j;
    j["resourceURI"] = ResourceUri(ctx, "MachineImageCollection");
    j["id"] = CollectionId(ctx, "machineImages");
    j["count"] = images.count;
    if (!images.items.empty()) {
        Json items = Json::array();
        for (const auto& view : images.items)
            items.push_back(ImageJson(view.image, view.related, select, ctx));
        j["machineImages"] = std::move(items);
    }
    return j;
}

// ------------------------------------------------------------------ XML

void Element(std::string& out, std::string_view name, std::string_view value) {
    if (value.empty()) return;
    out += "<" + std::string(name) + ">" + XmlEscape(value) + "</" + std::string(name) + ">";
}

std::string Root(std::string_view name, const RenderContext& ctx, std::string_view type) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + std::string(name) + " xmlns=\"" +
           XmlEscape(ctx.ns) + "\" resourceURI=\"" + XmlEscape(ResourceUri(ctx, type)) + "\">";
}

void ImageXmlBody(std::string& out, const MachineImage& image,
                  const std::optional<MachineImage>& related, const Selection& select,
                  const RenderContext& ctx) {
    Element(out, "id", image.id);
    auto text = [&](const char* name, const std::string& value) {
        if (select.Keeps(name)) Element(out, name, value);
    };
    text("name", image.name);
    text("description", image.description);
    text("created", image.created.ToString());
    text("updated", image.updated.ToString());
    if (select.Keeps("properties")) {
        for (const auto& [k, v] : image.properties)
            out += "<property key=\"" + XmlEscape(k) + "\">" + XmlEscape(v) + "</property>";
    }
    text("state", image.state);
    text("type", image.type);
    text("imageLocation", image.image_location);
    if (!image.related_image.empty() && select.Keeps("relatedImage")) {
        out += "<relatedImage href=\"" + XmlEscape(image.related_image) + "\"";
        if (related) {
            out += ">";
            ImageXmlBody(out, *related, std::nullopt, Selection{}, ctx);
            out += "</relatedImage>";
        } else {
            out += "/>";
        }
    }
}

void CollectionXmlBody(std::string& out, const ImageCollection& images, const Selection& select,
                       const RenderContext& ctx) {
    Element(out, "id", CollectionId(ctx, "machineImages"));
    Element(out, "count", std::to_string(images.count));
    for (const auto& view : images.items) {
        out += "<MachineImage resourceURI=\"" + XmlEscape(ResourceUri(ctx, "MachineImage")) + "\">";
        ImageXmlBody(out, view.image, view.related, select, ctx);
        out += "</MachineImage>";
    }
}

// ------------------------------------------------------------------ ResourceMetadata

struct AttributeInfo {
    const char* name;
    const char* type;
    bool required;
};

const std::vector<AttributeInfo>& ImageAttributes() {
    static const std::vector<AttributeInfo> kAttributes = {
        {"id", "URI", true},
        {"name", "string", true},
        {"description", "string", false},
        {"created", "dateTime", true},
        {"updated", "dateTime", true},
        {"properties", "map", true},
        {"state", "string", true},
        {"type", "string", true},
        {"imageLocation", "URI", false},
        {"relatedImage", "ref", false},
    };
    return kAttributes;
}

const std::vector<std::string>& Capabilities() {
    static const std::vector<std::string> kNames = {
        "FilterParameterQuery",  "FirstParameterAndLastParameterQuery",
        "SelectParameterQuery",  "ExpandParameterQuery",
        "OrderByParameterQuery", "FormatParameterQuery",
    };
    return kNames;
}

std::string MetadataId(const RenderContext& ctx, std::string_view name) {
    return CollectionId(ctx, "resourceMetadata/") + std::string(name);
}

Json MetadataJson(std::string_view name, const RenderContext& ctx) {
    Json j;
    j["resourceURI"] = ResourceUri(ctx, "ResourceMetadata");
    j["id"] = MetadataId(ctx, name);
    j["name"] = std::string(name);
    j["typeURI"] = ResourceUri(ctx, name);
    if (name == "MachineImage") {
        Json attributes = Json::array();
        for (const auto& a : ImageAttributes()) {
            attributes.push_back({{"name", a.name},
                                  {"type", a.type},
                                  {"providerMandatory", a.required},
                                  {"consumerMandatory", false},
                                  {"mutable", false},
                                  {"consumerWritable", false}});
        }
        j["attributes"] = std::move(attributes);
    } else {
        Json capabilities = Json::array();
        for (const auto& c : Capabilities()) {
            capabilities.push_back({{"uri", ctx.ns + "/capability/CloudEntryPoint/" + c},
                                    {"name", c},
                                    {"value", "true"}});
        }
        j["capabilities"] = std::move(capabilities);
    }
    return j;
}

void MetadataXmlBody(std::string& out, std::string_view name, const RenderContext& ctx) {
    Element(out, "id", MetadataId(ctx, name));
    Element(out, "name", name);
    Element(out, "typeURI", ResourceUri(ctx, name));
    if (name == "MachineImage") {
        for (const auto& a : ImageAttributes()) {
            out += std::string("<attribute name=\"") + a.name + "\" type=\"" + a.type +
                   "\" providerMandatory=\"" + (a.required ? "true" : "false") +
                   "\" consumerMandatory=\"false\" mutable=\"false\" consumerWritable=\"false\"/>";
        }
    } else {
        for (const auto& c : Capabilities()) {
            out += "<capability uri=\"" + XmlEscape(ctx.ns) + "/capability/CloudEntryPoint/" + c +
                   "\" name=\"" + c + "\">true</capability>";
        }
    }
}

}  // namespace

std::string ImageToJson(const ImageView& view, const Selection& select, const RenderContext& ctx) {
    return ImageJson(view.image, view.related, select, ctx).dump(2);
}

std::string ImageToXml(const ImageView& view, const Selection& select, const RenderContext& ctx) {
    std::string out = Root("MachineImage", ctx, "MachineImage");
    ImageXmlBody(out, view.image, view.related, select, ctx);
    return out + "</MachineImage>\n";
}

std::string CollectionToJson(const ImageCollection& images, const Selection& select,
                             const RenderContext& ctx) {
    return CollectionJson(images, select, ctx).dump(2);
}

std::string CollectionToXml(const ImageCollection& images, const Selection& select,
                            const RenderContext& ctx) {
    std::string out = Root("Collection", ctx, "MachineImageCollection");
    CollectionXmlBody(out, images, select, ctx);
    return out + "</Collection>\n";
}

std::string EntryPointToJson(const RenderContext& ctx, const ImageCollection* expanded) {
    Json j;
    j["resourceURI"] = ResourceUri(ctx, "CloudEntryPoint");
    j["id"] = CollectionId(ctx, "cloudEntryPoint");
    j["name"] = "marketplace";
    j["description"] = "Marketplace: signed virtual machine image metadata as MachineImages";
    j["baseURI"] = CimiBaseUri(ctx.base_url);
    j["resourceMetadata"] = {{"href", CollectionId(ctx, "resourceMetadata")}};
    if (expanded) {
        j["machineImages"] = CollectionJson(*expanded, Selection{}, ctx);
        j["machineImages"]["href"] = CollectionId(ctx, "machineImages");
    } else {
        j["machineImages"] = {{"href", CollectionId(ctx, "machineImages")}};
    }
    return j.dump(2);
}

std::string EntryPointToXml(const RenderContext& ctx, const ImageCollection* expanded) {
    std::string out = Root("CloudEntryPoint", ctx, "CloudEntryPoint");
    Element(out, "id", CollectionId(ctx, "cloudEntryPoint"));
    Element(out, "name", "marketplace");
    Element(out, "description",
            "Marketplace: signed virtual machine image metadata as MachineImages");
    Element(out, "baseURI", CimiBaseUri(ctx.base_url));
    out += "<resourceMetadata href=\"" + XmlEscape(CollectionId(ctx, "resourceMetadata")) + "\"/>";
    out += "<machineImages href=\"" + XmlEscape(CollectionId(ctx, "machineImages")) + "\"";
    if (expanded) {
        out += ">";
        CollectionXmlBody(out, *expanded, Selection{}, ctx);
        out += "</machineImages>";
    } else {
        out += "/>";
    }
    return out + "</CloudEntryPoint>\n";
}

const std::vector<std::string>& ResourceMetadataNames() {
    static const std::vector<std::string> kNames = {"CloudEntryPoint", "MachineImage"};
    return kNames;
}

std::string ResourceMetadataCollectionToJson(const RenderContext& ctx) {
    Json j;
    j["resourceURI"] = ResourceUri(ctx, "ResourceMetadataCollection");
    j["id"] = CollectionId(ctx, "resourceMetadata");
    j["count"] = ResourceMetadataNames().size();
    Json items = Json::array();
    for (const auto& name : ResourceMetadataNames()) items.push_back(MetadataJson(name, ctx));
    j[IsVersion2(ctx) ? "resourceMetadatas" : "resourceMetadata"] = std::move(items);
    return j.dump(2);
}

std::string ResourceMetadataCollectionToXml(const RenderContext& ctx) {
    std::string out = Root("Collection", ctx, "ResourceMetadataCollection");
    Element(out, "id", CollectionId(ctx, "resourceMetadata"));
    Element(out, "count", std::to_string(ResourceMetadataNames().size()));
    for (const auto& name : ResourceMetadataNames()) {
        out += "<ResourceMetadata>";
        MetadataXmlBody(out, name, ctx);
        out += "</ResourceMetadata>";
    }
    return out + "</Collection>\n";
}

std::string ResourceMetadataToJson(std::string_view name, const RenderContext& ctx) {
    return MetadataJson(name, ctx).dump(2);
}

std::string ResourceMetadataToXml(std::string_view name, const RenderContext& ctx) {
    std::string out = Root("ResourceMetadata", ctx, "ResourceMetadata");
    MetadataXmlBody(out, name, ctx);
    return out + "</ResourceMetadata>\n";
}

std::string ErrorToJson(int http_status, std::string_view message, std::string_view request_id) {
    Json j;
    j["status"] = http_status;
    j["message"] = std::string(message);
    if (!request_id.empty()) j["requestId"] = std::string(request_id);
    return j.dump(2);
}

std::string ErrorToXml(int http_status, std::string_view message, std::string_view request_id,
                       std::string_view ns) {
    std::string out =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<error xmlns=\"" + XmlEscape(ns) + "\">";
    Element(out, "status", std::to_string(http_status));
    Element(out, "message", message);
    Element(out, "requestId", request_id);
    return out + "</error>\n";
}

}  // namespace mkt::mappers::cimi
