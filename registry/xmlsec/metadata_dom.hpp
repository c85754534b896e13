// libxml2 tree helpers of the metadata parser (internal to metadata_parser.cpp
// and description_scanner.cpp): element and attribute names for messages, and
// the shape rules of the schema's blocks (slreq:checksum, slreq:endorsement,
// slreq:endorser) and of text-only elements. Every failure is kInvalidArgument
// with a message naming the element. Thread-safe on distinct trees.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <libxml/tree.h>

#include "registry/result.hpp"

namespace mkt::xmlsec {

/// The name of an element for messages: the conventional prefix of the
/// metadata namespaces (rdf, dcterms, slreq, slterms, ds, xml) whatever prefix
/// the document used (so `<created xmlns="http://purl.org/dc/terms/">` reads
/// "dcterms:created"), else the document's prefix, else the local name.
std::string ElementName(const xmlNode* node);
/// The same for an attribute ("rdf:parseType", "xml:base", "ex:badrdf").
std::string AttributeName(const xmlAttr* attr);

bool HasElementChild(const xmlNode* node);
/// True when `attr` has this namespace URI and local name.
bool IsAttribute(const xmlAttr* attr, const char* ns, const char* local_name);
std::string AttributeValue(const xmlAttr* attr);

/// The element's text, trimmed of XML white space.
/// Errors: "<element> cannot have child elements".
Result<std::string> LeafText(const xmlNode* node);

/// A leaf of a block: no attribute but xml:lang and rdf:datatype (a typed or
/// tagged literal), then as LeafText.
Result<std::string> BlockLeafText(const xmlNode* node);

/// A block: exactly the attribute rdf:parseType="Resource" (Raptor would read
/// any other parseType as a Literal), and no text outside its child elements.
Status CheckResourceBlock(const xmlNode* node);

/// One expected child element of a block.
struct Slot {
    const char* ns;
    const char* local_name;
    const char* name;  // for messages, e.g. "slreq:algorithm"
};

/// The element children of `block`, matched in order against `slots`, each
/// once, the last one any number of times (at least once) when `last_repeats`.
/// Errors name the block, the offending or missing element and the order.
Result<std::vector<const xmlNode*>> MatchSequence(const xmlNode* block, std::span<const Slot> slots,
                                                  bool last_repeats);

}  // namespace mkt::xmlsec
