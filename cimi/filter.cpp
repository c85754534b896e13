#include "cimi/filter.hpp"

#include <charconv>

#include "registry/text.hpp"

namespace mkt::cimi {
namespace {

constexpr std::string_view kPrefix = "invalid CIMI filter: ";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsNameChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '_'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// ------------------------------------------------------------------ dates

int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {  // H. Hinnant's algorithm
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int DaysInMonth(int64_t y, int64_t m) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : kDays[m - 1];
}

// Reads 1+ digits at text[pos] into `out` (at most 9 digits). False when none.
bool ReadNumber(std::string_view text, size_t& pos, int64_t& out, size_t max_digits = 9) {
    const size_t start = pos;
    out = 0;
    while (pos < text.size() && IsDigit(text[pos])) {
        if (pos - start == max_digits) return false;
        out = out * 10 + (text[pos++] - '0');
    }
    return pos > start;
}

bool Expect(std::string_view text, size_t& pos, char c) {
    if (pos >= text.size() || text[pos] != c) return false;
    ++pos;
    return true;
}

std::optional<DateTime> ParseDate(std::string_view text) {
    size_t pos = 0;
    int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (!ReadNumber(text, pos, y, 4) || !Expect(text, pos, '-') || !ReadNumber(text, pos, mo, 2) ||
        !Expect(text, pos, '-') || !ReadNumber(text, pos, d, 2)) {
        return std::nullopt;
    }
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo)) return std::nullopt;
    DateTime out;
    int64_t offset_minutes = 0;
    if (pos < text.size()) {
        if (!Expect(text, pos, 'T') || !ReadNumber(text, pos, h, 2) || !Expect(text, pos, ':') ||
            !ReadNumber(text, pos, mi, 2) || !Expect(text, pos, ':') ||
            !ReadNumber(text, pos, s, 2)) {
            return std::nullopt;
        }
        if (h > 23 || mi > 59 || s > 59) return std::nullopt;
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            const size_t start = pos;
            while (pos < text.size() && IsDigit(text[pos])) {
                if (pos - start < 9) out.nanos = out.nanos * 10 + (text[pos] - '0');
                ++pos;
            }
            if (pos == start) return std::nullopt;
            for (size_t n = std::min<size_t>(pos - start, 9); n < 9; ++n) out.nanos *= 10;
        }
        if (pos >= text.size()) return std::nullopt;  // a time needs a zone
        if (text[pos] == 'Z') {
            ++pos;
        } else if (text[pos] == '+' || text[pos] == '-') {
            const int64_t sign = text[pos++] == '+' ? 1 : -1;
            int64_t oh = 0, om = 0;
            if (!ReadNumber(text, pos, oh, 2) || !Expect(text, pos, ':') ||
                !ReadNumber(text, pos, om, 2) || oh > 23 || om > 59) {
                return std::nullopt;
            }
            offset_minutes = sign * (oh * 60 + om);
        } else {
            return std::nullopt;
        }
        if (pos != text.size()) return std::nullopt;
    }
    out.seconds = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset_minutes * 60;
    return out;
}

// ------------------------------------------------------------------ tokens

struct Token {
    enum class Kind { kEnd, kLParen, kRParen, kOp, kAnd, kOr, kName, kProperty, kValue };
    Kind kind = Kind::kEnd;
    size_t column = 0;  // 1-based
    Op op = Op::kEq;
    std::string text;  // kName: the path; kProperty: the key
    Value value;       // kValue
};

class Lexer {
  public:
    explicit Lexer(std::string_view text) : text_(text) {}

    Result<Token> Next() {
        while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
        Token t;
        t.column = pos_ + 1;
        if (pos_ >= text_.size()) return t;
        const char c = text_[pos_];
        if (c == '(' || c == ')') {
            ++pos_;
            t.kind = c == '(' ? Token::Kind::kLParen : Token::Kind::kRParen;
            return t;
        }
        if (c == '=' || c == '!' || c == '<' || c == '>') return LexOp(t);
        if (c == '\'' || c == '"') {
            MKT_ASSIGN_OR_RETURN(std::string s, LexString());
            t.kind = Token::Kind::kValue;
            t.value = std::move(s);
            return t;
        }
        if (IsDigit(c)) return LexNumberOrDate(t);
        if (IsAlpha(c)) return LexWord(t);
        return Error(std::string("unexpected character '") + c + "'", t.column);
    }

