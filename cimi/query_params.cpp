#include "cimi/query_params.hpp"

#include <charconv>

#include "http/negotiation.hpp"
#include "registry/text.hpp"

namespace mkt::cimi {
namespace {

std::vector<std::string> CommaList(const std::vector<std::string>& values) {
    std::vector<std::string> out;
    for (const std::string& value : values) {
        std::string_view rest = value;
        while (true) {
            const size_t comma = rest.find(',');
            const std::string_view item = text::TrimBlanks(rest.substr(0, comma));
            if (!item.empty()) out.emplace_back(item);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    return out;
}

// `$select=machineImages/name` (2.0 query path notation) means `name`.
std::string ItemAttribute(std::string name) {
    static constexpr std::string_view kPrefix = "machineImages/";
    if (name.rfind(kPrefix, 0) == 0) name.erase(0, kPrefix.size());
    return name;
}

Result<uint64_t> PositiveInteger(const http::Request& request, const char* name,
                                 uint64_t fallback) {
    auto value = request.QueryParam(name);
    if (!value) return fallback;
    const std::string_view text = text::TrimBlanks(*value);
    uint64_t n = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || n == 0) {
        return Status::InvalidArgument(
            std::string(name) + " must be a positive integer (1-based), not '" + *value + "'");
    }
    return n;
}

Result<std::vector<OrderKey>> ParseOrderBy(const http::Request& request) {
    std::vector<OrderKey> keys;
    for (const std::string& item : CommaList(request.QueryParams("$orderby"))) {
        std::string_view text = item;
        OrderKey key;
        const size_t sep = text.find_first_of(": ");
        if (sep != std::string_view::npos) {
            const std::string_view dir = text::TrimBlanks(text.substr(sep + 1));
            if (dir != "asc" && dir != "desc") {
                return Status::InvalidArgument("$orderby '" + item +
                                               "': the direction is asc or desc");
            }
            key.descending = dir == "desc";
            text = text::TrimBlanks(text.substr(0, sep));
        }
        key.attribute = ItemAttribute(std::string(text));
        if (!ImageAttributeType(key.attribute)) {
            return Status::InvalidArgument(
                "$orderby '" + item +
                "': MachineImage has no such attribute (id, name, description, created, updated, "
                "state, type, imageLocation, relatedImage)");
        }
        keys.push_back(std::move(key));
    }
    return keys;
}

}  // namespace

Result<QueryParams> ParseQueryParams(const http::Request& request) {
    QueryParams params;
    std::vector<Filter> filters;
    for (const std::string& text : request.QueryParams("$filter")) {
        MKT_ASSIGN_OR_RETURN(Filter f, Filter::Parse(text));
        filters.push_back(std::move(f));
    }
    if (!filters.empty()) {
        MKT_ASSIGN_OR_RETURN(Filter all, Filter::AllOf(std::move(filters)));
        MKT_RETURN_IF_ERROR(all.Bind(&ImageAttributeType));
        params.images.filter = std::move(all);
    }
    MKT_ASSIGN_OR_RETURN(params.images.first, PositiveInteger(request, "$first", 1));
    MKT_ASSIGN_OR_RETURN(
        params.images.last,
        PositiveInteger(request, "$last", params.images.first + kMaxPageItems - 1));
    MKT_ASSIGN_OR_RETURN(params.images.order, ParseOrderBy(request));
    for (std::string name : CommaList(request.QueryParams("$select"))) {
        if (name == "*") {
            params.select.names.clear();
            break;
        }
        params.select.names.insert(ItemAttribute(std::move(name)));
    }
    for (std::string name : CommaList(request.QueryParams("$expand")))
        params.expand.insert(ItemAttribute(std::move(name)));
    return params;
}

std::optional<std::string> ChooseMediaType(const http::Request& request) {
    if (auto format = request.QueryParam("$format")) {
        std::string f(text::TrimBlanks(*format));
        for (char& c : f) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        if (f == "json") return "application/json";
        if (f == "xml") return "application/xml";
    }
    return http::Negotiate(request, {"application/json", "application/xml"});
}

}  // namespace mkt::cimi
