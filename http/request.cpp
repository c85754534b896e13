#include "http/request.hpp"

#include <algorithm>

#include "registry/text.hpp"

namespace mkt::http {
std::string_view MethodName(Method method) {
    switch (method) {
        case Method::kGet:
            return "GET";
        case Method::kHead:
            return "HEAD";
        case Method::kPost:
            return "POST";
        case Method::kPut:
            return "PUT";
        case Method::kDelete:
            return "DELETE";
        case Method::kPatch:
            return "PATCH";
        case Method::kOptions:
            return "OPTIONS";
        case Method::kOther:
            return "OTHER";
    }
    return "OTHER";
}

Method ParseMethod(std::string_view name) {
    for (Method m : {Method::kGet, Method::kHead, Method::kPost, Method::kPut, Method::kDelete,
                     Method::kPatch, Method::kOptions}) {
        if (name == MethodName(m)) return m;
    }
    return Method::kOther;
}

void Headers::Set(std::string name, std::string value) {
    std::erase_if(items_, [&](const auto& h) { return text::EqualsIgnoreCase(h.first, name); });
    items_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string> Headers::Get(std::string_view name) const {
    for (const auto& [k, v] : items_) {
        if (text::EqualsIgnoreCase(k, name)) return v;
    }
    return std::nullopt;
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
    for (const auto& [k, v] : query) {
        if (k == name) return v;
    }
    return std::nullopt;
}

std::vector<std::string> Request::QueryParams(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : query) {
        if (k == name) out.push_back(v);
    }
    return out;
}

const std::string& Request::Param(std::string_view name) const {
    static const std::string kNone;
    for (const auto& [k, v] : params) {
        if (k == name) return v;
    }
    return kNone;
}

Response Response::Make(int status, std::string content_type, std::string body) {
    Response r;
    r.status = status;
    r.headers.Set("Content-Type", std::move(content_type));
    r.body = std::move(body);
    return r;
}

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int hi = text::HexValue(text[i + 1]), lo = text::HexValue(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            const char decoded = static_cast<char>(hi * 16 + lo);
            if (decoded == '\0') return std::nullopt;
            out.push_back(decoded);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> ParseFormEncoded(
    std::string_view text) {
    std::vector<std::pair<std::string, std::string>> out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('&', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view pair = text.substr(start, end - start);
        if (!pair.empty()) {
            const size_t eq = pair.find('=');
            auto key = PercentDecode(pair.substr(0, eq), true);
            auto value =
                PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
            if (!key || !value) return std::nullopt;
            out.emplace_back(std::move(*key), std::move(*value));
        }
        start = end + 1;
    }
    return out;
}

std::string_view OriginForm(std::string_view target) {
    size_t scheme_end = 0;
    if (text::StartsWithIgnoreCase(target, "http://")) {
        scheme_end = 7;
    } else if (text::StartsWithIgnoreCase(target, "https://")) {
        scheme_end = 8;
    } else {
        return target;
    }
    // "http://host?q" has an empty path: its origin form "/?q" is made by ParseTarget.
    const size_t path = target.find_first_of("/?", scheme_end);
    if (path == std::string_view::npos) return "/";
    return target.substr(path);
}

bool ParseTarget(std::string_view target, Request& request) {
    target = OriginForm(target);
    request.target = target.starts_with('?') ? "/" + std::string(target) : std::string(target);
    target = request.target;
    const size_t q = target.find('?');
    const std::string_view path = target.substr(0, q);
    request.path = std::string(path);
    request.segments.clear();
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        const std::string_view raw = path.substr(start, end - start);
        if (!raw.empty()) {
            auto decoded = PercentDecode(raw, false);
            if (!decoded || decoded->find('/') != std::string::npos) return false;
            request.segments.push_back(std::move(*decoded));
        }
        start = end + 1;
    }
    request.query.clear();
    if (q != std::string_view::npos) {
        auto pairs = ParseFormEncoded(target.substr(q + 1));
        if (!pairs) return false;
        request.query = std::move(*pairs);
    }
    return true;
}

}  // namespace mkt::http
