#include "cimi/image_query.hpp"

#include <algorithm>

#include "registry/identifier.hpp"
#include "registry/text.hpp"

namespace mkt::cimi {
namespace {

using mappers::cimi::MachineImage;

DateTime ToDateTime(Timestamp t) { return DateTime{t.unix_seconds(), 0}; }

std::optional<Value> NonEmpty(const std::string& s) {
    if (s.empty()) return std::nullopt;
    return Value(s);
}

// ------------------------------------------------------------------ planning

StatusSet Intersect(StatusSet a, StatusSet b) {
    return {a.valid && b.valid, a.expired && b.expired, a.deprecated && b.deprecated};
}

StatusSet Complement(StatusSet s) { return {!s.valid, !s.expired, !s.deprecated}; }

// The statuses a `state` value stands for.
StatusSet StatusesOfState(const std::string& state) {
    if (state == mappers::cimi::kStateAvailable) return StatusSet::Only(EntryStatus::kValid);
    if (state == mappers::cimi::kStateError) return {false, true, true};
    return {false, false, false};
}

StatusSet StatusesOfName(const std::string& name) {
    for (EntryStatus s : {EntryStatus::kValid, EntryStatus::kExpired, EntryStatus::kDeprecated})
        if (EntryStatusName(s) == name) return StatusSet::Only(s);
    return {false, false, false};
}

void Flatten(const Node& node, std::vector<const Node*>& terms, bool& exact) {
    if (node.kind == Node::Kind::kAnd) {
        for (const Node& child : node.children) Flatten(child, terms, exact);
    } else if (node.kind == Node::Kind::kComparison) {
        terms.push_back(&node);
    } else {
        exact = false;  // an `or` stays for the evaluator
    }
}

// Sets `field` to `value`, or marks the plan empty when another value is set.
/// `ignore_case`: the store compares the field ignoring ASCII case, so two
/// values that differ only in case are the same condition.
void PushEquals(std::optional<std::string>& field, const std::string& value, StorePlan& plan,
                bool ignore_case = false) {
    if (field && (ignore_case ? !text::EqualsIgnoreCase(*field, value) : *field != value)) {
        plan.empty = true;
    }
    field = value;
}

// Pushes one comparison; false when it is left to the evaluator.
bool Push(const Comparison& c, StorePlan& plan) {
    EntryQuery& q = plan.query;
    const auto* text = std::get_if<std::string>(&c.literal);
    if (c.property && text) {
        const std::string& key = *c.property;
        if (key == "status" && (c.op == Op::kEq || c.op == Op::kNe)) {
            const StatusSet s = StatusesOfName(*text);
            q.statuses = Intersect(q.statuses, c.op == Op::kEq ? s : Complement(s));
            return true;
        }
        if (c.op != Op::kEq) return false;
        if (IsCaseInsensitiveProperty(key)) {
            // Both the store and the evaluator compare these ignoring ASCII case.
            auto& field = key == "os" ? q.os : key == "os-version" ? q.os_version : q.os_arch;
            PushEquals(field, *text, plan, true);
            return true;
        }
        if (key == "endorser") {
            PushEquals(q.email, *text, plan);
            return true;
        }
        return false;
    }
    if (c.attribute == "state" && text && (c.op == Op::kEq || c.op == Op::kNe)) {
        const StatusSet s = StatusesOfState(*text);
        q.statuses = Intersect(q.statuses, c.op == Op::kEq ? s : Complement(s));
        return true;
    }
    const auto* date = std::get_if<DateTime>(&c.literal);
    if (c.attribute == "created" && date && (c.op == Op::kGt || c.op == Op::kGe)) {
        // Endorsement times are whole seconds: s > 10.5 <=> s > 10; s >= 10 <=> s > 9.
        int64_t after = date->seconds;
        if (c.op == Op::kGe && date->nanos == 0) after -= 1;
        const Timestamp t = Timestamp::FromUnixSeconds(after);
        if (!q.created_after || *q.created_after < t) q.created_after = t;
        return true;
    }
    return false;
}

// ------------------------------------------------------------------ ordering

std::optional<SortField> StoreSort(const std::vector<OrderKey>& order, bool* descending) {
    if (order.empty()) {
        *descending = true;
        return SortField::kCreated;
    }
    if (order.size() != 1) return std::nullopt;
    *descending = order.front().descending;
    if (order.front().attribute == "created") return SortField::kCreated;
    if (order.front().attribute == "id") return SortField::kIdentifier;
    return std::nullopt;
}

// Missing values sort last in either direction; `id` breaks ties.
bool Before(const MachineImage& a, const MachineImage& b, const std::vector<OrderKey>& order) {
    const ImageTarget ta(a), tb(b);
    for (const OrderKey& key : order) {
        auto va = ta.Attribute(key.attribute), vb = tb.Attribute(key.attribute);
        if (!va || !vb) {
            if (va.has_value() != vb.has_value()) return va.has_value();
            continue;
        }
        if (*va == *vb) continue;
        return key.descending ? *vb < *va : *va < *vb;
    }
    return a.id < b.id;
}

EntryQuery ImageEntries(const std::string& identifier) {
    EntryQuery q;
    q.identifier = identifier;
    q.latest_only = true;
    q.statuses = StatusSet::All();
    q.sort = SortField::kCreated;
    q.descending = true;  // the first is the newest endorsement (ties: greatest seq)
    q.limit = 1000;
    return q;
}

}  // namespace

std::optional<Value> ImageTarget::Attribute(std::string_view path) const {
    if (path == "id") return Value(image_.id);
    if (path == "name") return NonEmpty(image_.name);
    if (path == "description") return NonEmpty(image_.description);
    if (path == "created") return Value(ToDateTime(image_.created));
    if (path == "updated") return Value(ToDateTime(image_.updated));
    if (path == "state") return NonEmpty(image_.state);
    if (path == "type") return NonEmpty(image_.type);
    if (path == "imageLocation") return NonEmpty(image_.image_location);
    if (path == "relatedImage" || path == "relatedImage/href") {
        return NonEmpty(image_.related_image);
    }
    return std::nullopt;
}

bool IsCaseInsensitiveProperty(std::string_view key) {
    return key == "os" || key == "os-version" || key == "os-arch";
}

bool ImageTarget::PropertyIgnoresCase(std::string_view key) const {
    return IsCaseInsensitiveProperty(key);
}

std::optional<std::string_view> ImageTarget::Property(std::string_view key) const {
    auto it = image_.properties.find(std::string(key));
    if (it == image_.properties.end()) return std::nullopt;
    return std::string_view(it->second);
}

std::optional<Value> ImageAttributeType(std::string_view path) {
    for (std::string_view name : {"id", "name", "description", "state", "type", "imageLocation",
                                  "relatedImage", "relatedImage/href"}) {
        if (path == name) return Value(std::string());
    }
    if (path == "created" || path == "updated") return Value(DateTime{});
    return std::nullopt;
}

StorePlan PlanStoreQuery(const ImageQuery& query) {
    StorePlan plan;
    EntryQuery& q = plan.query;
    q.newest_per_identifier = true;
    q.latest_only = true;
    q.statuses = StatusSet::Only(EntryStatus::kValid);
    bool descending = true;
    if (auto sort = StoreSort(query.order, &descending)) {
        q.sort = *sort;
        q.descending = descending;
    } else {
        plan.sort_in_store = false;
        plan.exact = false;
    }
    if (!query.filter) return plan;
    const Node& root = query.filter->root();
    if (Mentions(root, "state", "status")) q.statuses = StatusSet::All();
    std::vector<const Node*> terms;
    Flatten(root, terms, plan.exact);
    for (const Node* term : terms) {
        if (!Push(term->comparison, plan)) plan.exact = false;
    }
    if (!q.statuses.valid && !q.statuses.expired && !q.statuses.deprecated) plan.empty = true;
    return plan;
}

ImageQueryResult QueryImages(std::vector<MachineImage> images, const ImageQuery& query) {
    ImageQueryResult result;
    std::vector<MachineImage> matched;
    for (auto& image : images) {
        if (!query.filter || query.filter->Matches(ImageTarget(image)))
            matched.push_back(std::move(image));
    }
    result.count = matched.size();
    const std::vector<OrderKey> order =
        query.order.empty() ? std::vector<OrderKey>{{"created", true}} : query.order;
    std::sort(matched.begin(), matched.end(),
              [&](const MachineImage& a, const MachineImage& b) { return Before(a, b, order); });
    const uint64_t first = std::max<uint64_t>(query.first, 1);
    const uint64_t last = std::min(query.last, first + kMaxPageItems - 1);
    for (uint64_t i = first; i <= last && i <= matched.size(); ++i)
        result.images.push_back(std::move(matched[i - 1]));
    return result;
}

Result<ImageQueryResult> RunImageQuery(const Registry& registry, const ImageQuery& query,
                                       const mappers::cimi::ImageContext& context,
                                       const ProviderHoldings* holdings) {
    StorePlan plan = PlanStoreQuery(query);
    ImageQueryResult result;
    if (plan.empty) {
        result.exact_plan = true;
        return result;
    }
    const uint64_t first = std::max<uint64_t>(query.first, 1);
    const uint64_t last = std::min(query.last, first + kMaxPageItems - 1);
    const uint64_t window = last >= first ? last - first + 1 : 0;
    auto to_image = [&](const Entry& e) {
        MachineImage image = mappers::cimi::ToMachineImage(e, {}, context);
        if (holdings) AddProviderLocations(image, holdings->For(e.key.identifier));
        return image;
    };

    if (plan.exact) {
        plan.query.offset = first - 1;
        plan.query.limit = std::max<uint64_t>(window, 1);
        MKT_ASSIGN_OR_RETURN(EntryPage page, registry.Search(plan.query));
        result.count = page.total;
        result.exact_plan = true;
        for (size_t i = 0; i < page.entries.size() && i < window; ++i)
            result.images.push_back(to_image(page.entries[i]));
        return result;
    }

    // Walk the candidates; keep the window (store order) or the best `last` (own order).
    plan.query.limit = 1000;
    std::vector<MachineImage> kept;
    auto before = [&](const MachineImage& a, const MachineImage& b) {
        return Before(a, b, query.order);
    };
    while (true) {
        MKT_ASSIGN_OR_RETURN(EntryPage page, registry.Search(plan.query));
        for (const Entry& e : page.entries) {
            MachineImage image = to_image(e);
            if (query.filter && !query.filter->Matches(ImageTarget(image))) continue;
            ++result.count;
            if (plan.sort_in_store) {
                if (result.count >= first && result.count <= last) kept.push_back(std::move(image));
            } else if (window > 0) {
                kept.push_back(std::move(image));
                if (kept.size() >= 2 * last + 64) {
                    std::sort(kept.begin(), kept.end(), before);
                    kept.resize(last);
                }
            }
        }
        if (!page.next_cursor) break;
        plan.query.cursor = page.next_cursor;
    }
    if (!plan.sort_in_store) {
        std::sort(kept.begin(), kept.end(), before);
        if (kept.size() > last) kept.resize(last);
        kept.erase(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(
                                                    std::min<uint64_t>(first - 1, kept.size())));
    }
    result.images = std::move(kept);
    return result;
}

Result<MachineImage> FindImage(const Registry& registry, const std::string& identifier,
                               const mappers::cimi::ImageContext& context,
                               const ProviderHoldings* holdings) {
    if (!identifier::IsValid(identifier)) {
        return Status::NotFound("no MachineImage " + identifier +
                                " (not a 27-character image identifier)");
    }
    MKT_ASSIGN_OR_RETURN(EntryPage page, registry.Search(ImageEntries(identifier)));
    if (page.entries.empty()) return Status::NotFound("no MachineImage " + identifier);
    std::vector<std::string> endorsers;
    for (const Entry& e : page.entries) endorsers.push_back(e.key.email);
    std::sort(endorsers.begin(), endorsers.end());
    MachineImage image = mappers::cimi::ToMachineImage(page.entries.front(), endorsers, context);
    if (holdings) AddProviderLocations(image, holdings->For(identifier));
    return image;
}

}  // namespace mkt::cimi
