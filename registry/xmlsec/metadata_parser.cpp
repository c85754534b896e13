// Parse pipeline: safe XML parse -> document structure (root, the one
// rdf:Description, the Signature's place) -> ScanDescription (XSD rules, typed
// fields; description_scanner.hpp) -> StratusLab's constraints in their original
// order (ValidateMetadataConstraints.java) -> MetadataDocument.
#include "registry/xmlsec/metadata_parser.hpp"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/identifier.hpp"
#include "registry/timestamp.hpp"
#include "registry/xmlsec/description_scanner.hpp"
#include "registry/xmlsec/metadata_dom.hpp"
#include "registry/xmlsec/metadata_syntax.hpp"

namespace mkt::xmlsec {
namespace {

constexpr const char* kOnlySignaturePlace =
    "; the only Signature allowed is the last element of rdf:RDF";

bool IsDsigElement(const xmlNode* node) {
    return node->ns && node->ns->href && xmlStrcmp(node->ns->href, BAD_CAST kDsigNs) == 0;
}

xmlNode* LastElementChild(const xmlNode* node) {
    for (xmlNode* c = node->last; c; c = c->prev) {
        if (c->type == XML_ELEMENT_NODE) return c;
    }
    return nullptr;
}

/// Signature-wrapping defence: every element of the XML-DSig namespace in the
/// document, wherever it is, must belong to one Signature element that is the
/// last element child of rdf:RDF. Returns that Signature, or nullptr when the
/// document has none.
Result<xmlNode*> FindSignature(xmlNode* root) {
    std::vector<xmlNode*> signatures;
    const xmlNode* stray = nullptr;
    // Iterative walk; the flag tells whether the node lies inside a Signature.
    std::vector<std::pair<xmlNode*, bool>> stack;
    for (xmlNode* c = root->children; c; c = c->next) stack.emplace_back(c, false);
    while (!stack.empty()) {
        auto [node, inside] = stack.back();
        stack.pop_back();
        if (node->type != XML_ELEMENT_NODE) continue;
        const bool is_signature = IsElement(node, kDsigNs, "Signature");
        if (is_signature) signatures.push_back(node);
        if (!is_signature && !inside && !stray && IsDsigElement(node)) stray = node;
        for (xmlNode* c = node->children; c; c = c->next) {
            stack.emplace_back(c, inside || is_signature);
        }
    }
    if (signatures.size() > 1) {
        return Status::InvalidArgument("document has " + std::to_string(signatures.size()) +
                                       " Signature elements" + kOnlySignaturePlace);
    }
    if (stray) {
        return Status::InvalidArgument("XML-DSig element " + ElementName(stray) +
                                       " outside a Signature element is not allowed");
    }
    if (signatures.empty()) return nullptr;
    xmlNode* signature = signatures.front();
    if (signature->parent != root) {
        return Status::InvalidArgument("Signature element inside " +
                                       ElementName(signature->parent) + " is not allowed" +
                                       kOnlySignaturePlace);
    }
    if (LastElementChild(root) != signature) {
        return Status::InvalidArgument("Signature element must be the last element of rdf:RDF");
    }
    return signature;
}

/// rdf:RDF holds exactly one rdf:Description, then optionally the Signature.
Result<const xmlNode*> FindDescription(const xmlNode* root, const xmlNode* signature) {
    const xmlNode* description = nullptr;
    size_t count = 0;
    for (const xmlNode* c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || c == signature) continue;
        if (!IsElement(c, kRdfNs, "Description")) {
            return Status::InvalidArgument("unexpected element " + ElementName(c) +
                                           " in rdf:RDF (allowed: one rdf:Description, then the "
                                           "Signature)");
        }
        if (count++ == 0) description = c;
    }
    if (count != 1) {
        return Status::InvalidArgument(
            "rdf:RDF must contain exactly 1 rdf:Description element "
            "(found " +
            std::to_string(count) + ")");
    }
    return description;
}

Status CheckXmlBase(const xmlNode* root) {
    if (Attribute(root, kXmlNs, "base") != std::optional<std::string>(kMarketplaceBase)) {
        return Status::InvalidArgument(
            std::string("root element must have xml:base attribute with value ") +
            kMarketplaceBase);
    }
    return Status::Ok();
}

/// Returns the Signature element (or nullptr) and the rdf:Description.
Result<std::pair<xmlNode*, const xmlNode*>> CheckStructure(xmlNode* root) {
    if (!IsElement(root, kRdfNs, "RDF")) {
        return Status::InvalidArgument("root element must be rdf:RDF (found " + ElementName(root) +
                                       ")");
    }
    MKT_ASSIGN_OR_RETURN(xmlNode * signature, FindSignature(root));
    MKT_ASSIGN_OR_RETURN(const xmlNode* description, FindDescription(root, signature));
    MKT_RETURN_IF_ERROR(CheckXmlBase(root));
    return std::make_pair(signature, description);
}

Status CheckAtMostOne(size_t count, const char* name) {
    if (count <= 1) return Status::Ok();
    return Status::InvalidArgument(std::string("description must have at most 1 ") + name +
                                   " element");
}

Status CheckConsistentChecksum(const DescriptionScan& scan) {
    MKT_ASSIGN_OR_RETURN(std::string from_identifier,
                         identifier::ToSha1Hex(scan.metadata.identifier));
    const auto sha1_decimal = HexToDecimal(scan.sha1_value);
    if (!sha1_decimal) {
        return Status::InvalidArgument(Abbreviate(scan.sha1_value) +
                                       " is not a valid SHA-1 checksum");
    }
    if (identifier::SameSha1Value(from_identifier, scan.sha1_value)) return Status::Ok();
    return Status::InvalidArgument("checksum from identifier (" + *HexToDecimal(from_identifier) +
                                   ") and SHA-1 checksum (" + *sha1_decimal +
                                   ") are not consistent");
}

/// An empty date is accepted as absent, as StratusLab did.
Result<std::optional<Timestamp>> ParseDate(const std::string& text, const char* what) {
    if (text.empty()) return std::optional<Timestamp>();
    auto parsed = Timestamp::Parse(text);
    if (!parsed.ok()) {
        return Status::InvalidArgument(std::string(what) + " value (" + Abbreviate(text) +
                                       ") is not a valid date");
    }
    return std::optional<Timestamp>(*parsed);
}

/// StratusLab's ValidateMetadataConstraints, messages and order kept (the
/// xml:base check ran in CheckStructure), then the fields they guard are typed.
Status CheckConstraints(DescriptionScan& scan) {
    if (scan.type_count != 1) {
        return Status::InvalidArgument("description must have exactly 1 dcterms:type element");
    }
    if (scan.type_has_children) {
        return Status::InvalidArgument("dcterms:type cannot have child elements");
    }
    if (scan.sha1_count != 1) {
        return Status::InvalidArgument(  // "slterms:checksum" (sic) is the original wording
            "description must have exactly 1 slterms:checksum element using SHA-1 algorithm");
    }
    MKT_RETURN_IF_ERROR(CheckAtMostOne(scan.serial_number_count, "slterms:serial-number"));
    MKT_RETURN_IF_ERROR(CheckAtMostOne(scan.version_count, "slterms:version"));
    MKT_RETURN_IF_ERROR(CheckAtMostOne(scan.deprecated_count, "slterms:deprecated"));
    MKT_RETURN_IF_ERROR(CheckAtMostOne(scan.os_count, "slterms:os"));
    MKT_RETURN_IF_ERROR(CheckAtMostOne(scan.os_arch_count, "slterms:os-arch"));
    MKT_RETURN_IF_ERROR(CheckAtMostOne(scan.os_version_count, "slterms:os-version"));
    if (scan.about != "#" + scan.metadata.identifier) {
        return Status::InvalidArgument("rdf:about attribute (" + Abbreviate(scan.about) +
                                       ") and dcterms:identifier (" + scan.metadata.identifier +
                                       ") are not consistent");
    }
    MKT_RETURN_IF_ERROR(CheckConsistentChecksum(scan));
    EntryMetadata& m = scan.metadata;
    MKT_ASSIGN_OR_RETURN(m.valid, ParseDate(scan.valid, "dcterms:valid"));
    // The original printed the dcterms:valid value here; we print the created one.
    MKT_ASSIGN_OR_RETURN(auto created, ParseDate(scan.endorsement_created, "dcterms:created"));
    m.endorsement.created = created.value_or(Timestamp());  // never empty: the scan refused that
    // Not checked by the original; a date the listings show, so typed like the others.
    MKT_ASSIGN_OR_RETURN(m.image_created, ParseDate(scan.image_created, "image dcterms:created"));
    return Status::Ok();
}

/// The serializer writes the XML declaration, a line break, then each start tag
/// on one line, so the root's start tag spread over several lines (as
/// StratusLab's builder writes it) or written on the declaration's line (as its
/// signer does) would shift every later line. Adding or removing line breaks
/// after the declaration brings rdf:RDF's start tag back to the line where it
/// ended in the uploaded document (libxml2 numbers an element by that line), so
/// RDF parser messages cite the uploaded document's lines.
std::string AlignLinesWithUpload(std::string serialized, const xmlDoc* doc) {
    const xmlNode* root = xmlDocGetRootElement(doc);
    long line = 2;  // of the first node after the declaration
    for (const xmlNode* n = doc->children; n && n != root; n = n->next) {
        const std::string_view content =
            n->content ? reinterpret_cast<const char*>(n->content) : "";
        line += 1 + static_cast<long>(std::count(content.begin(), content.end(), '\n'));
    }
    const long uploaded = xmlGetLineNo(root);
    const size_t end_of_declaration = serialized.find('\n');
    if (end_of_declaration == std::string::npos || uploaded < 1) return serialized;
    if (uploaded > line) {
        serialized.insert(end_of_declaration + 1, static_cast<size_t>(uploaded - line), '\n');
    } else if (uploaded == 1 && line == 2) {  // the root was on the declaration's line
        serialized.erase(end_of_declaration, 1);
    }
    return serialized;
}

}  // namespace

