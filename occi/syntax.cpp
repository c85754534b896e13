#include "occi/syntax.hpp"

#include <cctype>

#include "registry/text.hpp"

namespace mkt::occi {
namespace {

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// OCCI 1.2 term: ( ALPHA | DIGIT ) *( ALPHA | DIGIT | "-" | "_" | "." ).
bool IsTerm(std::string_view term) {
    if (term.empty() || !IsAlnum(term.front())) return false;
    for (char c : term) {
        if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') return false;
    }
    return true;
}

// OCCI 1.2 attribute name: same characters as a term (1.1's lowercase form is a subset).
bool IsAttributeName(std::string_view name) { return IsTerm(name); }

// Splits at `separator` outside quoted strings. Errors on an unterminated quote.
Result<std::vector<std::string>> SplitOutsideQuotes(std::string_view text, char separator) {
    std::vector<std::string> parts;
    std::string current;
    bool quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted && c == '\\' && i + 1 < text.size()) {
            current.push_back(c);
            current.push_back(text[++i]);
            continue;
        }
        if (c == '"') quoted = !quoted;
        if (c == separator && !quoted) {
            parts.push_back(std::move(current));
            current.clear();
            continue;
        }
        current.push_back(c);
    }
    if (quoted) {
        return Status::InvalidArgument("unterminated quoted string in '" + std::string(text) + "'");
    }
    parts.push_back(std::move(current));
    return parts;
}

// `"..."` -> its unescaped content. Errors when `text` is not exactly one quoted string.
Result<std::string> Unquote(std::string_view text) {
    if (text.size() < 2 || text.front() != '"' || text.back() != '"') {
        return Status::InvalidArgument("expected a quoted string, got '" + std::string(text) + "'");
    }
    std::string out;
    for (size_t i = 1; i + 1 < text.size(); ++i) {
        char c = text[i];
        if (c == '"') {
            return Status::InvalidArgument("unescaped '\"' inside " + std::string(text));
        }
        if (c == '\\') {
            if (i + 2 >= text.size()) {
                return Status::InvalidArgument("dangling '\\' at the end of " + std::string(text));
            }
            c = text[++i];
            c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
        }
        out.push_back(c);
    }
    return out;
}

// A parameter value: quoted string, or a token when `token_ok`.
Result<std::string> ParamValue(std::string_view name, std::string_view value, bool token_ok) {
    if (!value.empty() && value.front() == '"') return Unquote(value);
    if (token_ok && !value.empty()) return std::string(value);
    return Status::InvalidArgument(std::string(name) + " must be a quoted string, got '" +
                                   std::string(value) + "'");
}

// Splits `a=b` parameters (already separated at ';'); skips empty ones (trailing ';').
Result<std::vector<std::pair<std::string, std::string>>> Params(
    const std::vector<std::string>& parts, size_t first, std::string_view whole) {
    std::vector<std::pair<std::string, std::string>> out;
    for (size_t i = first; i < parts.size(); ++i) {
        const std::string_view part = text::TrimBlanks(parts[i]);
        if (part.empty()) continue;
        const size_t eq = part.find('=');
        if (eq == std::string_view::npos) {
            return Status::InvalidArgument("parameter '" + std::string(part) + "' has no '=' in '" +
                                           std::string(whole) + "'");
        }
        std::string name(text::TrimBlanks(part.substr(0, eq)));
        name = text::AsciiLower(name);
        out.emplace_back(std::move(name), std::string(text::TrimBlanks(part.substr(eq + 1))));
    }
    return out;
}

