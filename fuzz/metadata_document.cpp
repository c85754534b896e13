// The metadata parser (safe XML parse, structure, StratusLab constraints, typed
// fields) and the RDF/XML check of what it accepts: the first steps of every upload.
// Invariants: an accepted document has a valid identifier and endorsement; its
// unsigned serialization parses again to the same typed fields.
#include <memory>

#include "fuzz/fuzz_support.hpp"
#include "registry/identifier.hpp"
#include "registry/redland/rdfxml_checker.hpp"
#include "registry/redland/world.hpp"
#include "registry/xmlsec/library.hpp"
#include "registry/xmlsec/metadata_parser.hpp"

namespace {

struct Libraries {
    std::unique_ptr<mkt::redland::World> rdf = std::move(mkt::redland::World::Create().value());
    mkt::xmlsec::XmlSecLibrary xmlsec;
};

Libraries& Libs() {
    static Libraries* libraries = new Libraries();  // never destroyed: targets exit abruptly
    return *libraries;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Libraries& libs = Libs();
    const mkt::xmlsec::XmlMetadataParser parser;
    auto parsed = parser.Parse(mkt::fuzz::AsText(data, size));
    if (!parsed.ok()) {
        FUZZ_CHECK(!parsed.status().message().empty());
        return 0;
    }
    const mkt::EntryMetadata& m = (*parsed)->metadata();
    FUZZ_CHECK(mkt::identifier::IsValid(m.identifier));
    FUZZ_CHECK(!m.endorsement.email.empty());
    const std::string unsigned_xml = (*parsed)->UnsignedXml();
    auto again = parser.Parse(unsigned_xml);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK((*again)->metadata().identifier == m.identifier);
    FUZZ_CHECK((*again)->metadata().endorsement.created == m.endorsement.created);
    FUZZ_CHECK(!(*again)->HasSignature());
    const mkt::redland::RaptorRdfChecker rdf(*libs.rdf);
    const mkt::Status checked = rdf.Check(unsigned_xml);
    FUZZ_CHECK(checked.ok() || !checked.message().empty());
    return 0;
}
