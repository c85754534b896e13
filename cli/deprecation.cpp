#include "cli/deprecation.hpp"

#include <libxml/tree.h>

#include "registry/xmlsec/xml_document.hpp"

namespace mkt::cli {
namespace {

const xmlChar* Xml(const char* text) { return reinterpret_cast<const xmlChar*>(text); }

bool IsBlankText(const xmlNode* node) {
    if (!node || node->type != XML_TEXT_NODE || !node->content) return false;
    for (const xmlChar* p = node->content; *p; ++p) {
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') return false;
    }
    return true;
}

// Unlinks and frees `node` and the blank text (indentation) just before it.
void RemoveWithIndentation(xmlNode* node) {
    if (IsBlankText(node->prev)) {
        xmlNode* blank = node->prev;
        xmlUnlinkNode(blank);
        xmlFreeNode(blank);
    }
    xmlUnlinkNode(node);
    xmlFreeNode(node);
}

// A prefix not bound at `element` ("slterms", else "slterms1", ...).
std::string FreePrefix(xmlDoc* doc, xmlNode* element) {
    std::string prefix = "slterms";
    for (int i = 1; xmlSearchNs(doc, element, Xml(prefix.c_str())); ++i) {
        prefix = "slterms" + std::to_string(i);
    }
    return prefix;
}

// A new slterms:deprecated for `description`: the slterms prefix in scope
// there, or one declared on the new element itself.
xmlNode* NewDeprecatedElement(xmlDoc* doc, xmlNode* description) {
    xmlNode* element = xmlNewDocNode(doc, nullptr, Xml("deprecated"), nullptr);
    xmlNs* ns = xmlSearchNsByHref(doc, description, Xml(xmlsec::kSltermsNs));
    if (!ns) {
        ns = xmlNewNs(element, Xml(xmlsec::kSltermsNs), Xml(FreePrefix(doc, description).c_str()));
    }
    xmlSetNs(element, ns);
    return element;
}

Status CheckReason(std::string_view reason) {
    if (reason.empty()) return Status::InvalidArgument("the deprecation reason is empty");
    for (char c : reason) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7F) {
            return Status::InvalidArgument(
                "the deprecation reason contains a control character (XML cannot carry it)");
        }
    }
    return Status::Ok();
}

}  // namespace

Result<std::string> WithDeprecation(std::string_view document, std::string_view reason) {
    MKT_RETURN_IF_ERROR(CheckReason(reason));
    MKT_ASSIGN_OR_RETURN(xmlsec::XmlDocument xml,
                         xmlsec::XmlDocument::ParseSafely(document, DocumentLimits{}));
    xmlNode* description = nullptr;
    for (xmlNode* child : xmlsec::ElementChildren(xml.root())) {
        if (xmlsec::IsElement(child, xmlsec::kRdfNs, "Description")) {
            description = child;
            break;
        }
    }
    if (!description) return Status::InvalidArgument("document has no rdf:Description");
    for (xmlNode* child : xmlsec::ElementChildren(description)) {
        if (xmlsec::IsElement(child, xmlsec::kSltermsNs, "deprecated")) {
            RemoveWithIndentation(child);
        }
    }
    const std::vector<xmlNode*> children = xmlsec::ElementChildren(description);
    xmlNode* element = NewDeprecatedElement(xml.get(), description);
    const std::string text(reason);
    xmlNodeAddContent(element, Xml(text.c_str()));  // raw text: escaped when serialized
    if (children.empty()) {
        xmlAddChild(description, element);
    } else {
        // Same indentation as the last element before it.
        xmlNode* last = children.back();
        xmlAddNextSibling(last, element);
        if (IsBlankText(last->prev)) {
            xmlAddPrevSibling(element, xmlNewDocText(xml.get(), last->prev->content));
        }
    }
    return xml.Serialize();
}

}  // namespace mkt::cli
