#include "mappers/metadata_document.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

#include "mappers/native_xml.hpp"
#include "registry/identifier.hpp"

namespace mkt::mappers {
namespace {

constexpr std::string_view kHeader =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n"
    "         xmlns:dcterms=\"http://purl.org/dc/terms/\"\n"
    "         xmlns:slreq=\"http://mp.stratuslab.eu/slreq#\"\n"
    "         xmlns:slterms=\"http://mp.stratuslab.eu/slterms#\"\n"
    "         xml:base=\"http://mp.stratuslab.eu/\">\n";

struct Algorithm {
    std::string_view name;  // Java MessageDigest name, as the document writes it
    size_t hex_digits;
};
constexpr std::array<Algorithm, 4> kAlgorithms{{
    {"MD5", 32},
    {"SHA-1", 40},
    {"SHA-256", 64},
    {"SHA-512", 128},
}};

/// A text element and the field it writes (for the checks).
struct TextElement {
    const char* name;
    std::string EntryMetadata::*field;
};

std::string Hex(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (char c : text) {
        out.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
        out.push_back(kHex[static_cast<unsigned char>(c) & 15]);
    }
    return out;
}

std::string CodePointName(uint32_t cp) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string digits;
    for (int shift = cp > 0xFFFF ? 20 : 12; shift >= 0; shift -= 4)
        digits += kHex[(cp >> shift) & 15];
    return "U+" + digits;
}

bool IsXmlChar(uint32_t cp) {
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/// Decodes the UTF-8 sequence at text[i]; nullopt when it is malformed
/// (truncated, overlong, a surrogate, above U+10FFFF).
std::optional<uint32_t> DecodeUtf8(std::string_view text, size_t& i) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    size_t length = 0;
    uint32_t cp = 0, min = 0;
    if (lead < 0x80) {
        ++i;
        return lead;
    } else if ((lead & 0xE0) == 0xC0) {
        length = 2, cp = lead & 0x1F, min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3, cp = lead & 0x0F, min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4, cp = lead & 0x07, min = 0x10000;
    } else {
        return std::nullopt;
    }
    if (i + length > text.size()) return std::nullopt;
    for (size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return std::nullopt;
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    i += length;
    return cp;
}

/// Text an XML 1.0 document can carry: valid UTF-8 of allowed characters.
Status CheckXmlText(std::string_view element, std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        const size_t at = i;
        const auto cp = DecodeUtf8(text, i);
        if (!cp) {
            return Status::InvalidArgument(std::string(element) + " is not valid UTF-8 (byte " +
                                           std::to_string(at) + " is 0x" + Hex(text.substr(at, 1)) +
                                           ")");
        }
        if (!IsXmlChar(*cp)) {
            return Status::InvalidArgument(std::string(element) + " contains " +
                                           CodePointName(*cp) + " at byte " + std::to_string(at) +
                                           ", a character XML does not allow");
        }
    }
    return Status::Ok();
}

/// At most 200 characters of a user value for a message.
std::string Quote(std::string_view text) {
    return text.size() <= 200 ? std::string(text) : std::string(text.substr(0, 200)) + "...";
}

const std::array<TextElement, 18>& TextElements() {
    static const std::array<TextElement, 18> kElements{{
        {"dcterms:type", &EntryMetadata::type},
        {"slterms:kind", &EntryMetadata::kind},
        {"slterms:os", &EntryMetadata::os},
        {"slterms:os-version", &EntryMetadata::os_version},
        {"slterms:os-arch", &EntryMetadata::os_arch},
        {"slterms:version", &EntryMetadata::version},
        {"dcterms:compression", &EntryMetadata::compression},
        {"dcterms:format", &EntryMetadata::format},
        {"dcterms:creator", &EntryMetadata::creator},
        {"dcterms:title", &EntryMetadata::title},
        {"dcterms:alternative", &EntryMetadata::tag},
        {"dcterms:description", &EntryMetadata::description},
        {"slterms:hypervisor", &EntryMetadata::hypervisor},
        {"slterms:disks-bus", &EntryMetadata::disks_bus},
        {"dcterms:replaces", &EntryMetadata::replaces},
        {"dcterms:isReplacedBy", &EntryMetadata::is_replaced_by},
        {"dcterms:isVersionOf", &EntryMetadata::is_version_of},
        {"dcterms:publisher", &EntryMetadata::publisher},
    }};
    return kElements;
}

Status CheckNumbers(const char* element, const std::vector<uint32_t>& values, uint32_t max,
                    const char* what) {
    for (uint32_t v : values) {
        if (v > max) {
            return Status::InvalidArgument(std::string(element) + " value (" + std::to_string(v) +
                                           ") is not " + what);
        }
    }
    return Status::Ok();
}

/// The SHA-1 value, after checking every checksum.
Result<std::string> CheckChecksums(const std::vector<Checksum>& checksums) {
    std::array<bool, kAlgorithms.size()> seen{};
    std::string sha1;
    for (const Checksum& c : checksums) {
        const auto it = std::find_if(kAlgorithms.begin(), kAlgorithms.end(),
                                     [&](const Algorithm& a) { return a.name == c.algorithm; });
        if (it == kAlgorithms.end()) {
            return Status::InvalidArgument("checksum algorithm (" + Quote(c.algorithm) +
                                           ") is not one of MD5, SHA-1, SHA-256, SHA-512");
        }
        bool& once = seen[static_cast<size_t>(it - kAlgorithms.begin())];
        if (once) return Status::InvalidArgument("checksum " + c.algorithm + " given twice");
        once = true;
        const bool hex = std::all_of(c.value.begin(), c.value.end(), [](char ch) {
            return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
        });
        if (!hex || c.value.size() != it->hex_digits) {
            return Status::InvalidArgument(c.algorithm + " checksum (" + Quote(c.value) +
                                           ") is not " + std::to_string(it->hex_digits) +
                                           " hexadecimal digits");
        }
        if (c.algorithm == "SHA-1") sha1 = c.value;
    }
    if (sha1.empty()) {
        return Status::InvalidArgument(
            "a SHA-1 checksum is required (the identifier derives from it)");
    }
    return sha1;
}

class Writer {
  public:
    void Line(std::string_view text) {
        out_ += "    ";
        out_ += text;
        out_ += '\n';
    }
    void Element(std::string_view name, std::string_view value) {
        if (value.empty()) return;
        out_ += "    <";
        out_ += name;
        out_ += '>';
        out_ += XmlEscape(value);
        out_ += "</";
        out_ += name;
        out_ += ">\n";
    }
    std::string& out() { return out_; }

