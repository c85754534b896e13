#include "registry/redland/triple_graph.hpp"

#include <algorithm>
#include <cstring>

namespace mkt::redland {
namespace {

constexpr size_t kArenaBlock = 1 << 20;
constexpr char kSeparator = '\x01';
// The delta is merged into the base when it holds this many triples or an
// eighth of the base, whichever is larger: inserts stay cheap, merges rare.
constexpr size_t kMinDeltaBeforeMerge = 1 << 16;

}  // namespace

std::string EncodeTerm(const RdfTerm& term) {
    std::string key;
    switch (term.kind) {
        case RdfTerm::Kind::kUri:
            key.reserve(term.value.size() + 1);
            key += 'U';
            key += term.value;
            return key;
        case RdfTerm::Kind::kBlank:
            key += 'B';
            key += term.value;
            return key;
        case RdfTerm::Kind::kLiteral:
            break;
    }
    const bool typed = !term.datatype.empty() && term.datatype != kXsdString;
    key.reserve(term.value.size() + term.language.size() + term.datatype.size() + 2);
    key += typed ? 'D' : 'L';
    key += term.value;
    if (typed) {
        key += kSeparator;
        key += term.datatype;
    } else if (!term.language.empty()) {
        key += kSeparator;
        key += term.language;
    }
    return key;
}

RdfTerm DecodeTerm(std::string_view key) {
    RdfTerm term;
    if (key.empty()) return term;
    const char tag = key.front();
    key.remove_prefix(1);
    if (tag == 'U' || tag == 'B') {
        term.kind = tag == 'U' ? RdfTerm::Kind::kUri : RdfTerm::Kind::kBlank;
        term.value = key;
        return term;
    }
    term.kind = RdfTerm::Kind::kLiteral;
    const size_t sep = key.rfind(kSeparator);
    if (sep == std::string_view::npos) {
        term.value = key;
        return term;
    }
    term.value = key.substr(0, sep);
    (tag == 'D' ? term.datatype : term.language) = key.substr(sep + 1);
    return term;
}

TripleGraph::TripleGraph() = default;
TripleGraph::~TripleGraph() = default;

std::string_view TripleGraph::Store(std::string_view key) {
    if (arena_used_ + key.size() > arena_size_) {
        arena_size_ = std::max(kArenaBlock, key.size());
        arena_.push_back(std::make_unique<char[]>(arena_size_));
        arena_used_ = 0;
    }
    char* at = arena_.back().get() + arena_used_;
    if (!key.empty()) std::memcpy(at, key.data(), key.size());
    arena_used_ += key.size();
    return {at, key.size()};
}

TermId TripleGraph::Intern(std::string_view key) {
    if (auto it = ids_.find(key); it != ids_.end()) return it->second;
    const std::string_view stored = Store(key);
    const auto id = static_cast<TermId>(keys_.size());
    keys_.push_back(stored);
    ids_.emplace(stored, id);
    return id;
}

std::optional<TermId> TripleGraph::Find(std::string_view key) const {
    if (auto it = ids_.find(key); it != ids_.end()) return it->second;
    return std::nullopt;
}

TripleGraph::Key3 TripleGraph::Permute(Order order, const Triple& t) {
    switch (order) {
        case Order::kSpo:
            return {t.s, t.p, t.o};
        case Order::kPos:
            return {t.p, t.o, t.s};
        case Order::kOsp:
            return {t.o, t.s, t.p};
    }
    return {t.s, t.p, t.o};
}

Triple TripleGraph::Unpermute(Order order, const Key3& k) {
    switch (order) {
        case Order::kSpo:
            return {k[0], k[1], k[2]};
        case Order::kPos:
            return {k[2], k[0], k[1]};
        case Order::kOsp:
            return {k[1], k[2], k[0]};
    }
    return {k[0], k[1], k[2]};
}

bool TripleGraph::Contains(const Triple& triple) const {
    const Key3 key = Permute(Order::kSpo, triple);
    const Index& index = indexes_[0];
    return std::binary_search(index.base.begin(), index.base.end(), key) ||
           std::binary_search(index.delta.begin(), index.delta.end(), key);
}

void TripleGraph::Add(const Triple& triple) {
    if (Contains(triple)) return;
    for (size_t i = 0; i < indexes_.size(); ++i) {
        const Key3 key = Permute(static_cast<Order>(i), triple);
        auto& delta = indexes_[i].delta;
        delta.insert(std::lower_bound(delta.begin(), delta.end(), key), key);
    }
    if (indexes_[0].delta.size() >= std::max(kMinDeltaBeforeMerge, indexes_[0].base.size() / 8)) {
        MergeDeltas();
    }
}

void TripleGraph::AddUnsorted(const Triple& triple) {
    for (size_t i = 0; i < indexes_.size(); ++i) {
        indexes_[i].base.push_back(Permute(static_cast<Order>(i), triple));
    }
}

void TripleGraph::Seal() {
    for (Index& index : indexes_) {
        std::sort(index.base.begin(), index.base.end());
        index.base.erase(std::unique(index.base.begin(), index.base.end()), index.base.end());
        index.base.shrink_to_fit();
    }
    MergeDeltas();
}

void TripleGraph::MergeDeltas() {
    for (Index& index : indexes_) {
        if (index.delta.empty()) continue;
        std::vector<Key3> merged;
        merged.reserve(index.base.size() + index.delta.size());
        std::merge(index.base.begin(), index.base.end(), index.delta.begin(), index.delta.end(),
                   std::back_inserter(merged));
        merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
        index.base = std::move(merged);
        index.delta.clear();
    }
}

void TripleGraph::Remove(const Triple& triple) {
    for (size_t i = 0; i < indexes_.size(); ++i) {
        const Key3 key = Permute(static_cast<Order>(i), triple);
        for (auto* v : {&indexes_[i].delta, &indexes_[i].base}) {
            auto it = std::lower_bound(v->begin(), v->end(), key);
            if (it != v->end() && *it == key) v->erase(it);
        }
    }
}

size_t TripleGraph::TripleCount() const {
    return indexes_[0].base.size() + indexes_[0].delta.size();
}

TripleGraph::Matches TripleGraph::Match(const TriplePattern& pattern) const {
    // Pick the order in which the bound positions form a prefix.
    Order order = Order::kSpo;
    std::array<TermId, 3> prefix{};
    size_t length = 0;
    const bool s = pattern.s.has_value(), p = pattern.p.has_value(), o = pattern.o.has_value();
    if (s && p) {
        order = Order::kSpo;
        prefix = {*pattern.s, *pattern.p, o ? *pattern.o : 0};
        length = o ? 3 : 2;
    } else if (p) {
        order = Order::kPos;
        prefix = {*pattern.p, o ? *pattern.o : 0, 0};
        length = o ? 2 : 1;
    } else if (o) {
        order = Order::kOsp;
        prefix = {*pattern.o, s ? *pattern.s : 0, 0};
        length = s ? 2 : 1;
    } else if (s) {
        order = Order::kSpo;
        prefix = {*pattern.s, 0, 0};
        length = 1;
    }
    Matches matches;
    matches.order = order;
    const Index& index = indexes_[static_cast<size_t>(order)];
    auto less = [length](const Key3& a, const Key3& b) {
        for (size_t i = 0; i < length; ++i) {
            if (a[i] != b[i]) return a[i] < b[i];
        }
        return false;
    };
    const std::vector<Key3>* parts[2] = {&index.base, &index.delta};
    for (size_t i = 0; i < 2; ++i) {
        const Key3* begin = parts[i]->data();
        const Key3* end = begin + parts[i]->size();
        if (length > 0) {
            auto range = std::equal_range(begin, end, prefix, less);
            begin = range.first;
            end = range.second;
        }
        matches.ranges[i][0] = begin;
        matches.ranges[i][1] = end;
    }
    return matches;
}

size_t TripleGraph::MemoryBytes() const {
    size_t bytes = arena_.size() * kArenaBlock + keys_.capacity() * sizeof(std::string_view);
    bytes += ids_.size() * (sizeof(std::string_view) + sizeof(TermId) + 2 * sizeof(void*));
    bytes += ids_.bucket_count() * sizeof(void*);
    for (const Index& index : indexes_) {
        bytes += (index.base.capacity() + index.delta.capacity()) * sizeof(Key3);
    }
    return bytes;
}

}  // namespace mkt::redland
