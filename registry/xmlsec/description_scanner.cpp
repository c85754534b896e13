#include "registry/xmlsec/description_scanner.hpp"

#include <array>
#include <cstring>
#include <string_view>
#include <vector>

#include "registry/xmlsec/metadata_dom.hpp"
#include "registry/xmlsec/metadata_syntax.hpp"
#include "registry/xmlsec/xml_document.hpp"

namespace mkt::xmlsec {
namespace {

constexpr std::string_view kCoreOrder =
    " (required order: dcterms:identifier, slreq:bytes, slreq:checksum+, slreq:endorsement)";

enum class Field {
    kOther,
    kRdfType,
    kIdentifier,
    kBytes,
    kChecksum,
    kEndorsement,
    kType,
    kValid,
    kCreated,
    kTitle,
    kDescription,
    kAlternative,
    kCreator,
    kPublisher,
    kFormat,
    kCompression,
    kReplaces,
    kIsReplacedBy,
    kIsVersionOf,
    kLocation,
    kSerialNumber,
    kVersion,
    kHypervisor,
    kInboundPort,
    kOutboundPort,
    kIcmp,
    kOs,
    kOsVersion,
    kOsArch,
    kDeprecated,
    kKind,
    kDisksBus,
    kCount,  // number of fields, not a field
};

struct FieldName {
    const char* ns;
    const char* local;
    Field field;
};

constexpr std::array<FieldName, 31> kFieldNames{{
    {kRdfNs, "type", Field::kRdfType},
    {kDctermsNs, "identifier", Field::kIdentifier},
    {kSlreqNs, "bytes", Field::kBytes},
    {kSlreqNs, "checksum", Field::kChecksum},
    {kSlreqNs, "endorsement", Field::kEndorsement},
    {kDctermsNs, "type", Field::kType},
    {kDctermsNs, "valid", Field::kValid},
    {kDctermsNs, "created", Field::kCreated},
    {kDctermsNs, "title", Field::kTitle},
    {kDctermsNs, "description", Field::kDescription},
    {kDctermsNs, "alternative", Field::kAlternative},
    {kDctermsNs, "creator", Field::kCreator},
    {kDctermsNs, "publisher", Field::kPublisher},
    {kDctermsNs, "format", Field::kFormat},
    {kDctermsNs, "compression", Field::kCompression},
    {kDctermsNs, "replaces", Field::kReplaces},
    {kDctermsNs, "isReplacedBy", Field::kIsReplacedBy},
    {kDctermsNs, "isVersionOf", Field::kIsVersionOf},
    {kSltermsNs, "location", Field::kLocation},
    {kSltermsNs, "serial-number", Field::kSerialNumber},
    {kSltermsNs, "version", Field::kVersion},
    {kSltermsNs, "hypervisor", Field::kHypervisor},
    {kSltermsNs, "inbound-port", Field::kInboundPort},
    {kSltermsNs, "outbound-port", Field::kOutboundPort},
    {kSltermsNs, "icmp", Field::kIcmp},
    {kSltermsNs, "os", Field::kOs},
    {kSltermsNs, "os-version", Field::kOsVersion},
    {kSltermsNs, "os-arch", Field::kOsArch},
    {kSltermsNs, "deprecated", Field::kDeprecated},
    {kSltermsNs, "kind", Field::kKind},
    {kSltermsNs, "disks-bus", Field::kDisksBus},
}};

Field Classify(const xmlNode* node) {
    if (!node->ns || !node->ns->href) return Field::kOther;
    const char* href = reinterpret_cast<const char*>(node->ns->href);
    const char* local = reinterpret_cast<const char*>(node->name);
    for (const auto& f : kFieldNames) {
        if (std::strcmp(local, f.local) == 0 && std::strcmp(href, f.ns) == 0) return f.field;
    }
    return Field::kOther;
}

/// The EntryMetadata string each plain text element fills (first occurrence).
std::string EntryMetadata::*TextMember(Field field) {
    switch (field) {
        case Field::kType:
            return &EntryMetadata::type;
        case Field::kTitle:
            return &EntryMetadata::title;
        case Field::kDescription:
            return &EntryMetadata::description;
        case Field::kAlternative:
            return &EntryMetadata::tag;
        case Field::kCreator:
            return &EntryMetadata::creator;
        case Field::kPublisher:
            return &EntryMetadata::publisher;
        case Field::kFormat:
            return &EntryMetadata::format;
        case Field::kCompression:
            return &EntryMetadata::compression;
        case Field::kReplaces:
            return &EntryMetadata::replaces;
        case Field::kIsReplacedBy:
            return &EntryMetadata::is_replaced_by;
        case Field::kIsVersionOf:
            return &EntryMetadata::is_version_of;
        case Field::kVersion:
            return &EntryMetadata::version;
        case Field::kHypervisor:
            return &EntryMetadata::hypervisor;
        case Field::kOs:
            return &EntryMetadata::os;
        case Field::kOsVersion:
            return &EntryMetadata::os_version;
        case Field::kOsArch:
            return &EntryMetadata::os_arch;
        case Field::kKind:
            return &EntryMetadata::kind;
        case Field::kDisksBus:
            return &EntryMetadata::disks_bus;
        default:
            return nullptr;
    }
}

constexpr std::array<Slot, 2> kChecksumSlots{{
    {kSlreqNs, "algorithm", "slreq:algorithm"},
    {kSlreqNs, "value", "slreq:value"},
}};
constexpr std::array<Slot, 2> kEndorsementSlots{{
    {kDctermsNs, "created", "dcterms:created"},
    {kSlreqNs, "endorser", "slreq:endorser"},
}};
constexpr std::array<Slot, 3> kEndorserSlots{{
    {kSlreqNs, "email", "slreq:email"},
    {kSlreqNs, "subject", "slreq:subject"},
    {kSlreqNs, "issuer", "slreq:issuer"},
}};

/// Rank of the required elements in their order; 0 for the others.
int CoreRank(Field field) {
    switch (field) {
        case Field::kIdentifier:
            return 1;
        case Field::kBytes:
            return 2;
        case Field::kChecksum:
            return 3;
        case Field::kEndorsement:
            return 4;
        default:
            return 0;
    }
}

constexpr std::array<const char*, 5> kCoreNames{"", "dcterms:identifier", "slreq:bytes",
                                                "slreq:checksum", "slreq:endorsement"};

class Scanner {
  public:
    Status Run(const xmlNode* description);
    DescriptionScan Take() { return std::move(scan_); }

