// The OCCI query work, without HTTP: paging, attribute filters, the push-down of
// filters to the store, and the walks that produce the query interface and the
// storage collection item by item into a QuerySink. The handlers (handlers.cpp)
// parse the request, call these, and render; CIMI's image_query does the same
// for MachineImages.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mappers/occi_model.hpp"
#include "occi/image_source.hpp"
#include "occi/syntax.hpp"
#include "registry/listing_query.hpp"
#include "registry/registry.hpp"

namespace mkt::occi {

/// Largest `number` of the OCCI 1.2 pagination; above it the answer is 413.
inline constexpr size_t kMaxPageNumber = 1000;
/// Items per page when only `page` is given.
inline constexpr size_t kDefaultPageNumber = 100;

/// Which part of a collection to answer: skip `skip` items, then at most `take`.
struct Paging {
    size_t skip = 0;
    std::optional<size_t> take;  // nullopt: everything
};

/// OCCI 1.2 pagination: ?page=N (from 1) & number=M. Any other query parameter
/// is refused, so a typo is never a silent no-op. Errors: kInvalidArgument for
/// an unknown parameter, a non-positive number or a page beyond the addressable
/// range; kPayloadTooLarge for number > kMaxPageNumber.
Result<Paging> ParsePaging(const QueryPairs& query);

/// Counts items against a Paging while a walk produces them.
class Pager {
  public:
    explicit Pager(const Paging& paging) : paging_(paging) {}
    /// True when the next item is before the page (to be skipped, not built).
    bool Skips();
    bool Full() const { return paging_.take && taken_ >= *paging_.take; }
    void Took() {
        ++seen_;
        ++taken_;
    }

  private:
    Paging paging_;
    size_t seen_ = 0, taken_ = 0;
};

/// Does the mapped resource have every filtered attribute with the filtered value?
/// Lists match one of their items or their joined form; numbers compare by value.
bool ResourceMatches(const mappers::occi::Resource& resource,
                     const std::vector<Attribute>& filters);
/// The same for a mixin's attribute defaults (image mixins carry the image's values).
bool MixinMatches(const mappers::occi::Category& mixin, const std::vector<Attribute>& filters);

/// The filters the store can apply (identifier, os, version, arch, title words);
/// the rest is checked on the mapped values.
ImageFilter PushDown(const std::vector<Attribute>& filters);

/// What an answer is built from; each call returns whether to go on.
enum class Emit { kContinue, kStop, kOverflow };
class QuerySink {
  public:
    virtual ~QuerySink() = default;
    virtual Emit AddCategory(const mappers::occi::Category& category) = 0;
    /// `resource_json` renders the member when the sink needs it (JSON renderings).
    virtual Emit AddLocation(const std::string& url,
                             const std::function<std::string()>& resource_json) = 0;
};

/// The categories a query-interface request selects.
struct Selection {
    bool everything = true;
    std::vector<std::string> type_ids;     // requested categories
    bool all_images = true;                // no filter, or the os_tpl parent requested
    std::vector<std::string> identifiers;  // image mixins requested one by one
    std::vector<Attribute> attributes;     // default-value filters (image mixins only)
};
Selection SelectionOf(const Message& filters, const mappers::occi::Context& mctx);

/// Feeds the selected categories, paged, to `sink`: the fixed model first, then
/// one os_tpl mixin per image, read from the store page by page.
/// Result: false when the sink overflowed (text/occi header budget).
Result<bool> WriteQueryInterface(const ImageSource& source, const mappers::occi::Context& mctx,
                                 const Selection& selection, const Paging& paging, QuerySink& sink);

/// Feeds the storage collection (one storage resource per image), filtered by
/// the Category (storage or resource kinds, else nothing) and attribute filters,
/// paged. `resources_needed`: the sink renders members (JSON). Result as above.
Result<bool> WriteStorageCollection(const ImageSource& source, const mappers::occi::Context& mctx,
                                    const Message& filters, const Paging& paging,
                                    bool resources_needed, QuerySink& sink);

/// Is the category one of this provider's own (the fixed model or an image mixin)?
Result<bool> IsProviderDefined(const ImageSource& source, const mappers::occi::Context& mctx,
                               const CategoryValue& category);

}  // namespace mkt::occi
