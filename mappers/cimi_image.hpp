// The CIMI MachineImage of a Marketplace image (docs/api/cimi.md "Mapping").
//
// One MachineImage per image identifier. Its attributes come from the image's
// newest endorsement (the latest entry of each endorser, the newest of those):
// the most recent word on an image speaks for it, so a newer deprecation hides
// the image even if an older endorsement of another endorser is still valid.
// Pure: an entry plus explicit context in, a value out.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "registry/entry.hpp"
#include "registry/provider_holdings.hpp"

namespace mkt::mappers::cimi {

inline constexpr std::string_view kImageType = "IMAGE";
inline constexpr std::string_view kStateAvailable = "AVAILABLE";
inline constexpr std::string_view kStateError = "ERROR";

struct ImageContext {
    std::string base_url;  // server base, ends with '/': "https://mp.example.org/"
    Timestamp now;         // decides valid/expired
};

/// "<base>cimi/", the CloudEntryPoint's baseURI.
std::string CimiBaseUri(std::string_view base_url);
/// "<base>cimi/machineImages/<identifier>".
std::string MachineImageId(std::string_view identifier, std::string_view base_url);

struct MachineImage {
    std::string identifier;  // not serialized: the last segment of `id`
    std::string id, name, description;
    Timestamp created, updated;
    std::string state, type;     // AVAILABLE or ERROR; IMAGE
    std::string image_location;  // empty: none
    std::string related_image;   // absolute id of the replaced image; empty: none
    std::map<std::string, std::string> properties;  // empty values are never stored
};

/// name: dcterms:title, else the tag, else the identifier. created: the newest
/// endorsement's dcterms:created; updated: when the server accepted it. state:
/// AVAILABLE when that endorsement is valid, ERROR when expired or deprecated
/// (properties.status says which). imageLocation: the first location.
/// relatedImage: the image named by dcterms:replaces. `endorsers` (the emails
/// of every endorser's latest entry) fills properties.endorsers when non-empty.
MachineImage ToMachineImage(const Entry& newest, const std::vector<std::string>& endorsers,
                            const ImageContext& context);

/// The image's provider locations (ProviderHoldings::For) as properties, per provider
/// name N: "provider.N" = the os_tpl type id a compute create at N uses
/// ("http://schemas.openstack.org/template/os#<glance id>"), "provider.N.endpoint" =
/// N's OCCI endpoint, "provider.N.state" = the Glance status. A provider holding
/// several copies (a replacement in progress) is shown by its active one, else its first.
void AddProviderLocations(MachineImage& image, const std::vector<ProviderHolding>& held_at);

/// "SHA-256" -> "sha256": the properties key of a checksum algorithm.
std::string ChecksumPropertyKey(std::string_view algorithm);

}  // namespace mkt::mappers::cimi
