#include "registry/xmlsec/xml_document.hpp"

#include <optional>
#include <vector>

#include <libxml/parser.h>
#include <libxml/xmlsave.h>

namespace mkt::xmlsec {
namespace {

struct ParserState {
    bool saw_doctype = false;
};

// SAX hook: a DOCTYPE stops the parser before any declaration inside it is read.
void RefuseDoctype(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
    auto* ctxt = static_cast<xmlParserCtxtPtr>(ctx);
    static_cast<ParserState*>(ctxt->_private)->saw_doctype = true;
    xmlStopParser(ctxt);
}

// Swallow libxml2's own printing; the message is read from the context afterwards.
void SilentStructuredError(void*, xmlErrorPtr) {}

struct CtxtFree {
    void operator()(xmlParserCtxt* c) const { xmlFreeParserCtxt(c); }
};

std::string TrimMessage(const char* msg) {
    std::string s = msg ? msg : "malformed XML";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

Status CheckTreeLimits(const xmlNode* root, const DocumentLimits& limits) {
    size_t elements = 0;
    // Iterative walk: the depth limit must hold even for hostile input.
    std::vector<std::pair<const xmlNode*, size_t>> stack{{root, 1}};
    while (!stack.empty()) {
        auto [node, depth] = stack.back();
        stack.pop_back();
        if (++elements > limits.max_elements) {
            return Status::InvalidArgument("document has more than " +
                                           std::to_string(limits.max_elements) + " elements");
        }
        if (depth > limits.max_depth) {
            return Status::InvalidArgument("document nests elements deeper than " +
                                           std::to_string(limits.max_depth) + " levels");
        }
        for (const xmlNode* c = node->children; c; c = c->next) {
            if (c->type == XML_ELEMENT_NODE) stack.emplace_back(c, depth + 1);
        }
    }
    return Status::Ok();
}

}  // namespace

Result<XmlDocument> XmlDocument::ParseSafely(std::string_view bytes, const DocumentLimits& limits) {
    if (bytes.size() > limits.max_bytes) {
        return Status::PayloadTooLarge("metadata document is " + std::to_string(bytes.size()) +
                                       " bytes; the limit is " + std::to_string(limits.max_bytes));
    }
    if (bytes.empty()) return Status::InvalidArgument("unable to parse metadata: empty document");
    std::unique_ptr<xmlParserCtxt, CtxtFree> ctxt(xmlNewParserCtxt());
    if (!ctxt) return Status::Internal("libxml2: cannot allocate a parser context");
    ParserState state;
    ctxt->_private = &state;
    ctxt->sax->internalSubset = &RefuseDoctype;
    ctxt->sax->externalSubset = &RefuseDoctype;
    ctxt->sax->serror = &SilentStructuredError;
    ctxt->sax->error = nullptr;
    ctxt->sax->warning = nullptr;
    // No NOENT (entities stay unexpanded), no DTDLOAD/DTDATTR/DTDVALID, no XINCLUDE.
    const int options = XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR;
    xmlDoc* doc = xmlCtxtReadMemory(ctxt.get(), bytes.data(), static_cast<int>(bytes.size()),
                                    "metadata.xml", nullptr, options);
    if (state.saw_doctype) {
        if (doc) xmlFreeDoc(doc);
        return Status::InvalidArgument(
            "unable to parse metadata: DOCTYPE declarations are not allowed (no DTDs, no "
            "entities)");
    }
    if (!doc || !ctxt->wellFormed) {
        if (doc) xmlFreeDoc(doc);
        const xmlError* err = xmlCtxtGetLastError(ctxt.get());
        std::string message =
            "unable to parse metadata: " + TrimMessage(err ? err->message : nullptr);
        if (err && err->line > 0) message += " (line " + std::to_string(err->line) + ")";
        return Status::InvalidArgument(message);
    }
    XmlDocument result(doc);
    if (!result.root()) return Status::InvalidArgument("unable to parse metadata: no root element");
    MKT_RETURN_IF_ERROR(CheckTreeLimits(result.root(), limits));
    return result;
}

std::string XmlDocument::Serialize() const {
    xmlChar* mem = nullptr;
    int size = 0;
    xmlDocDumpMemoryEnc(doc_.get(), &mem, &size, "UTF-8");
    std::string out(reinterpret_cast<const char*>(mem), static_cast<size_t>(size));
    xmlFree(mem);
    return out;
}

Result<XmlDocument> XmlDocument::Clone() const {
    xmlDoc* copy = xmlCopyDoc(doc_.get(), 1);
    if (!copy) return Status::Internal("libxml2: cannot copy document");
    return XmlDocument(copy);
}

bool IsElement(const xmlNode* node, const char* ns, const char* local_name) {
    if (!node || node->type != XML_ELEMENT_NODE) return false;
    if (xmlStrcmp(node->name, BAD_CAST local_name) != 0) return false;
    const char* node_ns = node->ns ? reinterpret_cast<const char*>(node->ns->href) : nullptr;
    if (!ns || !node_ns) return ns == node_ns;
    return xmlStrcmp(BAD_CAST node_ns, BAD_CAST ns) == 0;
}

std::vector<xmlNode*> ElementChildren(const xmlNode* node) {
    std::vector<xmlNode*> out;
    for (xmlNode* c = node ? node->children : nullptr; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) out.push_back(c);
    }
    return out;
}

std::string TextContent(const xmlNode* node) {
    xmlChar* content = xmlNodeGetContent(node);
    std::string out = content ? reinterpret_cast<const char*>(content) : "";
    xmlFree(content);
    return out;
}

std::optional<std::string> Attribute(const xmlNode* node, const char* ns, const char* name) {
    xmlChar* value =
        ns ? xmlGetNsProp(node, BAD_CAST name, BAD_CAST ns) : xmlGetNoNsProp(node, BAD_CAST name);
    if (!value) return std::nullopt;
    std::string out = reinterpret_cast<const char*>(value);
    xmlFree(value);
    return out;
}

}  // namespace mkt::xmlsec
