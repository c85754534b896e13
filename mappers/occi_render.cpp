#include "mappers/occi_render.hpp"

#include <nlohmann/json.hpp>

#include "occi/syntax.hpp"

namespace mkt::mappers::occi {
namespace {

using mkt::occi::Quote;

std::string JsonString(std::string_view s) { return nlohmann::json(s).dump(); }

std::string JsonArray(const std::vector<std::string>& items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        out += JsonString(items[i]);
    }
    return out + "]";
}

std::string ValueText(const Value& v) {
    return v.type == Value::Type::kNumber ? v.text : Quote(v.Joined());
}

std::string ValueJson(const Value& v) {
    switch (v.type) {
        case Value::Type::kNumber:
            return v.text;
        case Value::Type::kList:
            return JsonArray(v.list);
        case Value::Type::kString:
            break;
    }
    return JsonString(v.text);
}

std::string AttributeList(const std::vector<AttributeDef>& defs) {
    std::string out;
    for (const AttributeDef& d : defs) {
        if (!out.empty()) out += ' ';
        out += d.name;
        const bool immutable = !d.mutable_;
        if (immutable && d.required)
            out += "{immutable required}";
        else if (immutable)
            out += "{immutable}";
        else if (d.required)
            out += "{required}";
    }
    return out;
}

std::string Joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : " ") + i;
    return out;
}

std::string AttributesJson(const std::vector<AttributeDef>& defs) {
    std::string out = "{";
    for (size_t i = 0; i < defs.size(); ++i) {
        const AttributeDef& d = defs[i];
        if (i) out += ',';
        out += JsonString(d.name) + ":{\"mutable\":" + (d.mutable_ ? "true" : "false") +
               ",\"required\":" + (d.required ? "true" : "false") +
               ",\"type\":" + JsonString(d.type);
        if (d.default_value) out += ",\"default\":" + ValueJson(*d.default_value);
        if (!d.description.empty()) out += ",\"description\":" + JsonString(d.description);
        out += '}';
    }
    return out + "}";
}

std::string ResourceAttributesJson(const std::vector<Attribute>& attributes) {
    std::string out = "{";
    for (size_t i = 0; i < attributes.size(); ++i) {
        if (i) out += ',';
        out += JsonString(attributes[i].name) + ":" + ValueJson(attributes[i].value);
    }
    return out + "}";
}

std::string LinkJson(const Link& link) {
    std::string out = "{\"kind\":" + JsonString(link.kind);
    if (!link.mixins.empty()) out += ",\"mixins\":" + JsonArray(link.mixins);
    out += ",\"id\":" + JsonString(link.id);
    out += ",\"source\":{\"location\":" + JsonString(link.source);
    if (!link.source_kind.empty()) out += ",\"kind\":" + JsonString(link.source_kind);
    out += "},\"target\":{\"location\":" + JsonString(link.target);
    if (!link.target_kind.empty()) out += ",\"kind\":" + JsonString(link.target_kind);
    std::vector<Attribute> attributes = {{"occi.core.id", Value::String(link.id)}};
    attributes.insert(attributes.end(), link.attributes.begin(), link.attributes.end());
    out += "},\"attributes\":" + ResourceAttributesJson(attributes) + ",\"actions\":[]}";
    return out;
}

}  // namespace

std::string CategoryText(const Category& c, bool full) {
    std::string out = c.term + "; scheme=" + Quote(c.scheme) + "; class=\"" +
                      std::string(ClassName(c.cls)) + "\"";
    if (!c.title.empty()) out += "; title=" + Quote(c.title);
    if (c.cls == CategoryClass::kKind && !c.parent.empty()) out += "; rel=" + Quote(c.parent);
    if (c.cls == CategoryClass::kMixin && !c.depends.empty())
        out += "; rel=" + Quote(c.depends.front());
    if (!c.location.empty()) out += "; location=" + Quote(c.location);
    if (full && !c.attributes.empty()) out += "; attributes=" + Quote(AttributeList(c.attributes));
    if (full && !c.actions.empty()) out += "; actions=" + Quote(Joined(c.actions));
    return out;
}

std::string LinkText(const Link& link) {
    std::string category = link.kind;
    for (const auto& m : link.mixins) category += " " + m;
    std::string out =
        "<" + link.target + ">; rel=" +
        Quote(link.target_kind.empty() ? std::string(kCoreScheme) + "resource" : link.target_kind) +
        "; category=" + Quote(category);
    out += "; occi.core.id=" + Quote(link.id);
    out += "; occi.core.source=" + Quote(link.source);
    out += "; occi.core.target=" + Quote(link.target);
    for (const Attribute& a : link.attributes) out += "; " + a.name + "=" + ValueText(a.value);
    return out;
}

