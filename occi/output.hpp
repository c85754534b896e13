// Output: one OCCI answer accumulated in one rendering (occi/negotiation.hpp),
// fed item by item by the query walks (occi/query.hpp). text/occi answers carry
// their data in headers and report Emit::kOverflow past kMaxOcciHeaderBytes, so
// the handler can fall back to the client's next acceptable rendering.
#pragma once

#include <string>
#include <vector>

#include "http/request.hpp"
#include "mappers/occi_render.hpp"
#include "occi/negotiation.hpp"
#include "occi/query.hpp"

namespace mkt::occi {

/// Largest text/occi header block; a larger answer falls back to the client's
/// next acceptable rendering, or is 406 (reference occi.md 3.1: header limits).
inline constexpr size_t kMaxOcciHeaderBytes = 32 * 1024;

class Output final : public QuerySink {
  public:
    explicit Output(Rendering rendering) : rendering_(std::move(rendering)) {}

    Emit AddCategory(const mappers::occi::Category& c) override;
    Emit AddLocation(const std::string& url,
                     const std::function<std::string()>& resource_json) override;

    /// The answer of a query interface request (categories).
    http::Response FinishCategories();
    /// The answer of a collection request (locations, or resources in JSON).
    http::Response FinishLocations();

  private:
    Emit AppendHeader(const std::string& value);
    http::Response Make(std::string body) const;
    http::Response FinishWith(const char* header);

    Rendering rendering_;
    std::string body_, header_;
    mappers::occi::ModelJsonWriter json_;
    std::vector<std::string> resources_;
};

}  // namespace mkt::occi
