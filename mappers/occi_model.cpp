#include "mappers/occi_model.hpp"

#include <algorithm>

#include "mappers/native_json.hpp"
#include "registry/identifier.hpp"

namespace mkt::mappers::occi {
namespace {

constexpr std::string_view kTermPrefix = "sha1_";

std::string Core(std::string_view term) { return std::string(kCoreScheme) + std::string(term); }
std::string Infra(std::string_view term) { return std::string(kInfraScheme) + std::string(term); }
std::string Prefixed(std::string_view name) {
    return std::string(kAttributePrefix) + std::string(name);
}

AttributeDef Def(std::string name, bool mut, bool required, std::string type = "string",
                 std::string description = "") {
    AttributeDef d;
    d.name = std::move(name);
    d.mutable_ = mut;
    d.required = required;
    d.type = std::move(type);
    d.description = std::move(description);
    return d;
}

Category Kind(std::string scheme, std::string term, std::string title, std::string parent,
              std::string location, std::vector<AttributeDef> attributes,
              std::vector<std::string> actions = {}) {
    Category c;
    c.cls = CategoryClass::kKind;
    c.scheme = std::move(scheme);
    c.term = std::move(term);
    c.title = std::move(title);
    c.parent = std::move(parent);
    c.location = std::move(location);
    c.attributes = std::move(attributes);
    c.actions = std::move(actions);
    return c;
}

Category Action(std::string scheme, std::string term, std::string title,
                std::vector<AttributeDef> attributes = {}) {
    Category c;
    c.cls = CategoryClass::kAction;
    c.scheme = std::move(scheme);
    c.term = std::move(term);
    c.title = std::move(title);
    c.attributes = std::move(attributes);
    return c;
}

Category Mixin(std::string scheme, std::string term, std::string title,
               std::vector<std::string> depends, std::vector<std::string> applies,
               std::string location, std::vector<AttributeDef> attributes = {}) {
    Category c;
    c.cls = CategoryClass::kMixin;
    c.scheme = std::move(scheme);
    c.term = std::move(term);
    c.title = std::move(title);
    c.depends = std::move(depends);
    c.applies = std::move(applies);
    c.location = std::move(location);
    c.attributes = std::move(attributes);
    return c;
}

std::vector<AttributeDef> EntityAttributes() {
    return {Def("occi.core.id", false, true), Def("occi.core.title", true, false)};
}

std::vector<AttributeDef> With(std::vector<AttributeDef> base, std::vector<AttributeDef> more) {
    base.insert(base.end(), more.begin(), more.end());
    return base;
}

std::vector<std::string> ActionIds(std::string_view scheme,
                                   std::initializer_list<const char*> terms) {
    std::vector<std::string> out;
    for (const char* t : terms) out.push_back(std::string(scheme) + t);
    return out;
}

constexpr std::string_view kComputeActions =
    "http://schemas.ogf.org/occi/infrastructure/compute/action#";
constexpr std::string_view kStorageActions =
    "http://schemas.ogf.org/occi/infrastructure/storage/action#";
constexpr std::string_view kNetworkActions =
    "http://schemas.ogf.org/occi/infrastructure/network/action#";

void AddKinds(const std::string& base, std::vector<Category>& out) {
    const auto resource = With(EntityAttributes(), {Def("occi.core.summary", true, false)});
    const auto link = With(EntityAttributes(), {Def("occi.core.source", true, true),
                                                Def("occi.core.target", true, true)});
    out.push_back(Kind(std::string(kCoreScheme), "entity", "entity", "", "", EntityAttributes()));
    out.push_back(Kind(std::string(kCoreScheme), "resource", "resource", Core("entity"),
                       base + "resource/", resource));
    out.push_back(
        Kind(std::string(kCoreScheme), "link", "link", Core("entity"), base + "link/", link));
    out.push_back(
        Kind(std::string(kInfraScheme), "compute", "compute resource", Core("resource"),
             base + "compute/",
             With(resource, {Def("occi.compute.architecture", true, false),
                             Def("occi.compute.cores", true, false, "number"),
                             Def("occi.compute.hostname", true, false),
                             Def("occi.compute.share", true, false, "number"),
                             Def("occi.compute.speed", true, false, "number"),
                             Def("occi.compute.memory", true, false, "number"),
                             Def("occi.compute.state", false, true),
                             Def("occi.compute.state.message", false, false)}),
             ActionIds(kComputeActions, {"start", "stop", "restart", "suspend", "save"})));
    out.push_back(
        Kind(std::string(kInfraScheme), "storage", "storage resource", Core("resource"),
             base + "storage/",
             With(resource, {Def("occi.storage.size", true, true, "number", "size in GiB"),
                             Def("occi.storage.state", false, true),
                             Def("occi.storage.state.message", false, false)}),
             ActionIds(kStorageActions, {"online", "offline", "backup", "snapshot", "resize"})));
    out.push_back(Kind(std::string(kInfraScheme), "network", "network resource", Core("resource"),
                       base + "network/",
                       With(resource, {Def("occi.network.vlan", true, false, "number"),
                                       Def("occi.network.label", true, false),
                                       Def("occi.network.state", false, true),
                                       Def("occi.network.state.message", false, false)}),
                       ActionIds(kNetworkActions, {"up", "down"})));
    out.push_back(Kind(std::string(kInfraScheme), "storagelink", "storage link", Core("link"),
                       base + "storagelink/",
                       With(link, {Def("occi.storagelink.deviceid", true, true),
                                   Def("occi.storagelink.mountpoint", true, false),
                                   Def("occi.storagelink.state", false, true),
                                   Def("occi.storagelink.state.message", false, false)})));
    out.push_back(Kind(std::string(kInfraScheme), "networkinterface", "network interface",
                       Core("link"), base + "networkinterface/",
                       With(link, {Def("occi.networkinterface.interface", false, true),
                                   Def("occi.networkinterface.mac", true, true),
                                   Def("occi.networkinterface.state", false, true),
                                   Def("occi.networkinterface.state.message", false, false)})));
}

void AddActions(std::vector<Category>& out) {
    const std::string c(kComputeActions), s(kStorageActions), n(kNetworkActions);
    out.push_back(Action(c, "start", "start compute instance"));
    out.push_back(Action(c, "stop", "stop compute instance", {Def("method", true, false)}));
    out.push_back(Action(c, "restart", "restart compute instance", {Def("method", true, false)}));
    out.push_back(Action(c, "suspend", "suspend compute instance", {Def("method", true, false)}));
    out.push_back(Action(c, "save", "save compute instance as an OS template",
                         {Def("method", true, false), Def("name", true, false)}));
    out.push_back(Action(s, "online", "activate storage"));
    out.push_back(Action(s, "offline", "deactivate storage"));
    out.push_back(Action(s, "backup", "back up storage"));
    out.push_back(Action(s, "snapshot", "snapshot storage"));
    out.push_back(Action(s, "resize", "resize storage", {Def("size", true, true, "number")}));
    out.push_back(Action(n, "up", "activate network"));
    out.push_back(Action(n, "down", "deactivate network"));
}

std::vector<std::string> LocationsOf(const OcciImage& image) {
    std::vector<std::string> out;
    for (const Entry& e : image.entries) {
        for (const std::string& l : e.metadata.locations) {
            if (std::find(out.begin(), out.end(), l) == out.end()) out.push_back(l);
        }
    }
    return out;
}

// Where the image can be started (OcciImage::held_at): four lists, one item per
// holding in the same order, so a client pairs them by position (the names are
// the configuration's, the endpoints URLs, the os_tpls type ids: no item has a space).
void AddAvailability(const OcciImage& image, std::vector<Attribute>& out) {
    if (image.held_at.empty()) return;
    std::vector<std::string> providers, endpoints, os_tpls, states;
    for (const ProviderHolding& h : image.held_at) {
        providers.push_back(h.provider);
        endpoints.push_back(h.occi_endpoint);
        os_tpls.push_back(kOpenStackOsTplScheme + h.glance_id);
        states.push_back(h.state);
    }
    out.push_back({Prefixed("available_at.provider"), Value::List(std::move(providers))});
    out.push_back({Prefixed("available_at.endpoint"), Value::List(std::move(endpoints))});
    out.push_back({Prefixed("available_at.os_tpl"), Value::List(std::move(os_tpls))});
    out.push_back({Prefixed("available_at.state"), Value::List(std::move(states))});
}

// The image metadata under kAttributePrefix (only the fields that have a value).
std::vector<Attribute> ImageAttributes(const OcciImage& image, const Context& context) {
    const EntryMetadata& m = image.newest().metadata;
    std::vector<Attribute> out;
    auto add = [&](std::string_view name, const std::string& value) {
        if (!value.empty()) out.push_back({Prefixed(name), Value::String(value)});
    };
    add("identifier", image.identifier());
    add("entry", EntryUrl(image.newest().key, context.base_url));
    std::vector<std::string> endorsers;
    for (const Entry& e : image.entries) endorsers.push_back(e.key.email);
    out.push_back({Prefixed("endorsers"), Value::List(std::move(endorsers))});
    add("description", m.description);
    add("os", m.os);
    add("os_version", m.os_version);
    add("os_arch", m.os_arch);
    add("version", m.version);
    add("format", m.format);
    add("hypervisor", m.hypervisor);
    out.push_back({Prefixed("bytes"), Value::Number(std::to_string(m.bytes))});
    for (const auto& [algorithm, name] :
         {std::pair<const char*, const char*>{"MD5", "checksum.md5"},
          {"SHA-1", "checksum.sha1"},
          {"SHA-256", "checksum.sha256"},
          {"SHA-512", "checksum.sha512"}}) {
        add(name, m.ChecksumValue(algorithm));
    }
    if (m.valid) add("valid", m.valid->ToString());
    auto locations = LocationsOf(image);
    if (!locations.empty())
        out.push_back({Prefixed("locations"), Value::List(std::move(locations))});
    AddAvailability(image, out);
    return out;
}

std::string HostOf(std::string_view url) {
    const size_t scheme = url.find("://");
    if (scheme == std::string_view::npos) return {};
    url.remove_prefix(scheme + 3);
    url = url.substr(0, url.find_first_of("/?#"));
    if (const size_t at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
    if (!url.empty() && url.front() == '[') return std::string(url.substr(0, url.find(']') + 1));
    return std::string(url.substr(0, url.find(':')));
}

std::string WithoutTrailingSlash(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

Link LocationLink(const OcciImage& image, const Context& context, const std::string& location,
                  size_t index) {
    Link link;
    link.kind = Core("link");
    link.mixins = {context.MarketplaceScheme() + "image_location"};
    link.id = image.identifier() + "_location_" + std::to_string(index);
    link.source = context.BasePath() + "storage/" + image.identifier();
    link.source_kind = Infra("storage");
    link.attributes.push_back({Prefixed("location"), Value::String(location)});
    if (auto provider = RecogniseProviderStorage(location, context.providers)) {
        link.target = provider->target;
        link.target_kind = Infra("storage");
        link.attributes.push_back({Prefixed("provider"), Value::String(provider->provider)});
        link.attributes.push_back(
            {Prefixed("provider.endpoint"), Value::String(provider->endpoint)});
    } else {
        link.target = location;
    }
    return link;
}

// A provider holding the image: the link targets the provider's OCCI endpoint and
// names the os_tpl mixin a compute create there uses.
Link AvailabilityLink(const OcciImage& image, const Context& context, const ProviderHolding& held,
                      size_t index) {
    Link link;
    link.kind = Core("link");
    link.mixins = {context.MarketplaceScheme() + "provider_image"};
    link.id = image.identifier() + "_at_" + std::to_string(index);
    link.source = context.BasePath() + "storage/" + image.identifier();
    link.source_kind = Infra("storage");
    link.target = held.occi_endpoint;
    link.attributes.push_back({Prefixed("provider"), Value::String(held.provider)});
    link.attributes.push_back({Prefixed("provider.endpoint"), Value::String(held.occi_endpoint)});
    link.attributes.push_back(
        {Prefixed("provider.os_tpl"), Value::String(kOpenStackOsTplScheme + held.glance_id)});
    link.attributes.push_back({Prefixed("provider.glance_id"), Value::String(held.glance_id)});
    link.attributes.push_back({Prefixed("provider.state"), Value::String(held.state)});
    return link;
}

}  // namespace

std::string Value::Joined() const {
    if (type != Type::kList) return text;
    std::string out;
    for (const auto& item : list) out += (out.empty() ? "" : " ") + item;
    return out;
}

std::string_view ClassName(CategoryClass cls) {
    switch (cls) {
        case CategoryClass::kKind:
            return "kind";
        case CategoryClass::kMixin:
            return "mixin";
        case CategoryClass::kAction:
            return "action";
    }
    return "kind";
}

std::string Context::BasePath() const {
    const size_t scheme = base_url.find("://");
    const size_t slash = base_url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return slash == std::string::npos ? "/" : base_url.substr(slash);
}

std::string Context::Absolute(std::string_view path) const {
    const std::string base_path = BasePath();
    std::string origin = base_url.substr(0, base_url.size() - base_path.size());
    return origin + std::string(path);
}

std::string Context::OsTplScheme() const { return base_url + "occi/infrastructure/os_tpl#"; }
std::string Context::MarketplaceScheme() const { return base_url + "occi/marketplace#"; }

Result<std::string> TermOf(std::string_view identifier) {
    MKT_ASSIGN_OR_RETURN(std::string hex, identifier::ToSha1Hex(identifier));
    return std::string(kTermPrefix) + hex;
}

Result<std::string> IdentifierOfTerm(std::string_view term) {
    auto bad = [&] {
        return Status::InvalidArgument(
            "'" + std::string(term) + "' is not an image term (sha1_ and 40 lowercase hex digits)");
    };
    if (!term.starts_with(kTermPrefix) || term.size() != kTermPrefix.size() + 40) return bad();
    const std::string_view hex = term.substr(kTermPrefix.size());
    for (char c : hex) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return bad();
    }
    return identifier::FromSha1Hex(hex);
}

std::vector<Category> FixedModel(const Context& context) {
    const std::string base = context.BasePath();
    std::vector<Category> out;
    AddKinds(base, out);
    AddActions(out);
    out.push_back(Mixin(std::string(kInfraScheme), "os_tpl", "operating system template", {},
                        {Infra("compute")}, base + "mixin/os_tpl/"));
    out.push_back(Mixin(std::string(kInfraScheme), "resource_tpl", "resource template", {},
                        {Infra("compute")}, base + "mixin/resource_tpl/"));
    out.push_back(
        Mixin("http://schemas.ogf.org/occi/infrastructure/network#", "ipnetwork", "IP network", {},
              {Infra("network")}, base + "mixin/ipnetwork/",
              {Def("occi.network.address", true, false), Def("occi.network.gateway", true, false),
               Def("occi.network.allocation", true, false)}));
    out.push_back(Mixin(
        context.MarketplaceScheme(), "image_location", "a location of a Marketplace image", {},
        {Core("link")}, base + "mixin/image_location/",
        {Def(Prefixed("location"), false, true, "string", "the location as the metadata gives it"),
         Def(Prefixed("provider"), false, false, "string",
             "the resource provider holding the image (occi.provider.<name>)"),
         Def(Prefixed("provider.endpoint"), false, false, "string",
             "that provider's OCCI endpoint")}));
    out.push_back(Mixin(context.MarketplaceScheme(), "provider_image",
                        "the image in a resource provider's own image store (read from its Glance)",
                        {}, {Core("link")}, base + "mixin/provider_image/",
                        {Def(Prefixed("provider"), false, true, "string",
                             "the resource provider (occi.provider.<name>)"),
                         Def(Prefixed("provider.endpoint"), false, true, "string",
                             "that provider's OCCI endpoint, where a compute create goes"),
                         Def(Prefixed("provider.os_tpl"), false, true, "string",
                             "the provider's os_tpl mixin for the image (scheme + term)"),
                         Def(Prefixed("provider.glance_id"), false, true, "string",
                             "the image's id in the provider's Glance (the os_tpl term)"),
                         Def(Prefixed("provider.state"), false, true, "string",
                             "the Glance image's status (active, deactivated, ...)")}));
    return out;
}

Category ImageMixin(const OcciImage& image, const Context& context) {
    const EntryMetadata& m = image.newest().metadata;
    const std::string term = TermOf(image.identifier()).value();
    std::string title = m.title.empty() ? image.identifier() : m.title;
    if (!m.version.empty()) title += " (" + m.version + ")";
    Category c = Mixin(context.OsTplScheme(), term, std::move(title), {Infra("os_tpl")},
                       {Infra("compute")}, context.BasePath() + "mixin/os_tpl/" + term + "/");
    for (Attribute& a : ImageAttributes(image, context)) {
        AttributeDef d = Def(std::move(a.name), false, false,
                             a.value.type == Value::Type::kList     ? "array"
                             : a.value.type == Value::Type::kNumber ? "number"
                                                                    : "string");
        d.default_value = std::move(a.value);
        c.attributes.push_back(std::move(d));
    }
    return c;
}

Resource StorageResource(const OcciImage& image, const Context& context) {
    const EntryMetadata& m = image.newest().metadata;
    Resource r;
    r.kind = Infra("storage");
    r.id = image.identifier();
    r.title = m.title;
    r.summary = m.description;
    r.location = context.BasePath() + "storage/" + image.identifier();
    r.attributes.push_back({"occi.core.id", Value::String(r.id)});
    if (!r.title.empty()) r.attributes.push_back({"occi.core.title", Value::String(r.title)});
    if (!r.summary.empty()) r.attributes.push_back({"occi.core.summary", Value::String(r.summary)});
    r.attributes.push_back({"occi.storage.size", Value::Number(GibibytesOf(m.bytes))});
    r.attributes.push_back({"occi.storage.state", Value::String("online")});
    r.attributes.push_back(
        {Prefixed("os_tpl"), Value::String(context.OsTplScheme() + TermOf(r.id).value())});
    for (Attribute& a : ImageAttributes(image, context)) {
        if (a.name != Prefixed("description")) r.attributes.push_back(std::move(a));
    }
    size_t index = 0;
    for (const std::string& location : LocationsOf(image)) {
        r.links.push_back(LocationLink(image, context, location, index++));
    }
    index = 0;
    for (const ProviderHolding& held : image.held_at) {
        r.links.push_back(AvailabilityLink(image, context, held, index++));
    }
    return r;
}

std::optional<ProviderStorage> RecogniseProviderStorage(
    std::string_view location, const std::map<std::string, std::string>& providers) {
    for (const auto& [name, endpoint_raw] : providers) {
        const std::string endpoint = WithoutTrailingSlash(endpoint_raw);
        if (location.starts_with(endpoint + "/")) {
            const std::string_view path = location.substr(endpoint.size());
            if (path.find("/storage/") != std::string_view::npos) {
                return ProviderStorage{name, endpoint_raw, std::string(location)};
            }
        }
        if (location.starts_with("pdisk:")) {
            // pdisk:<host>:<port>:<uuid>
            const std::string_view rest = location.substr(6);
            const size_t first = rest.find(':');
            const size_t last = rest.rfind(':');
            if (first == std::string_view::npos || last == first) continue;
            const std::string_view host = rest.substr(0, first);
            const std::string_view uuid = rest.substr(last + 1);
            if (!uuid.empty() && host == HostOf(endpoint)) {
                return ProviderStorage{name, endpoint_raw,
                                       endpoint + "/storage/" + std::string(uuid)};
            }
        }
    }
    return std::nullopt;
}

std::string GibibytesOf(uint64_t bytes) {
    // bytes / 2^30 has at most 30 decimal places: write it exactly, in plain
    // decimal (the OCCI rendering's number grammar has no exponent), so the byte
    // count can be recovered from it.
    constexpr uint64_t kGib = uint64_t{1} << 30;
    std::string out = std::to_string(bytes >> 30);
    uint64_t rest = bytes & (kGib - 1);
    if (rest != 0) out.push_back('.');
    while (rest != 0) {
        rest *= 10;
        out.push_back(static_cast<char>('0' + (rest >> 30)));
        rest &= kGib - 1;
    }
    return out;
}

}  // namespace mkt::mappers::occi