std::string MetadataDocument::UnsignedXml() const {
    if (!signature_) return AlignLinesWithUpload(xml_.Serialize(), xml_.get());
    // Serialize with the Signature taken out for the moment and put back at the
    // same place (a deep copy of the tree would cost more than the serialization).
    // The document is used by one thread at a time (document.hpp), and the
    // verifier later finds the very same node.
    xmlNode* parent = signature_->parent;
    xmlNode* next = signature_->next;
    xmlUnlinkNode(signature_);
    std::string text = AlignLinesWithUpload(xml_.Serialize(), xml_.get());
    if (next) {
        xmlAddPrevSibling(next, signature_);
    } else {
        xmlAddChild(parent, signature_);
    }
    return text;
}

Result<std::unique_ptr<ParsedDocument>> XmlMetadataParser::Parse(std::string_view bytes) const {
    MKT_ASSIGN_OR_RETURN(auto document, ParseMetadata(bytes));
    return std::unique_ptr<ParsedDocument>(std::move(document));
}

Result<std::unique_ptr<MetadataDocument>> XmlMetadataParser::ParseMetadata(
    std::string_view bytes) const {
    MKT_ASSIGN_OR_RETURN(XmlDocument xml, XmlDocument::ParseSafely(bytes, limits_));
    MKT_ASSIGN_OR_RETURN(auto structure, CheckStructure(xml.root()));
    MKT_ASSIGN_OR_RETURN(DescriptionScan scan, ScanDescription(structure.second));
    MKT_RETURN_IF_ERROR(CheckConstraints(scan));
    return std::make_unique<MetadataDocument>(std::move(xml), std::move(scan.metadata),
                                              structure.first);
}

}  // namespace mkt::xmlsec
