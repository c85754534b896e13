#include "occi/query.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <limits>

#include "mappers/occi_render.hpp"

namespace mkt::occi {
namespace {

namespace m = mappers::occi;

std::string Prefixed(std::string_view name) {
    return std::string(m::kAttributePrefix) + std::string(name);
}

Result<size_t> PositiveNumber(std::string_view name, const std::string& text) {
    size_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || value == 0) {
        return Status::InvalidArgument(std::string(name) + " must be a positive integer, got '" +
                                       text + "'");
    }
    return value;
}

std::optional<std::string> Param(const QueryPairs& query, std::string_view name) {
    for (const auto& [key, value] : query) {
        if (key == name) return value;
    }
    return std::nullopt;
}

bool SameNumber(const std::string& a, const std::string& b) {
    char* ea = nullptr;
    char* eb = nullptr;
    const double x = std::strtod(a.c_str(), &ea);
    const double y = std::strtod(b.c_str(), &eb);
    return ea && *ea == '\0' && eb && *eb == '\0' && !a.empty() && !b.empty() && x == y;
}

bool ValueMatches(const m::Value& value, const AttributeValue& wanted) {
    if (value.type == m::Value::Type::kList) {
        if (std::find(value.list.begin(), value.list.end(), wanted.text) != value.list.end())
            return true;
        return value.Joined() == wanted.text;
    }
    if (value.type == m::Value::Type::kNumber) {
        return value.text == wanted.text || SameNumber(value.text, wanted.text);
    }
    return value.text == wanted.text;
}

// Store page size for a paged request: enough entries for the page when each image
// has one endorsement (more pages follow through the cursor otherwise); 0 = default.
size_t StorePageSize(const Paging& paging) {
    if (!paging.take) return 0;
    const size_t wanted = paging.skip + *paging.take;
    return wanted < std::numeric_limits<size_t>::max() ? wanted + 1 : wanted;
}

bool IsKind(const std::vector<CategoryValue>& categories,
            std::initializer_list<const char*> terms) {
    for (const CategoryValue& c : categories) {
        for (const char* t : terms) {
            if (c.TypeId() == std::string(m::kInfraScheme) + t ||
                c.TypeId() == std::string(m::kCoreScheme) + t)
                return true;
        }
    }
    return false;
}

}  // namespace

Result<Paging> ParsePaging(const QueryPairs& query) {
    for (const auto& [name, value] : query) {
        if (name != "page" && name != "number") {
            return Status::InvalidArgument("unknown query parameter '" + name +
                                           "' (OCCI collections take page and number)");
        }
    }
    Paging paging;
    const std::optional<std::string> page_text = Param(query, "page");
    size_t page = 1;
    if (page_text) {
        MKT_ASSIGN_OR_RETURN(page, PositiveNumber("page", *page_text));
    }
    if (auto n = Param(query, "number")) {
        MKT_ASSIGN_OR_RETURN(size_t number, PositiveNumber("number", *n));
        if (number > kMaxPageNumber) {
            return Status::PayloadTooLarge("number=" + *n + " is more than " +
                                           std::to_string(kMaxPageNumber) + " items per page");
        }
        paging.take = number;
    } else if (page_text) {
        paging.take = kDefaultPageNumber;
    }
    if (paging.take) {
        // (page - 1) * number must not wrap around: such a page is past any collection.
        if (page - 1 > std::numeric_limits<size_t>::max() / *paging.take) {
            return Status::InvalidArgument("page=" + *page_text +
                                           " is beyond the last addressable page");
        }
        paging.skip = (page - 1) * *paging.take;
    }
    return paging;
}

bool Pager::Skips() {
    if (seen_ < paging_.skip) {
        ++seen_;
        return true;
    }
    return false;
}

bool ResourceMatches(const m::Resource& r, const std::vector<Attribute>& filters) {
    for (const Attribute& f : filters) {
        const auto it = std::find_if(r.attributes.begin(), r.attributes.end(),
                                     [&](const m::Attribute& a) { return a.name == f.name; });
        if (it == r.attributes.end() || !ValueMatches(it->value, f.value)) return false;
    }
    return true;
}

bool MixinMatches(const m::Category& c, const std::vector<Attribute>& filters) {
    for (const Attribute& f : filters) {
        const auto it = std::find_if(c.attributes.begin(), c.attributes.end(),
                                     [&](const m::AttributeDef& d) { return d.name == f.name; });
        if (it == c.attributes.end() || !it->default_value ||
            !ValueMatches(*it->default_value, f.value))
            return false;
    }
    return true;
}