    static Status Error(const std::string& what, size_t column) {
        return Status::InvalidArgument(std::string(kPrefix) + what + " at column " +
                                       std::to_string(column));
    }

  private:
    Result<Token> LexOp(Token& t) {
        const char c = text_[pos_++];
        const bool eq_follows = pos_ < text_.size() && text_[pos_] == '=';
        t.kind = Token::Kind::kOp;
        if (c == '=') {
            t.op = Op::kEq;
        } else if (c == '!') {
            if (!eq_follows) return Error("'!' must be followed by '='", t.column);
            t.op = Op::kNe;
        } else {
            t.op = c == '<' ? (eq_follows ? Op::kLe : Op::kLt) : (eq_follows ? Op::kGe : Op::kGt);
        }
        if (c != '=' && eq_follows) ++pos_;
        return t;
    }

    Result<std::string> LexString() {
        const size_t column = pos_ + 1;
        const char quote = text_[pos_++];
        std::string out;
        while (pos_ < text_.size()) {
            const char c = text_[pos_++];
            if (c == quote) return out;
            if (c == '\\') {
                if (pos_ >= text_.size()) break;
                out.push_back(text_[pos_++]);
            } else {
                out.push_back(c);
            }
        }
        return Error("unterminated string", column);
    }

    Result<Token> LexNumberOrDate(Token& t) {
        const size_t start = pos_;
        while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
        t.kind = Token::Kind::kValue;
        if (pos_ < text_.size() && text_[pos_] == '-') {
            static constexpr std::string_view kDateChars = "0123456789-:.TZ+";
            while (pos_ < text_.size() && kDateChars.find(text_[pos_]) != std::string_view::npos)
                ++pos_;
            const std::string_view literal = text_.substr(start, pos_ - start);
            auto date = ParseDate(literal);
            if (!date || (pos_ < text_.size() && IsNameChar(text_[pos_]))) {
                return Error("invalid date '" + std::string(literal) + "'", t.column);
            }
            t.value = *date;
            return t;
        }
        if (pos_ < text_.size() && (IsNameChar(text_[pos_]) || text_[pos_] == '.')) {
            return Error("invalid number '" + std::string(text_.substr(start, pos_ + 1 - start)) +
                             "' (integers only)",
                         t.column);
        }
        int64_t value = 0;
        auto [ptr, ec] = std::from_chars(text_.data() + start, text_.data() + pos_, value);
        if (ec != std::errc()) {
            return Error(
                "integer out of range '" + std::string(text_.substr(start, pos_ - start)) + "'",
                t.column);
        }
        t.value = value;
        return t;
    }

    Result<Token> LexWord(Token& t) {
        const size_t start = pos_;
        while (true) {
            while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
            if (pos_ < text_.size() && text_[pos_] == '/') {
                if (pos_ + 1 >= text_.size() || !IsAlpha(text_[pos_ + 1])) {
                    return Error("an attribute path needs a name after '/'", pos_ + 1);
                }
                ++pos_;
                continue;
            }
            break;
        }
        const std::string_view word = text_.substr(start, pos_ - start);
        if (word == "and" || word == "or") {
            t.kind = word == "and" ? Token::Kind::kAnd : Token::Kind::kOr;
        } else if (word == "true" || word == "false") {
            t.kind = Token::Kind::kValue;
            t.value = word == "true";
        } else if ((word == "property" || word == "properties") && pos_ < text_.size() &&
                   text_[pos_] == '[') {
            return LexPropertyKey(t);
        } else {
            t.kind = Token::Kind::kName;
            t.text = std::string(word);
        }
        return t;
    }

    // After "property": "[" string "]".
    Result<Token> LexPropertyKey(Token& t) {
        ++pos_;  // '['
        while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
        if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) {
            return Error("property[...] needs a quoted key, e.g. property['os']", pos_ + 1);
        }
        MKT_ASSIGN_OR_RETURN(t.text, LexString());
        while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
        if (pos_ >= text_.size() || text_[pos_] != ']') {
            return Error("expected ']' after the property key", pos_ + 1);
        }
        ++pos_;
        t.kind = Token::Kind::kProperty;
        return t;
    }

    std::string_view text_;
    size_t pos_ = 0;
};

