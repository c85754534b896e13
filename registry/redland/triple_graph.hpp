// TripleGraph: an in-memory RDF graph as dictionary-encoded triples with three
// sorted indexes (SPO, POS, OSP), the store behind the SPARQL endpoint.
//
// Why not Redland's own storage: its in-memory `hashes` storage grew past 11 GB
// and failed at 100,000 entries (2.9 million triples), while here a triple costs
// 36 bytes of index plus its share of the term dictionary. Every triple pattern
// (any combination of bound positions) is answered by a binary search for a
// prefix of one of the three orders, so a join evaluated as nested loops costs a
// logarithmic lookup per outer row.
//
// Terms are encoded as strings (see EncodeTerm) and interned once; ids are dense
// and never reused. New triples go to a small sorted delta merged into the base
// when it grows, so single uploads cost microseconds, bulk loads one sort.
//
// Not thread-safe: EntryGraph serialises writers against readers.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mkt::redland {

using TermId = uint32_t;

/// An RDF term as results show it.
struct RdfTerm {
    enum class Kind : uint8_t { kUri, kBlank, kLiteral };
    Kind kind = Kind::kUri;
    std::string value;     // URI, blank node label or lexical form
    std::string language;  // literals only; lower-case as parsed
    std::string datatype;  // literals only; empty for plain (and xsd:string) literals
    friend bool operator==(const RdfTerm&, const RdfTerm&) = default;
};

inline constexpr std::string_view kXsdString = "http://www.w3.org/2001/XMLSchema#string";

/// The dictionary key of a term: 'U' + uri, 'B' + label, 'L' + lexical + '\x01' +
/// language, 'D' + lexical + '\x01' + datatype. xsd:string literals are encoded as
/// plain ones (RDF 1.1: the same term).
std::string EncodeTerm(const RdfTerm& term);
RdfTerm DecodeTerm(std::string_view key);

struct Triple {
    TermId s = 0, p = 0, o = 0;
    friend bool operator==(const Triple&, const Triple&) = default;
};

/// A triple pattern: unset positions match anything.
struct TriplePattern {
    std::optional<TermId> s, p, o;
};

class TripleGraph {
  public:
    TripleGraph();
    ~TripleGraph();
    TripleGraph(const TripleGraph&) = delete;
    TripleGraph& operator=(const TripleGraph&) = delete;

    /// The id of `key`, adding it to the dictionary when new.
    TermId Intern(std::string_view key);
    /// The id of `key` if the dictionary has it.
    std::optional<TermId> Find(std::string_view key) const;
    /// The key of an interned id (valid while the graph lives).
    std::string_view Key(TermId id) const { return keys_[id]; }
    size_t TermCount() const { return keys_.size(); }

    /// Adds a triple; a triple already present is ignored (a graph is a set).
    void Add(const Triple& triple);
    /// Appends without ordering or duplicate checks; call Seal() before matching.
    void AddUnsorted(const Triple& triple);
    /// Sorts and deduplicates everything added with AddUnsorted.
    void Seal();
    /// Removes a triple if present.
    void Remove(const Triple& triple);
    bool Contains(const Triple& triple) const;
    size_t TripleCount() const;

    /// Index order used to answer a pattern; keys are stored permuted.
    enum class Order : uint8_t { kSpo, kPos, kOsp };
    using Key3 = std::array<TermId, 3>;

    /// The matches of a pattern: up to two contiguous ranges (base and delta),
    /// permuted in `order`. Valid until the graph is next modified.
    struct Matches {
        Order order = Order::kSpo;
        const Key3* ranges[2][2] = {{nullptr, nullptr}, {nullptr, nullptr}};
        size_t Count() const {
            return static_cast<size_t>((ranges[0][1] - ranges[0][0]) +
                                       (ranges[1][1] - ranges[1][0]));
        }
    };
    Matches Match(const TriplePattern& pattern) const;
    static Triple Unpermute(Order order, const Key3& key);

    /// Approximate heap bytes of indexes and dictionary (for metrics and tests).
    size_t MemoryBytes() const;

  private:
    struct Index {
        std::vector<Key3> base, delta;
    };
    static Key3 Permute(Order order, const Triple& t);
    void MergeDeltas();
    std::string_view Store(std::string_view key);

    std::array<Index, 3> indexes_;
    std::vector<std::unique_ptr<char[]>> arena_;  // term bytes; never moved
    size_t arena_used_ = 0, arena_size_ = 0;
    std::vector<std::string_view> keys_;  // id -> key (into arena_)
    std::unordered_map<std::string_view, TermId> ids_;
};

}  // namespace mkt::redland
