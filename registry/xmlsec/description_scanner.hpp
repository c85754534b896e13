// ScanDescription: the one pass over a metadata document's rdf:Description.
//
// It checks, in document order, the XSD rules of StratusLab's schemas that the
// original server never ran (reference/stratuslab-marketplace.md 2.2, 2.3) and
// reads every typed field on the way. StratusLab's own constraint checks run
// afterwards on the result, in their original order (metadata_parser.cpp), so a
// document breaking both gets the schema message first, as the original CLI
// validator (XSD, then constraints) reported it.
//
// Rules, each failing with kInvalidArgument and a message naming element and value:
//  - rdf:Description carries rdf:about = "#" + 27 identifier characters and no
//    other attribute but xml:lang.
//  - Order: [rdf:type] dcterms:identifier slreq:bytes slreq:checksum+
//    slreq:endorsement, each once (checksum once per algorithm but SHA-1, whose
//    count is a constraint). Relaxed from the XSD on one point: other elements
//    may sit between them, because the original server's own test documents
//    (marketplace-server/valid-alternative*.xml) put dcterms:alternative before
//    slreq:bytes and it accepted them.
//  - slreq:checksum = slreq:algorithm (MD5, SHA-1, SHA-256, SHA-512) then
//    slreq:value (hex, the digest's length; extra leading zeros allowed since the
//    SHA-1 is compared numerically). slreq:endorsement = dcterms:created (not
//    empty) then slreq:endorser = slreq:email (pattern) slreq:subject
//    slreq:issuer+ (not empty). Blocks carry exactly rdf:parseType="Resource"
//    (Raptor reads an unknown parseType as Literal, so this is checked here);
//    their leaves no attribute but xml:lang and rdf:datatype; no stray text.
//    Default-namespace spellings (`<created xmlns="http://purl.org/dc/terms/">`)
//    are the same elements.
//  - slreq:bytes and slterms:serial-number non-negative integers (uint64);
//    slterms:inbound-port / outbound-port 0..65535, slterms:icmp 0..255;
//    slterms:location an absolute URI (an empty one is ignored: the server's
//    valid-alternative-newid.xml has `<slterms:location/>`).
//  - Known single-valued text elements have no child elements (dcterms:type
//    excepted: that is a constraint); dcterms:valid and the top-level
//    dcterms:created appear at most once (they decide listing status).
//  - Anything else (extension namespaces, CIMI, accounts) is allowed unread.
// Where an element repeats, the typed field keeps the first occurrence.
#pragma once

#include <cstddef>
#include <string>

#include <libxml/tree.h>

#include "registry/entry.hpp"
#include "registry/result.hpp"

namespace mkt::xmlsec {

/// What the pass found: the typed fields, and the inputs of the constraint checks.
struct DescriptionScan {
    /// Every field except the three dates, which the constraint checks parse.
    EntryMetadata metadata;
    std::string about;  // rdf:about as written

    size_t type_count = 0;  // dcterms:type elements
    bool type_has_children = false;
    size_t sha1_count = 0;   // slreq:checksum blocks whose algorithm is SHA-1
    std::string sha1_value;  // the value of the first one
    size_t serial_number_count = 0, version_count = 0, deprecated_count = 0;
    size_t os_count = 0, os_arch_count = 0, os_version_count = 0;

    std::string valid;                // dcterms:valid, trimmed; empty when absent or empty
    std::string endorsement_created;  // slreq:endorsement/dcterms:created, trimmed, not empty
    std::string image_created;        // top-level dcterms:created, trimmed; empty when absent
};

/// Errors: kInvalidArgument for the first rule broken, in document order.
Result<DescriptionScan> ScanDescription(const xmlNode* description);

}  // namespace mkt::xmlsec
