// The sinks of the OCCI query walks (occi/query.hpp), one rendering each
// (occi/negotiation.hpp). Output accumulates a text/occi answer, whose data are
// headers, and reports Emit::kOverflow past kMaxOcciHeaderBytes, so the handler
// can fall back to the client's next acceptable rendering. StreamedOutput
// writes every other rendering as the walk produces it, so an answer over the
// whole store costs one item of memory.
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

/// An OCCI answer in text/plain, text/uri-list or JSON, written to a streamed
/// body as the walk produces it. Categories must come kinds first (the walk
/// writes the fixed model, which holds every kind and action, before the image
/// mixins); kinds and actions are held until the end, mixins are written at once.
class StreamedOutput final : public QuerySink {
  public:
    StreamedOutput(Format format, http::BodySink& sink) : format_(format), sink_(sink) {}

    Emit AddCategory(const mappers::occi::Category& c) override;
    Emit AddLocation(const std::string& url,
                     const std::function<std::string()>& resource_json) override;

    /// Writes the end of a query interface answer. Errors: kUnavailable when the
    /// client left, kInternal when a kind came after a mixin.
    Status FinishCategories();
    /// Writes the end of a collection answer. Errors: kUnavailable when the client left.
    Status FinishLocations();

  private:
    Emit Put(std::string_view text);
    Status Outcome() const;

    Format format_;
    http::BodySink& sink_;
    bool gone_ = false;
    bool out_of_order_ = false;
    std::string kinds_, actions_;  // JSON: only the fixed model has them
    bool mixins_opened_ = false;   // JSON: the answer is written up to the mixins
    bool first_item_ = true;
};

}  // namespace mkt::occi
