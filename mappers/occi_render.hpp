// OCCI renderings of the model in mappers/occi_model.hpp (reference occi.md 3.2,
// 3.4): the text renderings as ordered (field, value) pairs that text/plain
// writes as body lines and text/occi as headers, and the OCCI 1.2 JSON
// rendering (application/occi+json, GFD.226). Pure functions; golden files in
// tests/data/golden/occi/.
//
// Text: Category parameters as `term; scheme="..."; class="..."` (semicolon and
// one space, quoted values), Kind `rel` = parent, Mixin `rel` = its first
// `depends`; attribute properties `{immutable}`, `{required}`; Link targets and
// `location`s are paths; strings quoted with occi::Quote, numbers bare, lists as
// one space-separated string. JSON: both the top-level id/title/summary and the
// occi.core.* attributes, attribute definitions with type, mutable, required and
// default.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mappers/occi_model.hpp"

namespace mkt::mappers::occi {

/// Ordered text fields: {"Category", value}, {"Link", value}, {"X-OCCI-Attribute", ...}.
using Fields = std::vector<std::pair<std::string, std::string>>;

/// A Category value. `full` adds attributes and actions (the query interface);
/// an instance's own Kind line has title, rel and location only.
std::string CategoryText(const Category& category, bool full = true);

/// A Link value: `<target>; rel="..."; category="kind mixins..."; attr=value...`.
std::string LinkText(const Link& link);

/// A resource: its Kind's Category line, Mixin lines (`mixins` are the Categories
/// of resource.mixins), Link lines, then X-OCCI-Attribute lines.
Fields ResourceFields(const Resource& resource, const Category& kind,
                      const std::vector<Category>& mixins = {});

/// "X-OCCI-Location: <url>" fields, one per URL.
Fields LocationFields(const std::vector<std::string>& urls);

/// text/plain: "Name: value\n" per field.
std::string PlainBody(const Fields& fields);

/// text/occi: one header per field name (first-seen order), values joined by ", ".
Fields CombineForHeaders(const Fields& fields);

/// text/uri-list: one URL per line (CRLF, RFC 2483).
std::string UriList(const std::vector<std::string>& urls);

/// JSON Kind, Mixin or Action object.
std::string CategoryJson(const Category& category);
/// JSON Resource object (links inline).
std::string ResourceJson(const Resource& resource);

/// Builds {"kinds":[...],"mixins":[...],"actions":[...]} one Category at a time,
/// so the query interface is written while the store is read.
class ModelJsonWriter {
  public:
    void Add(const Category& category);
    std::string Finish();

  private:
    std::string kinds_, mixins_, actions_;
};

/// {"resources":[...]} from rendered Resource objects.
std::string ResourcesJson(const std::vector<std::string>& rendered_resources);

}  // namespace mkt::mappers::occi