// ------------------------------------------------------------------ parser

std::string Describe(const Token& t) {
    switch (t.kind) {
        case Token::Kind::kEnd:
            return "the end";
        case Token::Kind::kLParen:
            return "'('";
        case Token::Kind::kRParen:
            return "')'";
        case Token::Kind::kOp:
            return "'" + std::string(OpText(t.op)) + "'";
        case Token::Kind::kAnd:
            return "'and'";
        case Token::Kind::kOr:
            return "'or'";
        case Token::Kind::kName:
            return "'" + t.text + "'";
        case Token::Kind::kProperty:
            return "property['" + t.text + "']";
        case Token::Kind::kValue:
            return "a value";
    }
    return "?";
}

Op Flip(Op op) {
    switch (op) {
        case Op::kLt:
            return Op::kGt;
        case Op::kLe:
            return Op::kGe;
        case Op::kGt:
            return Op::kLt;
        case Op::kGe:
            return Op::kLe;
        default:
            return op;
    }
}

class Parser {
  public:
    explicit Parser(std::string_view text) : lexer_(text) {}

    Node TakeRoot() { return std::move(root_); }
    size_t terms() const { return terms_; }

    Status Parse() {
        MKT_RETURN_IF_ERROR(Advance());
        if (current_.kind == Token::Kind::kEnd) return Lexer::Error("empty filter", 1);
        MKT_ASSIGN_OR_RETURN(root_, ParseOr());
        if (current_.kind != Token::Kind::kEnd) {
            return Lexer::Error("expected 'and', 'or' or the end, found " + Describe(current_),
                                current_.column);
        }
        return Status::Ok();
    }

  private:
    Status Advance() {
        MKT_ASSIGN_OR_RETURN(current_, lexer_.Next());
        return Status::Ok();
    }

    Result<Node> ParseChain(Token::Kind separator, Node::Kind kind) {
        Node first;
        if (kind == Node::Kind::kOr) {
            MKT_ASSIGN_OR_RETURN(first, ParseChain(Token::Kind::kAnd, Node::Kind::kAnd));
        } else {
            MKT_ASSIGN_OR_RETURN(first, ParseComparison());
        }
        if (current_.kind != separator) return first;
        Node chain;
        chain.kind = kind;
        chain.children.push_back(std::move(first));
        while (current_.kind == separator) {
            MKT_RETURN_IF_ERROR(Advance());
            Node next;
            if (kind == Node::Kind::kOr) {
                MKT_ASSIGN_OR_RETURN(next, ParseChain(Token::Kind::kAnd, Node::Kind::kAnd));
            } else {
                MKT_ASSIGN_OR_RETURN(next, ParseComparison());
            }
            chain.children.push_back(std::move(next));
        }
        return chain;
    }

    Result<Node> ParseOr() { return ParseChain(Token::Kind::kOr, Node::Kind::kOr); }

    Result<Node> ParseComparison() {
        if (current_.kind == Token::Kind::kLParen) {
            if (++depth_ > kMaxFilterDepth) {
                return Lexer::Error(
                    "parentheses nested deeper than " + std::to_string(kMaxFilterDepth),
                    current_.column);
            }
            MKT_RETURN_IF_ERROR(Advance());
            MKT_ASSIGN_OR_RETURN(Node inner, ParseOr());
            if (current_.kind != Token::Kind::kRParen) {
                return Lexer::Error("expected ')', found " + Describe(current_), current_.column);
            }
            --depth_;
            MKT_RETURN_IF_ERROR(Advance());
            return inner;
        }
        if (++terms_ > kMaxFilterTerms) {
            return Lexer::Error("more than " + std::to_string(kMaxFilterTerms) + " comparisons",
                                current_.column);
        }
        const Token left = current_;
        if (left.kind != Token::Kind::kName && left.kind != Token::Kind::kValue &&
            left.kind != Token::Kind::kProperty) {
            return Lexer::Error("expected a comparison, found " + Describe(left), left.column);
        }
        MKT_RETURN_IF_ERROR(Advance());
        if (current_.kind != Token::Kind::kOp) {
            return Lexer::Error("expected an operator (=, !=, <, <=, >, >=) after " +
                                    Describe(left) + ", found " + Describe(current_),
                                current_.column);
        }
        const Op op = current_.op;
        MKT_RETURN_IF_ERROR(Advance());
        const Token right = current_;
        MKT_RETURN_IF_ERROR(Advance());
        return MakeComparison(left, op, right);
    }

