#include "registry/xmlsec/metadata_dom.hpp"

#include <array>
#include <cstring>

#include "registry/xmlsec/metadata_syntax.hpp"
#include "registry/xmlsec/xml_document.hpp"

namespace mkt::xmlsec {
namespace {

struct KnownNamespace {
    const char* uri;
    const char* prefix;
};

constexpr std::array<KnownNamespace, 6> kKnownNamespaces{{
    {kRdfNs, "rdf"},
    {kDctermsNs, "dcterms"},
    {kSlreqNs, "slreq"},
    {kSltermsNs, "slterms"},
    {kDsigNs, "ds"},
    {kXmlNs, "xml"},
}};

std::string QualifiedName(const xmlNs* ns, const xmlChar* local) {
    const std::string name = local ? reinterpret_cast<const char*>(local) : "";
    if (!ns || !ns->href) return name;
    const char* href = reinterpret_cast<const char*>(ns->href);
    for (const auto& known : kKnownNamespaces) {
        if (std::strcmp(href, known.uri) == 0) return std::string(known.prefix) + ":" + name;
    }
    if (ns->prefix) return reinterpret_cast<const char*>(ns->prefix) + std::string(":") + name;
    return name;
}

Status CheckLeafAttributes(const xmlNode* node) {
    for (const xmlAttr* a = node->properties; a; a = a->next) {
        if (IsAttribute(a, kXmlNs, "lang") || IsAttribute(a, kRdfNs, "datatype")) continue;
        return Status::InvalidArgument("attribute " + AttributeName(a) + " is not allowed on " +
                                       ElementName(node) + " (only xml:lang and rdf:datatype)");
    }
    return Status::Ok();
}

Status CheckParseTypeResource(const xmlNode* node) {
    bool resource = false;
    for (const xmlAttr* a = node->properties; a; a = a->next) {
        if (!IsAttribute(a, kRdfNs, "parseType")) {
            return Status::InvalidArgument("attribute " + AttributeName(a) + " is not allowed on " +
                                           ElementName(node) +
                                           " (only rdf:parseType=\"Resource\")");
        }
        const std::string value = AttributeValue(a);
        if (value != "Resource") {
            return Status::InvalidArgument(ElementName(node) +
                                           " must have rdf:parseType=\"Resource\" (found \"" +
                                           Abbreviate(value) + "\")");
        }
        resource = true;
    }
    if (!resource) {
        return Status::InvalidArgument(ElementName(node) + " must have rdf:parseType=\"Resource\"");
    }
    return Status::Ok();
}

std::string OrderText(std::span<const Slot> slots, bool last_repeats) {
    std::string order = " (required order: ";
    for (size_t i = 0; i < slots.size(); ++i) order += std::string(i ? ", " : "") + slots[i].name;
    return order + (last_repeats ? "+)" : ")");
}

}  // namespace

std::string ElementName(const xmlNode* node) { return QualifiedName(node->ns, node->name); }

std::string AttributeName(const xmlAttr* attr) { return QualifiedName(attr->ns, attr->name); }

bool HasElementChild(const xmlNode* node) {
    for (const xmlNode* c = node->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) return true;
    }
    return false;
}

bool IsAttribute(const xmlAttr* attr, const char* ns, const char* local_name) {
    if (xmlStrcmp(attr->name, BAD_CAST local_name) != 0) return false;
    return attr->ns && attr->ns->href && xmlStrcmp(attr->ns->href, BAD_CAST ns) == 0;
}

std::string AttributeValue(const xmlAttr* attr) {
    xmlChar* value = xmlNodeListGetString(attr->doc, attr->children, 1);
    std::string out = value ? reinterpret_cast<const char*>(value) : "";
    xmlFree(value);
    return out;
}

Result<std::string> LeafText(const xmlNode* node) {
    if (HasElementChild(node)) {
        return Status::InvalidArgument(ElementName(node) + " cannot have child elements");
    }
    return std::string(TrimXmlSpace(TextContent(node)));
}

Result<std::string> BlockLeafText(const xmlNode* node) {
    MKT_RETURN_IF_ERROR(CheckLeafAttributes(node));
    return LeafText(node);
}

Status CheckResourceBlock(const xmlNode* node) {
    MKT_RETURN_IF_ERROR(CheckParseTypeResource(node));
    for (const xmlNode* c = node->children; c; c = c->next) {
        if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) continue;
        const std::string_view text =
            TrimXmlSpace(c->content ? reinterpret_cast<const char*>(c->content) : "");
        if (!text.empty()) {
            return Status::InvalidArgument(ElementName(node) +
                                           " cannot contain text outside its elements (found \"" +
                                           Abbreviate(text, 60) + "\")");
        }
    }
    return Status::Ok();
}

Result<std::vector<const xmlNode*>> MatchSequence(const xmlNode* block, std::span<const Slot> slots,
                                                  bool last_repeats) {
    std::vector<const xmlNode*> matched;
    size_t next = 0;  // the next slot to fill; slots.size() once every slot is filled
    for (const xmlNode* c = block->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        const bool all_filled = next == slots.size();
        const Slot& want = all_filled ? slots.back() : slots[next];
        if ((!all_filled || last_repeats) && IsElement(c, want.ns, want.local_name)) {
            matched.push_back(c);
            next += all_filled ? 0 : 1;
            continue;
        }
        const std::string problem =
            all_filled ? ": unexpected element " + ElementName(c) + " after " + want.name
                       : ": found " + ElementName(c) + " where " + want.name + " is required";
        return Status::InvalidArgument(ElementName(block) + problem +
                                       OrderText(slots, last_repeats));
    }
    if (next < slots.size()) {
        return Status::InvalidArgument(ElementName(block) + " has no " + slots[next].name +
                                       " element" + OrderText(slots, last_repeats));
    }
    return matched;
}

}  // namespace mkt::xmlsec
