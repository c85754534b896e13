// RaptorRdfChecker: the RDF well-formedness step of the upload pipeline.
//
// Parses RDF/XML with Raptor's rdfxml parser against the Marketplace base URI
// (http://mp.stratuslab.eu/), as the original ran Sesame's RDF/XML parser on the
// document with its Signature removed (Raptor, like Sesame, refuses the XML-DSig
// Signature inside rdf:RDF, so the input is ParsedDocument::UnsignedXml()).
// No network and no file access: Raptor's NO_NET and NO_FILE options are set and
// external entities are not loaded. Every error and warning Raptor reports is
// captured (nothing is printed) and the first one fails the check.
//
// Thread-safe: each call borrows its own raptor world from the World and
// creates its own parser, so any number of threads may check at once.
#pragma once

#include <cstddef>
#include <string_view>

#include "registry/document.hpp"
#include "registry/redland/world.hpp"

namespace mkt::redland {

inline constexpr const char* kMarketplaceBaseUri = "http://mp.stratuslab.eu/";

class RaptorRdfChecker final : public RdfChecker {
  public:
    /// `world` must outlive the checker.
    explicit RaptorRdfChecker(const World& world) : world_(world) {}

    /// Errors: kInvalidArgument "invalid RDF: <Raptor's message> (line N)" (the
    /// line when Raptor knows it), or "invalid RDF: empty document";
    /// kInternal when Raptor cannot create a parser.
    Status Check(std::string_view rdf_xml) const override;

    /// The number of triples the document yields (as Raptor streams them, no
    /// duplicate removal). Errors: as Check.
    Result<size_t> CountTriples(std::string_view rdf_xml) const;

  private:
    const World& world_;
};

}  // namespace mkt::redland
