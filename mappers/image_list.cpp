#include "mappers/image_list.hpp"

#include <nlohmann/json.hpp>

#include "mappers/native_json.hpp"
#include "registry/identifier.hpp"
#include "registry/text.hpp"

namespace mkt::mappers {
namespace {

using nlohmann::ordered_json;

ordered_json ImageJson(const Entry& e, const std::string& base_url) {
    const EntryMetadata& m = e.metadata;
    return {
        {"hv:image",
         {{"dc:identifier", ImageUuid(e.key.identifier)},
          {"dc:title", m.title.empty() ? e.key.identifier : m.title},
          {"dc:description", m.description},
          {"hv:uri", m.locations.empty() ? "" : m.locations.front()},
          {"hv:size", m.bytes},
          {"sl:checksum:sha512", text::AsciiLower(m.ChecksumValue("SHA-512"))},
          {"hv:version", m.version.empty() ? e.key.created.ToString() : m.version},
          {"sl:arch", m.os_arch},
          {"sl:os", m.os},
          {"sl:osversion", m.os_version},
          {"hv:format", m.format},
          {"hv:hypervisor", m.hypervisor},
          {"sl:comments",
           m.compression.empty() || m.compression == "none" ? "" : "compression: " + m.compression},
          {"sl:identifier", e.key.identifier},
          {"ad:mpuri", EntryUrl(e.key, base_url)}}}};
}

}  // namespace

std::string ImageUuid(const std::string& identifier) {
    auto hex = identifier::ToSha1Hex(identifier);
    if (!hex.ok() || hex->size() < 32) return "";
    std::string h = text::AsciiLower(hex->substr(0, 32));
    h[12] = '5';                                  // version 5 (name-based, SHA-1)
    h[16] = "89ab"[text::HexValue(h[16]) & 0x3];  // RFC 4122 variant
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
           "-" + h.substr(20, 12);
}

std::string ImageListJson(const ImageListHeader& header, const std::vector<Entry>& images,
                          const std::string& base_url) {
    ordered_json list_images = ordered_json::array();
    for (const Entry& e : images) list_images.push_back(ImageJson(e, base_url));
    const ordered_json list = {{"hv:imagelist",
                                {{"dc:identifier", header.uuid},
                                 {"dc:title", header.title},
                                 {"dc:description", header.description},
                                 {"dc:date:created", header.created.ToString()},
                                 {"dc:date:expires", header.expires.ToString()},
                                 {"dc:source", header.source},
                                 {"hv:uri", header.uri},
                                 {"hv:version", header.version},
                                 {"hv:endorser",
                                  {{"hv:x509",
                                    {{"dc:creator", header.endorser_name},
                                     {"hv:ca", header.endorser_ca},
                                     {"hv:dn", header.endorser_dn},
                                     {"hv:email", header.endorser_email}}}}},
                                 {"hv:images", std::move(list_images)}}}};
    const std::string text =
        list.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
    std::string crlf;
    crlf.reserve(text.size() + text.size() / 20);
    for (char c : text) {
        if (c == '\n') crlf.push_back('\r');
        crlf.push_back(c);
    }
    return crlf;
}

}  // namespace mkt::mappers
