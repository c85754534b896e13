// OCCI text syntax (GFD.185 / GFD.229): the Category, Link, X-OCCI-Attribute and
// X-OCCI-Location values of the text/plain body and the text/occi headers.
//
// Protocol only: no HTTP library, no domain. The server parses request filters
// and query-interface writes with it; `marketplace occi-link` parses a resource
// provider's answers with it; the renderers (mappers/occi_render) quote with it.
//
// Accepted variants (reference occi.md section 3.2): repeated lines/headers and
// comma-separated values (a comma inside a quoted string never splits), `\"` and
// `\\` escapes, a trailing ';', spaces or none after ';', unquoted `class`,
// header names in any case, the X-OCCI-Category / X-OCCI-Link aliases, booleans
// quoted or not. Malformed input is kInvalidArgument with a message naming the
// value, which the front-end answers with 400.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/result.hpp"

namespace mkt::occi {

/// `"value"` with `"` and `\` escaped and CR, LF, TAB written as \r, \n, \t
/// (rOCCI's rendering), so a value always stays on one line.
std::string Quote(std::string_view value);

/// Splits a field value at the commas that are outside quoted strings.
/// Errors: kInvalidArgument for an unterminated quoted string.
Result<std::vector<std::string>> SplitValues(std::string_view field);

/// One Category value: `term; scheme="..."; class="kind|mixin|action"[; title=...]...`.
struct CategoryValue {
    std::string term, scheme, cls;
    std::optional<std::string> title, rel, location, attributes, actions;
    std::string TypeId() const { return scheme + term; }
};

/// Errors: kInvalidArgument for a missing or invalid term (OCCI 1.2 grammar),
/// a missing scheme or class, a class other than kind/mixin/action, a bad quote.
Result<CategoryValue> ParseCategory(std::string_view value);

/// An attribute value as written: a quoted string (unescaped here), a number or a
/// boolean (kept as the literal text).
struct AttributeValue {
    enum class Type { kString, kNumber, kBool };
    Type type = Type::kString;
    std::string text;
    friend bool operator==(const AttributeValue&, const AttributeValue&) = default;
};

struct Attribute {
    std::string name;
    AttributeValue value;
};

/// `name=value`. Errors: kInvalidArgument for an invalid name, a missing '=', or a
/// value that is neither a quoted string, a number nor true/false.
Result<Attribute> ParseAttribute(std::string_view value);

/// One Link value: `<target>; rel="..."[; self="..."][; category="..."][; name=value]...`.
struct LinkValue {
    std::string target, rel;
    std::optional<std::string> self, category;
    std::vector<Attribute> attributes;
};

/// Errors: kInvalidArgument for a target not in <...>, a missing rel, a bad parameter.
Result<LinkValue> ParseLink(std::string_view value);

/// Everything an OCCI text message carries.
struct Message {
    std::vector<CategoryValue> categories;
    std::vector<LinkValue> links;
    std::vector<Attribute> attributes;
    std::vector<std::string> locations;  // X-OCCI-Location values (and `Location` in text/occi)
    bool empty() const {
        return categories.empty() && links.empty() && attributes.empty() && locations.empty();
    }
};

/// The OCCI fields among `headers` (text/occi); other headers are ignored.
Result<Message> ParseHeaders(const std::vector<std::pair<std::string, std::string>>& headers);

/// A text/plain body: one `Name: value` per line, blank lines ignored.
/// Errors: kInvalidArgument for a line without ':' or with a name that is not an
/// OCCI field, naming the line.
Result<Message> ParseBody(std::string_view body);

/// True for a term valid under the OCCI 1.1 grammar: a lowercase letter, then
/// lowercase letters, digits, '-' and '_'.
bool IsOcci11Term(std::string_view term);

}  // namespace mkt::occi