bool IsNumber(std::string_view v) {
    size_t i = (!v.empty() && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
    bool digits = false, dot = false;
    for (; i < v.size(); ++i) {
        if (std::isdigit(static_cast<unsigned char>(v[i]))) {
            digits = true;
        } else if (v[i] == '.' && !dot) {
            dot = true;
        } else if ((v[i] == 'e' || v[i] == 'E') && digits && i + 1 < v.size()) {
            return IsNumber(v.substr(i + 1)) && v.substr(i + 1).find('.') == std::string::npos;
        } else {
            return false;
        }
    }
    return digits;
}

Result<AttributeValue> ParseAttributeValue(std::string_view raw) {
    if (!raw.empty() && raw.front() == '"') {
        MKT_ASSIGN_OR_RETURN(std::string text, Unquote(raw));
        return AttributeValue{AttributeValue::Type::kString, std::move(text)};
    }
    if (raw == "true" || raw == "false")
        return AttributeValue{AttributeValue::Type::kBool, std::string(raw)};
    if (IsNumber(raw)) return AttributeValue{AttributeValue::Type::kNumber, std::string(raw)};
    return Status::InvalidArgument("attribute value '" + std::string(raw) +
                                   "' is neither a quoted string, a number nor true/false");
}

enum class Field { kCategory, kLink, kAttribute, kLocation, kOther };

Field FieldOf(std::string_view name, bool headers) {
    if (text::EqualsIgnoreCase(name, "Category") || text::EqualsIgnoreCase(name, "X-OCCI-Category"))
        return Field::kCategory;
    if (text::EqualsIgnoreCase(name, "Link") || text::EqualsIgnoreCase(name, "X-OCCI-Link"))
        return Field::kLink;
    if (text::EqualsIgnoreCase(name, "X-OCCI-Attribute")) return Field::kAttribute;
    if (text::EqualsIgnoreCase(name, "X-OCCI-Location")) return Field::kLocation;
    // text/occi answers of some servers carry `Location` for X-OCCI-Location; in a
    // request it is never an OCCI field.
    if (!headers && text::EqualsIgnoreCase(name, "Location")) return Field::kLocation;
    return Field::kOther;
}

Status AddField(Message& message, Field field, std::string_view value) {
    MKT_ASSIGN_OR_RETURN(std::vector<std::string> values, SplitValues(value));
    for (const std::string& v : values) {
        const std::string_view item = text::TrimBlanks(v);
        if (item.empty()) continue;
        switch (field) {
            case Field::kCategory: {
                MKT_ASSIGN_OR_RETURN(CategoryValue c, ParseCategory(item));
                message.categories.push_back(std::move(c));
                break;
            }
            case Field::kLink: {
                MKT_ASSIGN_OR_RETURN(LinkValue l, ParseLink(item));
                message.links.push_back(std::move(l));
                break;
            }
            case Field::kAttribute: {
                MKT_ASSIGN_OR_RETURN(Attribute a, ParseAttribute(item));
                message.attributes.push_back(std::move(a));
                break;
            }
            case Field::kLocation:
                message.locations.emplace_back(item);
                break;
            case Field::kOther:
                break;
        }
    }
    return Status::Ok();
}

}  // namespace

std::string Quote(std::string_view value) {
    std::string out;
    out.reserve(value.size() + 2);
    out.push_back('"');
    text::AppendBackslashEscaped(out, value);
    out.push_back('"');
    return out;
}

Result<std::vector<std::string>> SplitValues(std::string_view field) {
    return SplitOutsideQuotes(field, ',');
}

