// EntryTriples: the RDF triples of one stored entry, as the SPARQL graph holds them.
//
// As the original Marketplace indexed entries (reference 6.2): the document is
// parsed with its Signature removed (Raptor refuses XML-DSig inside rdf:RDF), and
// the description's subject `http://mp.stratuslab.eu/#<id>` becomes the entry's
// own subject `http://mp.stratuslab.eu/#<id>/<email>/<created>`, so the history
// of an image stays queryable entry by entry. Blank-node labels are made unique
// per entry (prefix "e<seq>x"). Terms come out encoded (triple_graph.hpp).
//
// Thread-safe: each call borrows its own raptor world.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "registry/entry.hpp"
#include "registry/redland/world.hpp"

namespace mkt::redland {

inline constexpr std::string_view kSltermsTag = "http://mp.stratuslab.eu/slterms#tag";
inline constexpr std::string_view kLatestValue = "latest";

struct EncodedTriple {
    std::string s, p, o;  // EncodeTerm keys
};

/// "http://mp.stratuslab.eu/#<identifier>/<email>/<created>".
std::string EntrySubjectUri(const EntryKey& key);

/// `document` without its XML-DSig Signature element. Stored documents passed
/// the upload checks, so the Signature (if any) is the last child of rdf:RDF:
/// the text from its start tag (`<Signature` or `<prefix:Signature`) to the last
/// matching end tag is removed. A document without one is returned unchanged.
std::string WithoutSignature(std::string_view document);

/// Appends the entry's triples to `out`. Errors: kInvalidArgument "entry <path>:
/// invalid RDF: ..." when Raptor refuses the document; kInternal from Raptor.
Status AppendEntryTriples(const World& world, const Entry& entry, std::vector<EncodedTriple>& out);

}  // namespace mkt::redland
