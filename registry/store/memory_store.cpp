#include "registry/store/memory_store.hpp"

#include <algorithm>
#include <mutex>

#include "registry/store/entry_codec.hpp"
#include "registry/store/entry_columns.hpp"
#include "registry/store/query_cursor.hpp"

namespace mkt::store {

struct MemoryEntryStore::Stored {
    Entry entry;
    EntryColumns columns;
};

namespace {

bool Contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

bool EqualsFolded(const std::optional<std::string>& wanted, const std::string& stored_lc) {
    return !wanted || AsciiLower(*wanted) == stored_lc;
}

template <typename T>
bool EqualsIfSet(const std::optional<T>& wanted, const T& value) {
    return !wanted || *wanted == value;
}

Status NotFound(const EntryKey& key) {
    return Status::NotFound("metadata entry not found: " + key.ToPath());
}

}  // namespace

MemoryEntryStore::MemoryEntryStore() = default;
MemoryEntryStore::~MemoryEntryStore() = default;

Result<PutOutcome> MemoryEntryStore::Put(Entry& entry) {
    MKT_RETURN_IF_ERROR(CheckStorable(entry));
    // Same refusals as the SQL stores, which must encode the fields to store them.
    MKT_RETURN_IF_ERROR(EncodeEntryFields(entry.metadata, entry.signer).status());
    EntryColumns columns = DeriveColumns(entry);

    std::unique_lock lock(mutex_);
    const Key key{entry.key.identifier, entry.key.email, entry.key.created.unix_seconds()};
    if (auto it = by_key_.find(key); it != by_key_.end()) {
        if (entries_[it->second].entry.document == entry.document) return PutOutcome::kUnchanged;
        return EntryConflictError(entry.key);
    }
    const Pair pair{entry.key.identifier, entry.key.email};
    auto latest = latest_.find(pair);
    if (latest != latest_.end()) {
        const Timestamp newest = entries_[latest->second].entry.key.created;
        if (newest > entry.key.created) {
            return OlderThanLatestError(newest.ToString());
        }
    }
    entry.seq = static_cast<int64_t>(entries_.size()) + 1;
    entries_.push_back({entry, std::move(columns)});
    by_key_.emplace(key, entries_.size() - 1);
    latest_[pair] = entries_.size() - 1;
    return PutOutcome::kInserted;
}

Result<Entry> MemoryEntryStore::Get(const EntryKey& key) const {
    std::shared_lock lock(mutex_);
    auto it = by_key_.find(Key{key.identifier, key.email, key.created.unix_seconds()});
    if (it == by_key_.end()) return NotFound(key);
    return entries_[it->second].entry;
}

Result<std::optional<Timestamp>> MemoryEntryStore::LatestCreated(const std::string& identifier,
                                                                 const std::string& email) const {
    std::shared_lock lock(mutex_);
    auto it = latest_.find(Pair{identifier, email});
    if (it == latest_.end()) return std::optional<Timestamp>();
    return std::optional<Timestamp>(entries_[it->second].entry.key.created);
}

bool MemoryEntryStore::Matches(const Stored& s, const EntryQuery& q,
                               const std::vector<std::string>& terms) const {
    const Entry& e = s.entry;
    const EntryColumns& c = s.columns;
    if (!EqualsIfSet(q.identifier, e.key.identifier) || !EqualsIfSet(q.email, e.key.email) ||
        !EqualsIfSet(q.created, e.key.created) || !EqualsIfSet(q.tag, e.metadata.tag)) {
        return false;
    }
    if (q.created_after && !(e.key.created > *q.created_after)) return false;
    if (!q.statuses.Contains(e.StatusAt(q.now))) return false;
    if (!EqualsFolded(q.os, c.os_lc) || !EqualsFolded(q.os_version, c.os_version_lc) ||
        !EqualsFolded(q.os_arch, c.os_arch_lc)) {
        return false;
    }
    if (q.endorser) {
        const std::string needle = AsciiLower(*q.endorser);
        if (!Contains(c.email_lc, needle) && !Contains(c.subject_lc, needle)) return false;
    }
    return std::all_of(terms.begin(), terms.end(),
                       [&](const std::string& t) { return Contains(c.search_text, t); });
}

std::vector<size_t> MemoryEntryStore::NewestPerIdentifier() const {
    std::map<std::string, size_t> newest;
    for (const auto& [pair, index] : latest_) {
        auto [it, inserted] = newest.emplace(pair.first, index);
        if (inserted) continue;
        const Entry& held = entries_[it->second].entry;
        const Entry& candidate = entries_[index].entry;
        if (std::pair(candidate.key.created, candidate.seq) > std::pair(held.key.created, held.seq))
            it->second = index;
    }
    std::vector<size_t> out;
    out.reserve(newest.size());
    for (const auto& [identifier, index] : newest) out.push_back(index);
    return out;
}

Result<EntryPage> MemoryEntryStore::List(const EntryQuery& query) const {
    std::optional<SortPosition> after;
    if (query.cursor) {
        MKT_ASSIGN_OR_RETURN(SortPosition position, DecodeCursor(query, *query.cursor));
        after = std::move(position);
    }
    const std::vector<std::string> terms =
        query.text ? SearchTerms(*query.text) : std::vector<std::string>();
    std::shared_lock lock(mutex_);
    const bool latest_only = query.latest_only && !query.created;
    std::vector<std::pair<SortPosition, size_t>> matches;
    auto consider = [&](size_t index) {
        const Stored& s = entries_[index];
        if (!Matches(s, query, terms)) return;
        matches.push_back({SortPosition{SortValueOf(s.entry, query.sort), s.entry.seq}, index});
    };
    if (query.newest_per_identifier && !query.created) {
        for (size_t index : NewestPerIdentifier()) consider(index);
    } else if (latest_only) {
        for (const auto& [pair, index] : latest_) consider(index);
    } else {
        for (size_t i = 0; i < entries_.size(); ++i) consider(i);
    }
    auto before = [&](const auto& a, const auto& b) {
        return Precedes(a.first, b.first, query.descending);
    };
    std::sort(matches.begin(), matches.end(), before);

    EntryPage page;
    page.total = matches.size();
    size_t start = std::min(query.offset, matches.size());
    if (after) {
        auto it =
            std::upper_bound(matches.begin(), matches.end(), std::pair{*after, size_t{0}}, before);
        start = static_cast<size_t>(it - matches.begin());
    }
    const size_t end = start + std::min(query.limit, matches.size() - start);
    for (size_t i = start; i < end; ++i) page.entries.push_back(entries_[matches[i].second].entry);
    if (end < matches.size() && end > start) {
        page.next_cursor = EncodeCursor(query, matches[end - 1].first);
    }
    return page;
}

Result<std::vector<EndorserSummary>> MemoryEntryStore::Endorsers() const {
    std::shared_lock lock(mutex_);
    std::map<std::string, std::pair<EndorserSummary, const Stored*>> by_email;
    for (const Stored& s : entries_) {
        auto& [summary, newest] = by_email[s.entry.key.email];
        ++summary.entries;
        if (!newest || s.entry.key.created >= newest->entry.key.created) newest = &s;
    }
    std::vector<EndorserSummary> out;
    for (auto& [email, value] : by_email) {
        auto& [summary, newest] = value;
        summary.email = email;
        summary.subject = newest->columns.subject;
        summary.issuer = newest->columns.issuer;
        summary.latest_created = newest->entry.key.created;
        out.push_back(std::move(summary));
    }
    return out;
}

Result<std::vector<std::string>> MemoryEntryStore::Tags(const std::string& email) const {
    std::shared_lock lock(mutex_);
    std::vector<std::string> tags;
    for (const Stored& s : entries_) {
        if (s.entry.key.email == email && !s.entry.metadata.tag.empty()) {
            tags.push_back(s.entry.metadata.tag);
        }
    }
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    return tags;
}

Result<std::vector<Entry>> MemoryEntryStore::ChangesSince(int64_t after_seq, size_t limit) const {
    std::shared_lock lock(mutex_);
    std::vector<Entry> out;
    const size_t first = static_cast<size_t>(std::max<int64_t>(after_seq, 0));
    for (size_t i = first; i < entries_.size() && out.size() < limit; ++i) {
        out.push_back(entries_[i].entry);
    }
    return out;
}

Result<StoreStats> MemoryEntryStore::Stats() const {
    std::shared_lock lock(mutex_);
    return StoreStats{entries_.size(), static_cast<int64_t>(entries_.size())};
}

}  // namespace mkt::store