  private:
    Status CheckDescriptionAttributes(const xmlNode* description);
    Status Visit(const xmlNode* node, Field field, size_t index);
    Status CheckCoreOrder(const xmlNode* node, Field field);
    Status ReadIdentifier(const xmlNode* node);
    Status ReadBytes(const xmlNode* node);
    Status ReadChecksum(const xmlNode* node);
    Status ReadEndorsement(const xmlNode* node);
    Status ReadEndorser(const xmlNode* node);
    Status ReadOptional(const xmlNode* node, Field field);
    Status ReadNumber(const xmlNode* node, Field field);
    Status CheckSingle(const xmlNode* node, Field field) const;

    size_t& Count(Field field) { return counts_[static_cast<size_t>(field)]; }
    size_t Count(Field field) const { return counts_[static_cast<size_t>(field)]; }

    DescriptionScan scan_;
    int max_rank_ = 0;
    std::array<size_t, static_cast<size_t>(Field::kCount)> counts_{};
};

Status Scanner::Run(const xmlNode* description) {
    MKT_RETURN_IF_ERROR(CheckDescriptionAttributes(description));
    size_t index = 0;
    for (const xmlNode* c = description->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        const Field field = Classify(c);
        MKT_RETURN_IF_ERROR(Visit(c, field, index++));
        ++Count(field);
    }
    if (max_rank_ < 4) {
        return Status::InvalidArgument(std::string("rdf:Description has no ") +
                                       kCoreNames[static_cast<size_t>(max_rank_) + 1] + " element" +
                                       std::string(kCoreOrder));
    }
    scan_.type_count = Count(Field::kType);
    scan_.serial_number_count = Count(Field::kSerialNumber);
    scan_.version_count = Count(Field::kVersion);
    scan_.deprecated_count = Count(Field::kDeprecated);
    scan_.os_count = Count(Field::kOs);
    scan_.os_arch_count = Count(Field::kOsArch);
    scan_.os_version_count = Count(Field::kOsVersion);
    return Status::Ok();
}

Status Scanner::CheckDescriptionAttributes(const xmlNode* description) {
    bool has_about = false;
    for (const xmlAttr* a = description->properties; a; a = a->next) {
        if (IsAttribute(a, kRdfNs, "about")) {
            scan_.about = AttributeValue(a);
            has_about = true;
        } else if (!IsAttribute(a, kXmlNs, "lang")) {
            return Status::InvalidArgument("attribute " + AttributeName(a) +
                                           " is not allowed on rdf:Description (only rdf:about)");
        }
    }
    if (!has_about) {
        return Status::InvalidArgument(
            "rdf:Description must have an rdf:about attribute (\"#\" followed by the image "
            "identifier)");
    }
    const std::string_view about = scan_.about;
    if (about.empty() || about[0] != '#' || !MatchesIdentifierPattern(about.substr(1))) {
        return Status::InvalidArgument("rdf:about attribute (" + Abbreviate(about) +
                                       ") must be \"#\" followed by the 27-character image "
                                       "identifier");
    }
    return Status::Ok();
}

Status Scanner::Visit(const xmlNode* node, Field field, size_t index) {
    switch (field) {
        case Field::kRdfType:
            if (index != 0) {
                return Status::InvalidArgument(
                    "rdf:type must be the first element of rdf:Description");
            }
            return Status::Ok();
        case Field::kIdentifier:
            return ReadIdentifier(node);
        case Field::kBytes:
            return ReadBytes(node);
        case Field::kChecksum:
            return ReadChecksum(node);
        case Field::kEndorsement:
            return ReadEndorsement(node);
        case Field::kOther:
            return Status::Ok();
        default:
            return ReadOptional(node, field);
    }
}

Status Scanner::CheckCoreOrder(const xmlNode* node, Field field) {
    const int rank = CoreRank(field);
    const std::string name = ElementName(node);
    if (field != Field::kChecksum && Count(field) > 0) {
        return Status::InvalidArgument("description must have exactly 1 " + name + " element");
    }
    if (rank < max_rank_) {
        return Status::InvalidArgument("rdf:Description: " + name + " must come before " +
                                       kCoreNames[static_cast<size_t>(max_rank_)] +
                                       std::string(kCoreOrder));
    }
    if (rank > max_rank_ + 1) {
        return Status::InvalidArgument(std::string("rdf:Description: ") +
                                       kCoreNames[static_cast<size_t>(max_rank_) + 1] +
                                       " must come before " + name + std::string(kCoreOrder));
    }
    max_rank_ = rank;
    return Status::Ok();
}

Status Scanner::ReadIdentifier(const xmlNode* node) {
    MKT_RETURN_IF_ERROR(CheckCoreOrder(node, Field::kIdentifier));
    MKT_ASSIGN_OR_RETURN(std::string id, BlockLeafText(node));
    if (!MatchesIdentifierPattern(id)) {
        return Status::InvalidArgument("dcterms:identifier (" + Abbreviate(id) +
                                       ") must be 27 characters from A-Z a-z 0-9 - _");
    }
    scan_.metadata.identifier = std::move(id);
    return Status::Ok();
}

Status Scanner::ReadBytes(const xmlNode* node) {
    MKT_RETURN_IF_ERROR(CheckCoreOrder(node, Field::kBytes));
    MKT_ASSIGN_OR_RETURN(std::string text, BlockLeafText(node));
    const auto bytes = ParseBoundedUnsigned(text, UINT64_MAX);
    if (!bytes) {
        return Status::InvalidArgument("slreq:bytes value (" + Abbreviate(text) +
                                       ") is not a non-negative integer");
    }
    scan_.metadata.bytes = *bytes;
    return Status::Ok();
}

Status Scanner::ReadChecksum(const xmlNode* node) {
    MKT_RETURN_IF_ERROR(CheckCoreOrder(node, Field::kChecksum));
    MKT_RETURN_IF_ERROR(CheckResourceBlock(node));
    MKT_ASSIGN_OR_RETURN(auto parts, MatchSequence(node, kChecksumSlots, false));
    MKT_ASSIGN_OR_RETURN(std::string algorithm, BlockLeafText(parts[0]));
    MKT_ASSIGN_OR_RETURN(std::string value, BlockLeafText(parts[1]));
    const size_t hex_length = DigestHexLength(algorithm);
    if (hex_length == 0) {
        return Status::InvalidArgument("slreq:algorithm value (" + Abbreviate(algorithm) +
                                       ") is not one of " + std::string(AllowedDigestNames()));
    }
    if (!IsHex(value)) {
        return Status::InvalidArgument(Abbreviate(value) + " is not a valid " + algorithm +
                                       " checksum");
    }
    const size_t significant = value.size() - std::min(value.find_first_not_of('0'), value.size());
    if (value.size() < hex_length || significant > hex_length) {
        return Status::InvalidArgument(Abbreviate(value) + " is not a valid " + algorithm +
                                       " checksum (expected " + std::to_string(hex_length) +
                                       " hexadecimal digits)");
    }
    if (algorithm == "SHA-1") {
        if (scan_.sha1_count++ == 0) scan_.sha1_value = value;
    } else if (!scan_.metadata.ChecksumValue(algorithm).empty()) {
        return Status::InvalidArgument(
            "description must have at most 1 slreq:checksum element "
            "using " +
            algorithm + " algorithm");
    }
    scan_.metadata.checksums.push_back({std::move(algorithm), std::move(value)});
    return Status::Ok();
}

Status Scanner::ReadEndorsement(const xmlNode* node) {
    MKT_RETURN_IF_ERROR(CheckCoreOrder(node, Field::kEndorsement));
    MKT_RETURN_IF_ERROR(CheckResourceBlock(node));
    MKT_ASSIGN_OR_RETURN(auto parts, MatchSequence(node, kEndorsementSlots, false));
    MKT_ASSIGN_OR_RETURN(scan_.endorsement_created, BlockLeafText(parts[0]));
    if (scan_.endorsement_created.empty()) {
        return Status::InvalidArgument(
            "dcterms:created of slreq:endorsement must not be empty (it is the endorsement date)");
    }
    return ReadEndorser(parts[1]);
}

Status Scanner::ReadEndorser(const xmlNode* node) {
    MKT_RETURN_IF_ERROR(CheckResourceBlock(node));
    MKT_ASSIGN_OR_RETURN(auto parts, MatchSequence(node, kEndorserSlots, true));
    Endorsement& e = scan_.metadata.endorsement;
    MKT_ASSIGN_OR_RETURN(e.email, BlockLeafText(parts[0]));
    if (!IsEndorserEmail(e.email)) {
        return Status::InvalidArgument("slreq:email value (" + Abbreviate(e.email) +
                                       ") is not a valid email address");
    }
    MKT_ASSIGN_OR_RETURN(e.subject, BlockLeafText(parts[1]));
    if (e.subject.empty()) return Status::InvalidArgument("slreq:subject must not be empty");
    for (size_t i = 2; i < parts.size(); ++i) {
        MKT_ASSIGN_OR_RETURN(std::string issuer, BlockLeafText(parts[i]));
        if (issuer.empty()) return Status::InvalidArgument("slreq:issuer must not be empty");
        e.issuers.push_back(std::move(issuer));
    }
    return Status::Ok();
}

Status Scanner::CheckSingle(const xmlNode* node, Field field) const {
    if (Count(field) > 0) {
        return Status::InvalidArgument("description must have at most 1 " + ElementName(node) +
                                       " element");
    }
    return Status::Ok();
}

Status Scanner::ReadOptional(const xmlNode* node, Field field) {
    if (field == Field::kType) {  // both rules on dcterms:type are constraints
        scan_.type_has_children = scan_.type_has_children || HasElementChild(node);
        if (Count(field) == 0) scan_.metadata.type = TrimXmlSpace(TextContent(node));
        return Status::Ok();
    }
    if (field == Field::kValid || field == Field::kCreated) {
        MKT_RETURN_IF_ERROR(CheckSingle(node, field));
    }
    if (field == Field::kSerialNumber || field == Field::kInboundPort ||
        field == Field::kOutboundPort || field == Field::kIcmp) {
        return ReadNumber(node, field);
    }
    MKT_ASSIGN_OR_RETURN(std::string text, LeafText(node));
    EntryMetadata& m = scan_.metadata;
    const bool first = Count(field) == 0;
    switch (field) {
        case Field::kValid:
            scan_.valid = std::move(text);
            break;
        case Field::kCreated:
            scan_.image_created = std::move(text);
            break;
        case Field::kDeprecated:
            if (first) m.deprecated = std::move(text);
            break;
        case Field::kLocation:
            if (text.empty()) break;
            if (!IsAbsoluteUri(text)) {
                return Status::InvalidArgument("slterms:location value (" + Abbreviate(text) +
                                               ") is not an absolute URI");
            }
            m.locations.push_back(std::move(text));
            break;
        default:
            if (std::string EntryMetadata::*member = TextMember(field); member && first) {
                m.*member = std::move(text);
            }
            break;
    }
    return Status::Ok();
}

Status Scanner::ReadNumber(const xmlNode* node, Field field) {
    MKT_ASSIGN_OR_RETURN(std::string text, LeafText(node));
    EntryMetadata& m = scan_.metadata;
    const std::string what = ElementName(node) + " value (" + Abbreviate(text) + ") is not ";
    if (field == Field::kSerialNumber) {
        const auto serial = ParseBoundedUnsigned(text, UINT64_MAX);
        if (!serial) return Status::InvalidArgument(what + "a non-negative integer");
        if (!m.serial_number) m.serial_number = *serial;
        return Status::Ok();
    }
    if (field == Field::kIcmp) {
        const auto type = ParseBoundedUnsigned(text, 255);
        if (!type) return Status::InvalidArgument(what + "an ICMP type (0 to 255)");
        m.icmp.push_back(static_cast<uint32_t>(*type));
        return Status::Ok();
    }
    const auto port = ParseBoundedUnsigned(text, 65535);
    if (!port) return Status::InvalidArgument(what + "a port number (0 to 65535)");
    auto& ports = field == Field::kInboundPort ? m.inbound_ports : m.outbound_ports;
    ports.push_back(static_cast<uint32_t>(*port));
    return Status::Ok();
}

}  // namespace

Result<DescriptionScan> ScanDescription(const xmlNode* description) {
    Scanner scanner;
    MKT_RETURN_IF_ERROR(scanner.Run(description));
    return scanner.Take();
}

}  // namespace mkt::xmlsec