  private:
    std::string out_;
};

void WriteDescriptiveElements(const EntryMetadata& m, Writer& w) {
    w.Element("dcterms:type", m.type);
    w.Element("slterms:kind", m.kind);
    w.Element("slterms:os", m.os);
    w.Element("slterms:os-version", m.os_version);
    w.Element("slterms:os-arch", m.os_arch);
    w.Element("slterms:version", m.version);
    w.Element("dcterms:compression", m.compression);
    for (const auto& location : m.locations) w.Element("slterms:location", location);
    w.Element("dcterms:format", m.format);
    w.Element("dcterms:creator", m.creator);
    if (m.image_created) w.Element("dcterms:created", m.image_created->ToString());
    if (m.valid) w.Element("dcterms:valid", m.valid->ToString());
    w.Element("dcterms:title", m.title);
    w.Element("dcterms:alternative", m.tag);
    w.Element("dcterms:description", m.description);
    w.Element("slterms:hypervisor", m.hypervisor);
    w.Element("slterms:disks-bus", m.disks_bus);
    if (m.serial_number) w.Element("slterms:serial-number", std::to_string(*m.serial_number));
    for (uint32_t p : m.inbound_ports) w.Element("slterms:inbound-port", std::to_string(p));
    for (uint32_t p : m.outbound_ports) w.Element("slterms:outbound-port", std::to_string(p));
    for (uint32_t t : m.icmp) w.Element("slterms:icmp", std::to_string(t));
    w.Element("dcterms:replaces", m.replaces);
    w.Element("dcterms:isReplacedBy", m.is_replaced_by);
    w.Element("dcterms:isVersionOf", m.is_version_of);
    if (m.deprecated) {
        // Present means deprecated, even with an empty reason: never left out.
        w.Line(m.deprecated->empty()
                   ? "<slterms:deprecated/>"
                   : "<slterms:deprecated>" + XmlEscape(*m.deprecated) + "</slterms:deprecated>");
    }
    w.Element("dcterms:publisher", m.publisher);
}

}  // namespace

