// The CIMI query parameters of a request (DSP0263 4.1.6): `$filter` (repeated
// values are AND-ed), `$first`/`$last` (1-based, inclusive), `$orderby`
// (attr[:asc|:desc], comma-separated, repeated values concatenated), `$select`
// and `$expand` (comma lists, repeated values unioned, `*` = all), `$format`
// (json/xml, any case, overrides Accept; other values are ignored). Names may
// arrive percent-encoded (%24filter): http/ decodes them. Unknown parameters
// are ignored.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "cimi/image_query.hpp"
#include "http/request.hpp"
#include "mappers/cimi_render.hpp"

namespace mkt::cimi {

struct QueryParams {
    ImageQuery images;
    mappers::cimi::Selection select;
    std::set<std::string> expand;  // "*" = everything
    bool Expands(const std::string& name) const {
        return expand.count("*") > 0 || expand.count(name) > 0;
    }
};

/// Errors: kInvalidArgument naming the parameter and value: a filter that does
/// not parse or bind, a $first/$last that is not a positive integer, an
/// $orderby attribute MachineImage does not have.
Result<QueryParams> ParseQueryParams(const http::Request& request);

/// "application/json" or "application/xml" from `$format`, else Accept;
/// nullopt when the client accepts neither.
std::optional<std::string> ChooseMediaType(const http::Request& request);

}  // namespace mkt::cimi