ImageFilter PushDown(const std::vector<Attribute>& filters) {
    ImageFilter out;
    for (const Attribute& f : filters) {
        if (f.name == "occi.core.id" || f.name == Prefixed("identifier"))
            out.identifier = f.value.text;
        else if (f.name == Prefixed("os"))
            out.os = f.value.text;
        else if (f.name == Prefixed("os_version"))
            out.os_version = f.value.text;
        else if (f.name == Prefixed("os_arch"))
            out.os_arch = f.value.text;
        else if (f.name == "occi.core.title" && !f.value.text.empty())
            out.text = f.value.text;
    }
    return out;
}

Selection SelectionOf(const Message& filters, const m::Context& mctx) {
    Selection s;
    s.attributes = filters.attributes;
    if (filters.categories.empty()) return s;
    s.everything = false;
    s.all_images = false;
    const std::string os_tpl = std::string(m::kInfraScheme) + "os_tpl";
    for (const CategoryValue& c : filters.categories) {
        s.type_ids.push_back(c.TypeId());
        // OCCI 1.2: a Mixin filter also returns the Mixins that depend on it.
        if (c.TypeId() == os_tpl) s.all_images = true;
        if (c.scheme == mctx.OsTplScheme()) {
            if (auto id = m::IdentifierOfTerm(c.term); id.ok()) s.identifiers.push_back(*id);
        }
    }
    return s;
}

Result<bool> WriteQueryInterface(const ImageSource& source, const m::Context& mctx,
                                 const Selection& sel, const Paging& paging, QuerySink& sink) {
    Pager pager(paging);
    Emit state = Emit::kContinue;
    auto emit = [&](const m::Category& c) {
        if (pager.Full()) state = Emit::kStop;
        if (state != Emit::kContinue) return false;
        if (pager.Skips()) return true;
        pager.Took();
        state = sink.AddCategory(c);
        return state == Emit::kContinue;
    };
    if (sel.attributes.empty()) {
        for (const m::Category& c : m::FixedModel(mctx)) {
            const bool wanted =
                sel.everything || std::find(sel.type_ids.begin(), sel.type_ids.end(), c.TypeId()) !=
                                      sel.type_ids.end();
            if (wanted && !emit(c)) break;
        }
    }
    auto visit_image = [&](m::OcciImage&& image) {
        if (state != Emit::kContinue || pager.Full()) return false;
        if (sel.attributes.empty() && pager.Skips()) return true;
        const m::Category mixin = m::ImageMixin(image, mctx);
        if (!MixinMatches(mixin, sel.attributes)) return true;
        return emit(mixin);
    };
    if (sel.all_images) {
        ImageFilter filter = PushDown(sel.attributes);
        filter.page_size = StorePageSize(paging);
        MKT_RETURN_IF_ERROR(ForEachImage(source, filter, visit_image));
    } else {
        for (const std::string& id : sel.identifiers) {
            MKT_ASSIGN_OR_RETURN(auto image, FindImage(source, id));
            if (image && !visit_image(std::move(*image))) break;
        }
    }
    return state != Emit::kOverflow;
}

Result<bool> WriteStorageCollection(const ImageSource& source, const m::Context& mctx,
                                    const Message& filters, const Paging& paging,
                                    bool resources_needed, QuerySink& sink) {
    // A Category filter selects members of that Kind: storage (or resource), else nothing.
    if (!filters.categories.empty() && !IsKind(filters.categories, {"storage", "resource"}))
        return true;
    Pager pager(paging);
    Emit state = Emit::kContinue;
    const bool build = resources_needed || !filters.attributes.empty();
    ImageFilter filter = PushDown(filters.attributes);
    filter.page_size = StorePageSize(paging);
    MKT_RETURN_IF_ERROR(ForEachImage(source, filter, [&](m::OcciImage&& image) {
        if (pager.Full()) return false;
        std::optional<m::Resource> resource;
        if (build) {
            resource = m::StorageResource(image, mctx);
            if (!ResourceMatches(*resource, filters.attributes)) return true;
        }
        if (pager.Skips()) return true;
        pager.Took();
        const std::string url = mctx.Absolute(mctx.BasePath() + "storage/" + image.identifier());
        state = sink.AddLocation(url, [&] { return m::ResourceJson(*resource); });
        return state == Emit::kContinue;
    }));
    return state != Emit::kOverflow;
}

Result<bool> IsProviderDefined(const ImageSource& source, const m::Context& mctx,
                               const CategoryValue& c) {
    for (const m::Category& fixed : m::FixedModel(mctx)) {
        if (fixed.TypeId() == c.TypeId()) return true;
    }
    if (c.scheme != mctx.OsTplScheme()) return false;
    auto id = m::IdentifierOfTerm(c.term);
    if (!id.ok()) return false;
    MKT_ASSIGN_OR_RETURN(auto image, FindImage(source, *id));
    return image.has_value();
}

}  // namespace mkt::occi
