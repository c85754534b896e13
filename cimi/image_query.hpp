// The MachineImage collection query: `$filter`, `$orderby`, `$first`/`$last`
// over the store, without loading the registry per request.
//
// PlanStoreQuery translates what it can of the filter into an EntryQuery (one
// entry per image: EntryQuery::newest_per_identifier): top-level `and` terms
// property['os'|'os-version'|'os-arch'|'endorser'|'status'] = '..', state =/!= '..',
// property['status'] != '..', created > / >= date. When every term translated
// exactly, the store's page and total are the answer (count exact, one indexed
// query). Otherwise the store's candidates are walked with its cursor, the full
// filter evaluated on each image, and only the requested window (or, for an
// order the store cannot give, the best `last` images) kept in memory.
//
// Listing rule: unless the filter compares `state` or property['status'], only
// images whose newest endorsement is valid are listed (what a client can use).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cimi/filter.hpp"
#include "mappers/cimi_image.hpp"
#include "registry/registry.hpp"

namespace mkt::cimi {

inline constexpr uint64_t kMaxPageItems = 1000;  // images per response

/// The properties whose `property[...]` comparisons ignore ASCII case on both
/// sides: os, os-version, os-arch (the store indexes them that way; the values
/// shown are the signed ones). Every other property compares case-sensitively.
bool IsCaseInsensitiveProperty(std::string_view key);

/// The filter view of a MachineImage (attributes as in the JSON form;
/// `relatedImage` and `relatedImage/href` both give the related id).
class ImageTarget : public FilterTarget {
  public:
    explicit ImageTarget(const mappers::cimi::MachineImage& image) : image_(image) {}
    std::optional<Value> Attribute(std::string_view path) const override;
    std::optional<std::string_view> Property(std::string_view key) const override;
    bool PropertyIgnoresCase(std::string_view key) const override;

  private:
    const mappers::cimi::MachineImage& image_;
};

/// The attribute types of a MachineImage, for Filter::Bind.
std::optional<Value> ImageAttributeType(std::string_view path);

struct OrderKey {
    std::string attribute;  // a MachineImage attribute (ImageAttributeType knows it)
    bool descending = false;
};

struct ImageQuery {
    std::optional<Filter> filter;  // bound with ImageAttributeType
    std::vector<OrderKey> order;   // empty: newest `created` first
    uint64_t first = 1;            // 1-based, inclusive
    uint64_t last = kMaxPageItems;
};

struct StorePlan {
    EntryQuery query;
    bool exact = true;   // the store's answer is the filter's answer
    bool empty = false;  // the filter can match nothing (e.g. state='CREATING')
    bool sort_in_store = true;
};

StorePlan PlanStoreQuery(const ImageQuery& query);

struct ImageQueryResult {
    uint64_t count = 0;  // filter matches, before paging
    std::vector<mappers::cimi::MachineImage> images;
    bool exact_plan = false;  // answered by the store alone (for tests and the bench)
};

/// The same query over images already in memory: filter, order (default:
/// newest `created` first, `id` breaking ties), then the [first, last] window.
ImageQueryResult QueryImages(std::vector<mappers::cimi::MachineImage> images,
                             const ImageQuery& query);

/// `holdings` (may be null): the providers' Glance holdings, shown as provider
/// properties (mappers::cimi::AddProviderLocations) and so filterable.
/// Errors: those of Registry::Search.
Result<ImageQueryResult> RunImageQuery(const Registry& registry, const ImageQuery& query,
                                       const mappers::cimi::ImageContext& context,
                                       const ProviderHoldings* holdings = nullptr);

/// The MachineImage of `identifier` with properties.endorsers filled.
/// Errors: kNotFound "no MachineImage <identifier>".
Result<mappers::cimi::MachineImage> FindImage(const Registry& registry,
                                              const std::string& identifier,
                                              const mappers::cimi::ImageContext& context,
                                              const ProviderHoldings* holdings = nullptr);

}  // namespace mkt::cimi
