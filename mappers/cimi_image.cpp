#include "mappers/cimi_image.hpp"

#include "mappers/native_json.hpp"
#include "mappers/url.hpp"
#include "registry/text.hpp"

namespace mkt::mappers::cimi {
namespace {

using text::AsciiLower;

void Put(std::map<std::string, std::string>& properties, std::string key, std::string value) {
    if (!value.empty()) properties.emplace(std::move(key), std::move(value));
}

std::string Join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
    return out;
}

std::map<std::string, std::string> Properties(const Entry& entry,
                                              const std::vector<std::string>& endorsers,
                                              const ImageContext& context) {
    const EntryMetadata& m = entry.metadata;
    std::map<std::string, std::string> p;
    Put(p, "identifier", entry.key.identifier);
    // As signed; `property[...]` compares these three ignoring case on both sides
    // (cimi/image_query.hpp, docs/api/cimi.md).
    Put(p, "os", m.os);
    Put(p, "os-version", m.os_version);
    Put(p, "os-arch", m.os_arch);
    Put(p, "format", m.format);
    Put(p, "compression", m.compression);
    Put(p, "hypervisor", m.hypervisor);
    Put(p, "kind", m.kind);
    Put(p, "tag", m.tag);
    Put(p, "version", m.version);
    Put(p, "publisher", m.publisher);
    Put(p, "creator", m.creator);
    Put(p, "bytes", std::to_string(m.bytes));
    for (const Checksum& c : m.checksums) Put(p, ChecksumPropertyKey(c.algorithm), c.value);
    Put(p, "endorser", entry.key.email);
    Put(p, "endorsers", Join(endorsers));
    Put(p, "status", std::string(EntryStatusName(entry.StatusAt(context.now))));
    if (m.deprecated) Put(p, "deprecated", m.deprecated->empty() ? "deprecated" : *m.deprecated);
    if (m.valid) Put(p, "valid", m.valid->ToString());
    if (m.image_created) Put(p, "image-created", m.image_created->ToString());
    if (!m.is_replaced_by.empty())
        Put(p, "is-replaced-by", MachineImageId(m.is_replaced_by, context.base_url));
    Put(p, "trust-mode", std::string(TrustModeName(entry.signer.trust_mode)));
    Put(p, "metadata", EntryUrl(entry.key, context.base_url));
    Put(p, "history", context.base_url + "metadata/" + PercentEncode(entry.key.identifier, true));
    return p;
}

}  // namespace

std::string CimiBaseUri(std::string_view base_url) { return std::string(base_url) + "cimi/"; }

std::string MachineImageId(std::string_view identifier, std::string_view base_url) {
    return CimiBaseUri(base_url) + "machineImages/" + PercentEncode(identifier, true);
}

void AddProviderLocations(MachineImage& image, const std::vector<ProviderHolding>& held_at) {
    std::map<std::string, const ProviderHolding*> shown;
    for (const ProviderHolding& h : held_at) {
        const ProviderHolding*& current = shown[h.provider];
        if (!current || (current->state != "active" && h.state == "active")) current = &h;
    }
    for (const auto& [provider, h] : shown) {
        const std::string key = "provider." + provider;
        image.properties[key] = kOpenStackOsTplScheme + h->glance_id;
        Put(image.properties, key + ".endpoint", h->occi_endpoint);
        Put(image.properties, key + ".state", h->state);
    }
}

std::string ChecksumPropertyKey(std::string_view algorithm) {
    std::string out;
    for (char c : AsciiLower(algorithm))
        if (c != '-') out.push_back(c);
    return out;
}

MachineImage ToMachineImage(const Entry& newest, const std::vector<std::string>& endorsers,
                            const ImageContext& context) {
    const EntryMetadata& m = newest.metadata;
    MachineImage image;
    image.identifier = newest.key.identifier;
    image.id = MachineImageId(newest.key.identifier, context.base_url);
    image.name = !m.title.empty() ? m.title : !m.tag.empty() ? m.tag : newest.key.identifier;
    image.description = m.description;
    image.created = newest.key.created;
    image.updated = newest.received;
    image.state = std::string(newest.StatusAt(context.now) == EntryStatus::kValid ? kStateAvailable
                                                                                  : kStateError);
    image.type = std::string(kImageType);
    if (!m.locations.empty()) image.image_location = m.locations.front();
    if (!m.replaces.empty()) image.related_image = MachineImageId(m.replaces, context.base_url);
    image.properties = Properties(newest, endorsers, context);
    return image;
}

}  // namespace mkt::mappers::cimi
