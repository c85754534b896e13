// The UNSIGNED StratusLab RDF/XML metadata document of an image, built from
// typed fields: what `marketplace build` writes and `marketplace sign` signs
// (reference/stratuslab-marketplace.md 2.2-2.3, docs/metadata.md).
//
// Layout: rdf:RDF with the four namespaces and xml:base="http://mp.stratuslab.eu/",
// one rdf:Description rdf:about="#<identifier>" holding, in the order the parser
// requires, dcterms:identifier, slreq:bytes, the slreq:checksum blocks, an EMPTY
// slreq:endorsement (the signer fills it), then the descriptive elements in the
// order of StratusLab's builder template: dcterms:type, slterms:kind, slterms:os,
// slterms:os-version, slterms:os-arch, slterms:version, dcterms:compression,
// slterms:location..., dcterms:format, dcterms:creator, dcterms:created,
// dcterms:valid, dcterms:title, dcterms:alternative, dcterms:description,
// slterms:hypervisor, slterms:disks-bus, then slterms:serial-number, the ports and
// ICMP types, dcterms:replaces, dcterms:isReplacedBy, dcterms:isVersionOf,
// slterms:deprecated and dcterms:publisher. Empty optional text fields are left
// out. Text is XML-escaped (& < > and CR, so what the parser reads back is what
// was given, surrounding white space aside: the parser trims it).
//
// A document this builder returns, once signed, passes XmlMetadataParser and the
// RDF check: every rule they apply to these fields is checked here first.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "registry/entry.hpp"
#include "registry/result.hpp"

namespace mkt::mappers {

/// Checks the descriptive fields (everything but identifier, bytes, checksums
/// and the endorsement, which is ignored): dcterms:type is not empty; text is
/// valid UTF-8 made of characters XML 1.0 allows; each slterms:location is an
/// absolute URI; ports are 0..65535 and ICMP types 0..255; dcterms:replaces,
/// isReplacedBy and isVersionOf are image identifiers when given.
/// Errors: kInvalidArgument naming the element and the value, e.g.
/// "slterms:location value (images/x.img) is not an absolute URI".
Status CheckDocumentFields(const EntryMetadata& fields);

/// The document (UTF-8, with an XML declaration). The identifier is computed
/// from the SHA-1 checksum; `fields.identifier`, when not empty, must equal it.
/// Errors: kInvalidArgument for CheckDocumentFields' reasons and: no SHA-1
/// checksum, an algorithm given twice or outside MD5, SHA-1, SHA-256, SHA-512, a
/// value that is not the algorithm's number of hexadecimal digits, an identifier
/// that does not match the SHA-1.
Result<std::string> BuildUnsignedDocument(const EntryMetadata& fields);

/// An absolute URI as slterms:location needs it (the parser's rule): a scheme
/// (ALPHA *(ALPHA / DIGIT / "+" / "-" / ".")), ":", at least one more
/// character, no white space, control characters or <>"{}|\^`.
bool IsAbsoluteUri(std::string_view text);

}  // namespace mkt::mappers