    static Result<Node> MakeComparison(const Token& left, Op op, const Token& right) {
        Node node;
        Comparison& c = node.comparison;
        c.op = op;
        if (left.kind == Token::Kind::kProperty) {
            if (right.kind != Token::Kind::kValue ||
                !std::holds_alternative<std::string>(right.value)) {
                return Lexer::Error("property['" + left.text +
                                        "'] compares with a quoted string, found " +
                                        Describe(right),
                                    right.column);
            }
            c.property = left.text;
            c.literal = right.value;
            return node;
        }
        if (right.kind == Token::Kind::kProperty) {
            return Lexer::Error("write property['" + right.text + "'] on the left", right.column);
        }
        if (left.kind == Token::Kind::kName && right.kind == Token::Kind::kValue) {
            c.attribute = left.text;
            c.literal = right.value;
            return node;
        }
        if (left.kind == Token::Kind::kValue && right.kind == Token::Kind::kName) {
            c.attribute = right.text;
            c.op = Flip(op);
            c.literal = left.value;
            return node;
        }
        if (right.kind == Token::Kind::kName) {
            return Lexer::Error("'" + left.text + "' compared with '" + right.text +
                                    "': one side must be a value (quote strings: '" + right.text +
                                    "')",
                                right.column);
        }
        if (right.kind == Token::Kind::kValue) {
            return Lexer::Error("a comparison needs an attribute on one side", left.column);
        }
        return Lexer::Error("expected a value after the operator, found " + Describe(right),
                            right.column);
    }

    Lexer lexer_;
    Token current_;
    Node root_;
    size_t terms_ = 0;
    size_t depth_ = 0;
};

// ------------------------------------------------------------------ evaluation

bool Compare(const Value& attribute, Op op, const Value& literal) {
    if (attribute.index() != literal.index()) return op == Op::kNe;
    std::partial_ordering order = std::partial_ordering::unordered;
    if (const auto* b = std::get_if<bool>(&attribute)) {
        const bool equal = *b == std::get<bool>(literal);
        return op == Op::kEq ? equal : op == Op::kNe ? !equal : false;
    }
    if (const auto* s = std::get_if<std::string>(&attribute)) {
        order = s->compare(std::get<std::string>(literal)) <=> 0;
    } else if (const auto* d = std::get_if<DateTime>(&attribute)) {
        order = *d <=> std::get<DateTime>(literal);
    } else {
        order = std::get<int64_t>(attribute) <=> std::get<int64_t>(literal);
    }
    switch (op) {
        case Op::kEq:
            return order == 0;
        case Op::kNe:
            return order != 0;
        case Op::kLt:
            return order < 0;
        case Op::kLe:
            return order <= 0;
        case Op::kGt:
            return order > 0;
        case Op::kGe:
            return order >= 0;
    }
    return false;
}

bool Evaluate(const Node& node, const FilterTarget& target) {
    switch (node.kind) {
        case Node::Kind::kOr:
            for (const Node& child : node.children)
                if (Evaluate(child, target)) return true;
            return false;
        case Node::Kind::kAnd:
            for (const Node& child : node.children)
                if (!Evaluate(child, target)) return false;
            return true;
        case Node::Kind::kComparison:
            break;
    }
    const Comparison& c = node.comparison;
    if (c.property) {
        auto value = target.Property(*c.property);
        if (!value) return c.op == Op::kNe;
        const auto* literal = std::get_if<std::string>(&c.literal);
        if (literal && target.PropertyIgnoresCase(*c.property)) {
            return Compare(Value(text::AsciiLower(*value)), c.op,
                           Value(text::AsciiLower(*literal)));
        }
        return Compare(Value(std::string(*value)), c.op, c.literal);
    }
    auto value = target.Attribute(c.attribute);
    if (!value) return c.op == Op::kNe;
    return Compare(*value, c.op, c.literal);
}