bool IsAbsoluteUri(std::string_view text) {
    const size_t colon = text.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon + 1 == text.size()) return false;
    const auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
    if (!alpha(text[0])) return false;
    for (char c : text.substr(0, colon)) {
        if (!alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
    }
    constexpr std::string_view kNeverAllowed = "<>\"{}|\\^`";
    return std::none_of(text.begin(), text.end(), [&](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte == 0x7f || kNeverAllowed.find(c) != std::string_view::npos;
    });
}

Status CheckDocumentFields(const EntryMetadata& m) {
    if (m.type.find_first_not_of(" \t\r\n") == std::string::npos) {
        return Status::InvalidArgument("dcterms:type must not be empty (every document has one)");
    }
    for (const TextElement& e : TextElements()) {
        MKT_RETURN_IF_ERROR(CheckXmlText(e.name, m.*(e.field)));
    }
    if (m.deprecated) MKT_RETURN_IF_ERROR(CheckXmlText("slterms:deprecated", *m.deprecated));
    for (const auto& location : m.locations) {
        MKT_RETURN_IF_ERROR(CheckXmlText("slterms:location", location));
        if (!IsAbsoluteUri(location)) {
            return Status::InvalidArgument("slterms:location value (" + Quote(location) +
                                           ") is not an absolute URI");
        }
    }
    MKT_RETURN_IF_ERROR(
        CheckNumbers("slterms:inbound-port", m.inbound_ports, 65535, "a port number (0 to 65535)"));
    MKT_RETURN_IF_ERROR(CheckNumbers("slterms:outbound-port", m.outbound_ports, 65535,
                                     "a port number (0 to 65535)"));
    MKT_RETURN_IF_ERROR(CheckNumbers("slterms:icmp", m.icmp, 255, "an ICMP type (0 to 255)"));
    for (const auto& [name, value] :
         {std::pair<const char*, const std::string*>{"dcterms:replaces", &m.replaces},
          {"dcterms:isReplacedBy", &m.is_replaced_by},
          {"dcterms:isVersionOf", &m.is_version_of}}) {
        if (!value->empty() && !identifier::IsValid(*value)) {
            return Status::InvalidArgument(std::string(name) + " value (" + Quote(*value) +
                                           ") is not an image identifier");
        }
    }
    return Status::Ok();
}

Result<std::string> BuildUnsignedDocument(const EntryMetadata& m) {
    MKT_ASSIGN_OR_RETURN(const std::string sha1, CheckChecksums(m.checksums));
    MKT_ASSIGN_OR_RETURN(const std::string id, identifier::FromSha1Hex(sha1));
    if (!m.identifier.empty() && m.identifier != id) {
        return Status::InvalidArgument("identifier " + Quote(m.identifier) +
                                       " does not match the SHA-1 checksum " + sha1 + " (" + id +
                                       ")");
    }
    MKT_RETURN_IF_ERROR(CheckDocumentFields(m));

    Writer w;
    w.out() += kHeader;
    w.out() += "  <rdf:Description rdf:about=\"#" + id + "\">\n";
    w.Element("dcterms:identifier", id);
    w.Element("slreq:bytes", std::to_string(m.bytes));
    for (const Checksum& c : m.checksums) {
        w.Line("<slreq:checksum rdf:parseType=\"Resource\">");
        w.Line("  <slreq:algorithm>" + c.algorithm + "</slreq:algorithm>");
        w.Line("  <slreq:value>" + c.value + "</slreq:value>");
        w.Line("</slreq:checksum>");
    }
    w.Line("<slreq:endorsement rdf:parseType=\"Resource\"/>");
    WriteDescriptiveElements(m, w);
    w.out() += "  </rdf:Description>\n</rdf:RDF>\n";
    return std::move(w.out());
}

}  // namespace mkt::mappers
