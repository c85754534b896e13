// XmlDocument: an owned libxml2 tree, parsed with the safety rules every
// metadata document goes through (this folder is libxml2's and xmlsec's home).
//
// ParseSafely refuses what an attacker could use against the parser or the
// signature check: any DOCTYPE (so no DTD, no entity declarations, no external
// entities; the parser stops at the DOCTYPE token), network access, documents
// over the size, depth or element limits. Whitespace is preserved, because it is
// signed. Movable, not copyable; use from one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <libxml/tree.h>

#include "registry/document.hpp"
#include "registry/result.hpp"

namespace mkt::xmlsec {

inline constexpr const char* kRdfNs = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
inline constexpr const char* kDctermsNs = "http://purl.org/dc/terms/";
inline constexpr const char* kSlreqNs = "http://mp.stratuslab.eu/slreq#";
inline constexpr const char* kSltermsNs = "http://mp.stratuslab.eu/slterms#";
inline constexpr const char* kDsigNs = "http://www.w3.org/2000/09/xmldsig#";
inline constexpr const char* kXmlNs = "http://www.w3.org/XML/1998/namespace";
inline constexpr const char* kMarketplaceBase = "http://mp.stratuslab.eu/";

class XmlDocument {
  public:
    /// Errors: kPayloadTooLarge over limits.max_bytes; kInvalidArgument
    /// "unable to parse metadata: <libxml2 message> (line N)" for malformed XML,
    /// "DOCTYPE declarations are not allowed" for any DTD, and the depth and
    /// element-count limits.
    static Result<XmlDocument> ParseSafely(std::string_view bytes, const DocumentLimits& limits);

    XmlDocument(XmlDocument&&) noexcept = default;
    XmlDocument& operator=(XmlDocument&&) noexcept = default;

    xmlDoc* get() const { return doc_.get(); }
    xmlNode* root() const { return xmlDocGetRootElement(doc_.get()); }

    /// Serializes the tree (UTF-8, with an XML declaration, no reformatting).
    std::string Serialize() const;
    /// A deep copy (e.g. to remove the Signature without touching this tree).
    Result<XmlDocument> Clone() const;

  private:
    struct DocFree {
        void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
    };
    explicit XmlDocument(xmlDoc* doc) : doc_(doc) {}
    std::unique_ptr<xmlDoc, DocFree> doc_;
};

// Small DOM helpers shared by the parser, verifier and signer.

/// True when `node` is an element with this namespace URI and local name.
bool IsElement(const xmlNode* node, const char* ns, const char* local_name);
/// Element children of `node` in document order.
std::vector<xmlNode*> ElementChildren(const xmlNode* node);
/// Concatenated text content of `node` (all descendants), as libxml2's xmlNodeGetContent.
std::string TextContent(const xmlNode* node);
/// Value of attribute `name` in namespace `ns` (nullptr: no namespace), if present.
std::optional<std::string> Attribute(const xmlNode* node, const char* ns, const char* name);

}  // namespace mkt::xmlsec
