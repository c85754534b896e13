// The upload pipeline's three checks, as interfaces the Registry orchestrates:
//
//   DocumentParser    bytes -> ParsedDocument  (safe XML parse, structure, StratusLab
//                                                constraints, XSD rules, typed fields)
//   RdfChecker        unsigned RDF/XML -> ok    (RDF well-formedness, Redland)
//   SignatureVerifier ParsedDocument -> signer  (XML-DSig, signer binding, trust)
//
// A document is parsed once: the verifier works on the same tree the fields
// were read from, so what is checked is exactly what is signed (no parser
// differential, no signature wrapping). Implementations live in registry/xmlsec/
// and registry/redland/; the core sees only these types.
// Implementations must be safe to call from several threads at once.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "registry/entry.hpp"
#include "registry/result.hpp"

namespace mkt {

/// Resource limits applied before and during parsing. Defaults suit metadata
/// documents (a few KB); the original's largest real documents are under 10 KB.
struct DocumentLimits {
    size_t max_bytes = 1 << 20;   // whole document
    size_t max_depth = 32;        // element nesting
    size_t max_elements = 10000;  // element count
};

/// A parsed, constraint-checked document. Owned by the caller; not thread-safe
/// (use from one thread at a time). Concrete type belongs to the parser adapter.
class ParsedDocument {
  public:
    virtual ~ParsedDocument() = default;
    /// Typed fields; valid because the constraint checks passed.
    virtual const EntryMetadata& metadata() const = 0;
    /// True when the document carries an XML-DSig Signature element.
    virtual bool HasSignature() const = 0;
    /// The document serialized without its Signature element: the input of the
    /// RDF check (Raptor refuses the Signature inside rdf:RDF).
    virtual std::string UnsignedXml() const = 0;
};

class DocumentParser {
  public:
    virtual ~DocumentParser() = default;
    /// Errors: kPayloadTooLarge over max_bytes; kInvalidArgument for a DTD, an
    /// entity, limits, malformed XML ("unable to parse metadata: ..."), and every
    /// constraint with StratusLab's message.
    virtual Result<std::unique_ptr<ParsedDocument>> Parse(std::string_view bytes) const = 0;
};

class RdfChecker {
  public:
    virtual ~RdfChecker() = default;
    /// Errors: kInvalidArgument "invalid RDF: <parser message>".
    virtual Status Check(std::string_view rdf_xml) const = 0;
};

class SignatureVerifier {
  public:
    virtual ~SignatureVerifier() = default;
    /// Verifies `doc`'s enveloped signature (accepted profiles only), binds the
    /// certificate to the endorsement (subject, issuer, email) and, in strict
    /// mode, checks chain, validity dates and revocation at time `now`.
    /// Errors: kInvalidArgument (no/invalid signature, refused profile, subject or
    /// issuer mismatch); kPermissionDenied (untrusted, expired, revoked, unbound email).
    virtual Result<SignerInfo> Verify(const ParsedDocument& doc, Timestamp now) const = 0;
};

}  // namespace mkt