std::string_view TypeName(const Value& v) {
    static constexpr std::string_view kNames[] = {"a string", "a date", "an integer", "a boolean"};
    return kNames[v.index()];
}

Status BindNode(Node& node, AttributeTypeOf types) {
    for (Node& child : node.children) MKT_RETURN_IF_ERROR(BindNode(child, types));
    if (node.kind != Node::Kind::kComparison || node.comparison.property) return Status::Ok();
    Comparison& c = node.comparison;
    auto type = types(c.attribute);
    if (!type) return Status::Ok();
    if (std::holds_alternative<DateTime>(*type) && std::holds_alternative<std::string>(c.literal)) {
        auto date = ParseDate(std::get<std::string>(c.literal));
        if (!date) {
            return Status::InvalidArgument(std::string(kPrefix) + "attribute '" + c.attribute +
                                           "' is a date and '" + std::get<std::string>(c.literal) +
                                           "' is not one (write e.g. 2024-01-31T12:00:00Z)");
        }
        c.literal = *date;
    }
    if (type->index() != c.literal.index()) {
        return Status::InvalidArgument(std::string(kPrefix) + "attribute '" + c.attribute +
                                       "' is " + std::string(TypeName(*type)) +
                                       " and cannot be compared with " +
                                       std::string(TypeName(c.literal)));
    }
    if (std::holds_alternative<bool>(c.literal) && c.op != Op::kEq && c.op != Op::kNe) {
        return Status::InvalidArgument(std::string(kPrefix) + "attribute '" + c.attribute +
                                       "' is a boolean: only = and != apply");
    }
    return Status::Ok();
}

}  // namespace

std::string_view OpText(Op op) {
    static constexpr std::string_view kText[] = {"=", "!=", "<", "<=", ">", ">="};
    return kText[static_cast<int>(op)];
}

Result<DateTime> ParseDateLiteral(std::string_view text) {
    auto date = ParseDate(text);
    if (!date) return Status::InvalidArgument("invalid CIMI date '" + std::string(text) + "'");
    return *date;
}

Result<Filter> Filter::Parse(std::string_view text) {
    if (text.size() > kMaxFilterLength) {
        return Status::InvalidArgument(std::string(kPrefix) + "longer than " +
                                       std::to_string(kMaxFilterLength) + " bytes (" +
                                       std::to_string(text.size()) + ")");
    }
    Parser parser(text);
    MKT_RETURN_IF_ERROR(parser.Parse());
    const size_t terms = parser.terms();
    return Filter(parser.TakeRoot(), terms);
}

Result<Filter> Filter::AllOf(std::vector<Filter> filters) {
    if (filters.empty()) return Status::InvalidArgument(std::string(kPrefix) + "no filter given");
    if (filters.size() == 1) return std::move(filters.front());
    Node root;
    root.kind = Node::Kind::kAnd;
    size_t terms = 0;
    for (Filter& f : filters) {
        terms += f.terms_;
        root.children.push_back(std::move(f.root_));
    }
    if (terms > kMaxFilterTerms) {
        return Status::InvalidArgument(std::string(kPrefix) + "more than " +
                                       std::to_string(kMaxFilterTerms) +
                                       " comparisons in all $filter parameters");
    }
    return Filter(std::move(root), terms);
}

Status Filter::Bind(AttributeTypeOf types) { return BindNode(root_, types); }

bool Filter::Matches(const FilterTarget& target) const { return Evaluate(root_, target); }

bool Mentions(const Node& node, std::string_view attribute, std::string_view property_key) {
    for (const Node& child : node.children)
        if (Mentions(child, attribute, property_key)) return true;
    if (node.kind != Node::Kind::kComparison) return false;
    const Comparison& c = node.comparison;
    return c.property ? *c.property == property_key : c.attribute == attribute;
}

}  // namespace mkt::cimi