bool IsOcci11Term(std::string_view term) {
    if (term.empty() || term.front() < 'a' || term.front() > 'z') return false;
    for (char c : term) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

Result<CategoryValue> ParseCategory(std::string_view value) {
    MKT_ASSIGN_OR_RETURN(std::vector<std::string> parts, SplitOutsideQuotes(value, ';'));
    CategoryValue c;
    c.term = std::string(text::TrimBlanks(parts[0]));
    if (!IsTerm(c.term)) {
        return Status::InvalidArgument("Category '" + std::string(value) + "': term '" + c.term +
                                       "' is not a valid OCCI term");
    }
    MKT_ASSIGN_OR_RETURN(auto params, Params(parts, 1, value));
    for (const auto& [name, raw] : params) {
        auto fail = [&](const Status& s) { return s.WithPrefix("Category '" + c.term + "': "); };
        if (name == "class") {
            auto v = ParamValue(name, raw, true);
            if (!v.ok()) return fail(v.status());
            c.cls = *v;
            continue;
        }
        auto v = ParamValue(name, raw, false);
        if (!v.ok()) return fail(v.status());
        if (name == "scheme")
            c.scheme = *v;
        else if (name == "title")
            c.title = *v;
        else if (name == "rel")
            c.rel = *v;
        else if (name == "location")
            c.location = *v;
        else if (name == "attributes")
            c.attributes = *v;
        else if (name == "actions")
            c.actions = *v;
    }
    if (c.scheme.empty()) {
        return Status::InvalidArgument("Category '" + std::string(value) + "' has no scheme");
    }
    if (c.cls.empty()) {
        return Status::InvalidArgument("Category '" + std::string(value) + "' has no class");
    }
    if (c.cls != "kind" && c.cls != "mixin" && c.cls != "action") {
        return Status::InvalidArgument("Category '" + c.term + "': class '" + c.cls +
                                       "' is not kind, mixin or action");
    }
    return c;
}

Result<Attribute> ParseAttribute(std::string_view value) {
    const std::string_view item = text::TrimBlanks(value);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
        return Status::InvalidArgument("X-OCCI-Attribute '" + std::string(item) + "' has no '='");
    }
    Attribute a;
    a.name = std::string(text::TrimBlanks(item.substr(0, eq)));
    if (!IsAttributeName(a.name)) {
        return Status::InvalidArgument("X-OCCI-Attribute '" + std::string(item) + "': '" + a.name +
                                       "' is not a valid attribute name");
    }
    auto v = ParseAttributeValue(text::TrimBlanks(item.substr(eq + 1)));
    if (!v.ok()) return v.status().WithPrefix("X-OCCI-Attribute " + a.name + ": ");
    a.value = std::move(v).value();
    return a;
}

Result<LinkValue> ParseLink(std::string_view value) {
    MKT_ASSIGN_OR_RETURN(std::vector<std::string> parts, SplitOutsideQuotes(value, ';'));
    const std::string_view target = text::TrimBlanks(parts[0]);
    if (target.size() < 3 || target.front() != '<' || target.back() != '>') {
        return Status::InvalidArgument("Link '" + std::string(value) +
                                       "': the target must be written <URI>");
    }
    LinkValue link;
    link.target = std::string(target.substr(1, target.size() - 2));
    MKT_ASSIGN_OR_RETURN(auto params, Params(parts, 1, value));
    for (const auto& [name, raw] : params) {
        auto prefix = "Link <" + link.target + ">: ";
        if (name == "rel" || name == "self" || name == "category") {
            auto v = ParamValue(name, raw, name == "category");
            if (!v.ok()) return v.status().WithPrefix(prefix);
            if (name == "rel")
                link.rel = *v;
            else if (name == "self")
                link.self = *v;
            else
                link.category = *v;
            continue;
        }
        auto a = ParseAttribute(name + "=" + raw);
        if (!a.ok()) return a.status().WithPrefix(prefix);
        link.attributes.push_back(std::move(a).value());
    }
    if (link.rel.empty()) {
        return Status::InvalidArgument("Link '" + std::string(value) + "' has no rel");
    }
    return link;
}

Result<Message> ParseHeaders(const std::vector<std::pair<std::string, std::string>>& headers) {
    Message message;
    for (const auto& [name, value] : headers) {
        const Field field = FieldOf(name, true);
        if (field == Field::kOther) continue;
        MKT_RETURN_IF_ERROR(AddField(message, field, value));
    }
    return message;
}

Result<Message> ParseBody(std::string_view body) {
    Message message;
    size_t line_no = 0;
    for (size_t start = 0; start < body.size();) {
        size_t end = body.find('\n', start);
        if (end == std::string_view::npos) end = body.size();
        const std::string_view line = text::TrimBlanks(body.substr(start, end - start));
        start = end + 1;
        ++line_no;
        if (line.empty()) continue;
        const size_t colon = line.find(':');
        const Field field = colon == std::string_view::npos
                                ? Field::kOther
                                : FieldOf(text::TrimBlanks(line.substr(0, colon)), false);
        if (field == Field::kOther) {
            return Status::InvalidArgument("line " + std::to_string(line_no) + " ('" +
                                           std::string(line) +
                                           "') is not a Category, Link, X-OCCI-Attribute or "
                                           "X-OCCI-Location line");
        }
        MKT_RETURN_IF_ERROR(AddField(message, field, line.substr(colon + 1))
                                .WithPrefix("line " + std::to_string(line_no) + ": "));
    }
    return message;
}

}  // namespace mkt::occi