Fields ResourceFields(const Resource& resource, const Category& kind,
                      const std::vector<Category>& mixins) {
    Fields out;
    out.emplace_back("Category", CategoryText(kind, false));
    for (const Category& m : mixins) out.emplace_back("Category", CategoryText(m, false));
    for (const Link& l : resource.links) out.emplace_back("Link", LinkText(l));
    for (const auto& action : resource.actions) {
        const std::string term = action.substr(action.find('#') + 1);
        out.emplace_back("Link",
                         "<" + resource.location + "?action=" + term + ">; rel=" + Quote(action));
    }
    for (const Attribute& a : resource.attributes)
        out.emplace_back("X-OCCI-Attribute", a.name + "=" + ValueText(a.value));
    return out;
}

Fields LocationFields(const std::vector<std::string>& urls) {
    Fields out;
    for (const auto& u : urls) out.emplace_back("X-OCCI-Location", u);
    return out;
}

std::string PlainBody(const Fields& fields) {
    std::string out;
    for (const auto& [name, value] : fields) out += name + ": " + value + "\n";
    return out;
}

Fields CombineForHeaders(const Fields& fields) {
    Fields out;
    for (const auto& [name, value] : fields) {
        auto it =
            std::find_if(out.begin(), out.end(), [&](const auto& f) { return f.first == name; });
        if (it == out.end())
            out.emplace_back(name, value);
        else
            it->second += ", " + value;
    }
    return out;
}

std::string UriList(const std::vector<std::string>& urls) {
    std::string out;
    for (const auto& u : urls) out += u + "\r\n";
    return out;
}

std::string CategoryJson(const Category& c) {
    std::string out = "{\"term\":" + JsonString(c.term) + ",\"scheme\":" + JsonString(c.scheme);
    if (!c.title.empty()) out += ",\"title\":" + JsonString(c.title);
    if (!c.attributes.empty()) out += ",\"attributes\":" + AttributesJson(c.attributes);
    if (c.cls != CategoryClass::kAction && !c.actions.empty())
        out += ",\"actions\":" + JsonArray(c.actions);
    if (c.cls == CategoryClass::kKind && !c.parent.empty())
        out += ",\"parent\":" + JsonString(c.parent);
    if (c.cls == CategoryClass::kMixin) {
        if (!c.depends.empty()) out += ",\"depends\":" + JsonArray(c.depends);
        if (!c.applies.empty()) out += ",\"applies\":" + JsonArray(c.applies);
    }
    if (!c.location.empty()) out += ",\"location\":" + JsonString(c.location);
    return out + "}";
}

std::string ResourceJson(const Resource& r) {
    std::string out = "{\"kind\":" + JsonString(r.kind);
    if (!r.mixins.empty()) out += ",\"mixins\":" + JsonArray(r.mixins);
    out += ",\"id\":" + JsonString(r.id);
    if (!r.title.empty()) out += ",\"title\":" + JsonString(r.title);
    if (!r.summary.empty()) out += ",\"summary\":" + JsonString(r.summary);
    out += ",\"attributes\":" + ResourceAttributesJson(r.attributes);
    out += ",\"actions\":" + JsonArray(r.actions);
    out += ",\"links\":[";
    for (size_t i = 0; i < r.links.size(); ++i) {
        if (i) out += ',';
        out += LinkJson(r.links[i]);
    }
    return out + "]}";
}

void ModelJsonWriter::Add(const Category& c) {
    std::string& list = c.cls == CategoryClass::kKind    ? kinds_
                        : c.cls == CategoryClass::kMixin ? mixins_
                                                         : actions_;
    if (!list.empty()) list += ',';
    list += CategoryJson(c);
}

std::string ModelJsonWriter::Finish() {
    std::string out;
    out.reserve(kinds_.size() + mixins_.size() + actions_.size() + 48);
    out += "{\"kinds\":[" + kinds_ + "],\"mixins\":[";
    out += mixins_;
    out += "],\"actions\":[" + actions_ + "]}\n";
    return out;
}

std::string ResourcesJson(const std::vector<std::string>& rendered) {
    std::string out = "{\"resources\":[";
    for (size_t i = 0; i < rendered.size(); ++i) {
        if (i) out += ',';
        out += rendered[i];
    }
    return out + "]}\n";
}

}  // namespace mkt::mappers::occi
