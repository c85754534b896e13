#include "occi/image_source.hpp"

#include <algorithm>

namespace mkt::occi {

using mappers::occi::OcciImage;

namespace {

// Entries read per store page when the caller wants everything: a walk holds
// one page at a time (signed documents included), so this bounds the memory of
// a streamed answer over the whole store; keyset paging keeps more pages cheap.
constexpr size_t kWalkPageSize = 256;

EntryQuery QueryOf(const Registry& registry, const ImageFilter& filter) {
    EntryQuery q;
    q.identifier = filter.identifier;
    q.os = filter.os;
    q.os_version = filter.os_version;
    q.os_arch = filter.os_arch;
    q.text = filter.text;
    q.latest_only = true;
    q.statuses = StatusSet::Only(EntryStatus::kValid);
    q.sort = SortField::kIdentifier;
    q.descending = false;
    q.limit = std::min(filter.page_size == 0 ? kWalkPageSize : filter.page_size,
                       registry.options().max_page_size);
    return q;
}

// Newest endorsement first (the mappers take title and scalar fields from it),
// and the providers holding the image.
void Complete(const ImageSource& source, OcciImage& image) {
    std::stable_sort(image.entries.begin(), image.entries.end(),
                     [](const Entry& a, const Entry& b) { return b.key.created < a.key.created; });
    if (source.holdings) image.held_at = source.holdings->For(image.identifier());
}

}  // namespace

Status ForEachImage(const ImageSource& source, const ImageFilter& filter,
                    const std::function<bool(OcciImage&&)>& visit) {
    const Registry& registry = source.registry;
    EntryQuery query = QueryOf(registry, filter);
    OcciImage current;
    for (;;) {
        MKT_ASSIGN_OR_RETURN(EntryPage page, registry.Search(query));
        for (Entry& entry : page.entries) {
            if (!current.entries.empty() && current.identifier() != entry.key.identifier) {
                Complete(source, current);
                if (!visit(std::move(current))) return Status::Ok();
                current = OcciImage{};
            }
            current.entries.push_back(std::move(entry));
        }
        if (!page.next_cursor) break;
        query.cursor = std::move(page.next_cursor);
    }
    if (!current.entries.empty()) {
        Complete(source, current);
        visit(std::move(current));
    }
    return Status::Ok();
}

Result<std::optional<OcciImage>> FindImage(const ImageSource& source,
                                           const std::string& identifier) {
    std::optional<OcciImage> found;
    ImageFilter filter;
    filter.identifier = identifier;
    MKT_RETURN_IF_ERROR(ForEachImage(source, filter, [&](OcciImage&& image) {
        found = std::move(image);
        return false;
    }));
    return found;
}

}  // namespace mkt::occi
