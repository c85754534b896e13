// XmlMetadataParser: the DocumentParser of StratusLab RDF/XML metadata documents.
//
// Parse = XmlDocument::ParseSafely, then the structure and constraint checks of
// reference/stratuslab-marketplace.md section 5.1 with the original messages,
// plus the XSD rules the original server never ran (element order, slreq:bytes,
// the email pattern, port and icmp ranges, ...), then the typed EntryMetadata.
// The result keeps the libxml2 tree so XmldsigVerifier checks the very nodes the
// fields were read from. Thread-safe (no shared mutable state).
#pragma once

#include <memory>
#include <string>

#include "registry/document.hpp"
#include "registry/xmlsec/xml_document.hpp"

namespace mkt::xmlsec {

/// The ParsedDocument of this adapter: the tree plus the fields read from it.
class MetadataDocument final : public ParsedDocument {
  public:
    MetadataDocument(XmlDocument xml, EntryMetadata metadata, xmlNode* signature)
        : xml_(std::move(xml)), metadata_(std::move(metadata)), signature_(signature) {}

    const EntryMetadata& metadata() const override { return metadata_; }
    bool HasSignature() const override { return signature_ != nullptr; }
    std::string UnsignedXml() const override;

    const XmlDocument& xml() const { return xml_; }
    /// The ds:Signature element when it is the last element child of rdf:RDF
    /// (the only place it is accepted), else nullptr.
    xmlNode* signature() const { return signature_; }

  private:
    XmlDocument xml_;
    EntryMetadata metadata_;
    xmlNode* signature_;
};

class XmlMetadataParser final : public DocumentParser {
  public:
    explicit XmlMetadataParser(DocumentLimits limits = {}) : limits_(limits) {}
    Result<std::unique_ptr<ParsedDocument>> Parse(std::string_view bytes) const override;
    /// As Parse, with the concrete type (for the signer and the CLI).
    Result<std::unique_ptr<MetadataDocument>> ParseMetadata(std::string_view bytes) const;

  private:
    DocumentLimits limits_;
};

}  // namespace mkt::xmlsec
