// CIMI `$filter` (DSP0263 4.1.6.1): parser and evaluator, with no HTTP and no
// store in sight (cimi/image_query.hpp pushes what it can down to the store).
//
// Grammar (reference cimi.md 3.1), keywords and literals case-sensitive,
// whitespace allowed around every token:
//   filter  = and-expr *( "or" and-expr )           ; and binds tighter than or
//   and-expr = comp *( "and" comp )
//   comp    = attribute op value / value op attribute / "(" filter ")"
//           / "property[" string "]" op string
//   op      = "=" / "!=" / "<" / "<=" / ">" / ">="
//   attribute = name *( "/" name ), name = ALPHA *( ALPHA / DIGIT / "_" )
//   value   = int / date / string / "true" / "false"
// Strings are quoted with ' or " and a backslash escapes the next character.
// Dates are unquoted: yyyy-mm-dd, or with "Thh:mm:ss[.fraction]" and a zone
// ("Z" or +hh:mm / -hh:mm); a date-only literal is 00:00:00Z of that day.
//
// Why a hand-written recursive-descent parser: it is deterministic and linear
// in the input (SlipStream's ambiguous grammar went exponential, issue #810);
// input length, term count and nesting depth are bounded (the k* limits below),
// so a hostile filter costs at most a few microseconds per byte.
//
// Errors: Parse returns kInvalidArgument "invalid CIMI filter: <reason> at
// column N" for every syntax error and limit.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "registry/result.hpp"

namespace mkt::cimi {

inline constexpr size_t kMaxFilterLength = 4096;  // bytes of one $filter value
inline constexpr size_t kMaxFilterTerms = 128;    // comparisons, all $filter values together
inline constexpr size_t kMaxFilterDepth = 16;     // nested parentheses

/// An instant with sub-second precision, normalised to UTC.
struct DateTime {
    int64_t seconds = 0;  // Unix time
    int32_t nanos = 0;    // 0..999,999,999
    friend auto operator<=>(const DateTime&, const DateTime&) = default;
};

/// Parses a CIMI date literal (see the grammar above). Errors: kInvalidArgument.
Result<DateTime> ParseDateLiteral(std::string_view text);

/// A literal of the filter, or the value of a resource attribute.
using Value = std::variant<std::string, DateTime, int64_t, bool>;

enum class Op { kEq, kNe, kLt, kLe, kGt, kGe };
std::string_view OpText(Op op);

/// `attribute op literal` with the attribute on the left: a reversed
/// comparison (`3<a`) is stored flipped (`a>3`). For `property['k']` the
/// attribute is empty and `property` holds k.
struct Comparison {
    std::string attribute;  // "state", "relatedImage/href"
    std::optional<std::string> property;
    Op op = Op::kEq;
    Value literal;
};

struct Node {
    enum class Kind { kOr, kAnd, kComparison };
    Kind kind = Kind::kComparison;
    std::vector<Node> children;  // kOr / kAnd: two or more
    Comparison comparison;       // kComparison
};

/// What a filter is evaluated against: one resource of a collection.
class FilterTarget {
  public:
    virtual ~FilterTarget() = default;
    /// The attribute at `path`, or nullopt when the resource has none.
    virtual std::optional<Value> Attribute(std::string_view path) const = 0;
    /// The value of `properties[key]`, or nullopt when absent.
    virtual std::optional<std::string_view> Property(std::string_view key) const = 0;
    /// True when comparisons of `properties[key]` ignore ASCII case on both
    /// sides (the value shown stays as it is); default: case-sensitive, as CIMI.
    virtual bool PropertyIgnoresCase(std::string_view) const { return false; }
};

/// The declared type of each attribute a collection knows; nullopt = unknown
/// name (it then behaves as a missing attribute: `=` false, `!=` true,
/// relational false).
using AttributeTypeOf = std::optional<Value> (*)(std::string_view path);

class Filter {
  public:
    /// Errors: kInvalidArgument "invalid CIMI filter: ..." (syntax, limits).
    static Result<Filter> Parse(std::string_view text);
    /// The AND of several filters (repeated `$filter` parameters); at least one.
    /// Errors: kInvalidArgument when the term limit is exceeded together.
    static Result<Filter> AllOf(std::vector<Filter> filters);

    /// Checks literals against the attribute types (`types` returns a value of
    /// the attribute's type): a quoted string compared with a date attribute must
    /// be a date literal and is converted; any other mismatch, and a relational
    /// operator on a boolean, is kInvalidArgument naming the attribute.
    Status Bind(AttributeTypeOf types);

    /// True when the resource satisfies the filter. Missing attributes and
    /// properties: `=` false, `!=` true, relational false. Strings compare
    /// case-sensitively by code point, dates chronologically, ints numerically.
    bool Matches(const FilterTarget& target) const;

    const Node& root() const { return root_; }
    size_t terms() const { return terms_; }

  private:
    Filter(Node root, size_t terms) : root_(std::move(root)), terms_(terms) {}
    Node root_;
    size_t terms_ = 0;
};

/// True when `node` or a descendant compares `attribute` (or property `key`).
bool Mentions(const Node& node, std::string_view attribute, std::string_view property_key);

}  // namespace mkt::cimi
