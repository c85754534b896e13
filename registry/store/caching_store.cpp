#include "registry/store/caching_store.hpp"

#include <functional>
#include <list>
#include <mutex>
#include <unordered_map>

namespace mkt::store {
namespace {

constexpr size_t kShards = 16;

std::string CacheKey(const EntryKey& key) {
    return key.identifier + '\n' + key.email + '\n' + std::to_string(key.created.unix_seconds());
}

size_t Footprint(const Entry& e) {
    size_t bytes = sizeof(Entry) + e.document.size() + e.metadata.title.size() +
                   e.metadata.description.size() + e.signer.subject.size() + e.signer.issuer.size();
    for (const auto& l : e.metadata.locations) bytes += l.size();
    for (const auto& c : e.metadata.checksums) bytes += c.value.size() + c.algorithm.size();
    return bytes + 512;  // the many short fields
}

}  // namespace

struct CachingEntryStore::Shard {
    using Item = std::pair<std::string, std::shared_ptr<const Entry>>;
    std::mutex mu;
    std::list<Item> lru;  // front = most recently used
    std::unordered_map<std::string, std::list<Item>::iterator> index;
    size_t bytes = 0;
    uint64_t hits = 0, misses = 0;
};

CachingEntryStore::CachingEntryStore(EntryStore& inner, size_t budget_bytes)
    : ForwardingEntryStore(inner),
      shard_budget_(budget_bytes / kShards),
      shards_(new Shard[kShards]) {}

CachingEntryStore::~CachingEntryStore() = default;

CachingEntryStore::Shard& CachingEntryStore::ShardFor(const std::string& key) const {
    return shards_[std::hash<std::string>{}(key) % kShards];
}

Result<Entry> CachingEntryStore::Get(const EntryKey& key) const {
    MKT_ASSIGN_OR_RETURN(std::shared_ptr<const Entry> shared, GetShared(key));
    return *shared;
}

Result<std::shared_ptr<const Entry>> CachingEntryStore::GetShared(const EntryKey& key) const {
    if (shard_budget_ == 0) return inner_.GetShared(key);
    const std::string cache_key = CacheKey(key);
    Shard& shard = ShardFor(cache_key);
    {
        std::lock_guard lock(shard.mu);
        auto it = shard.index.find(cache_key);
        if (it != shard.index.end()) {
            shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
            ++shard.hits;
            return it->second->second;
        }
        ++shard.misses;
    }
    MKT_ASSIGN_OR_RETURN(std::shared_ptr<const Entry> loaded, inner_.GetShared(key));
    const size_t size = Footprint(*loaded);
    if (size > shard_budget_) return loaded;
    std::lock_guard lock(shard.mu);
    if (shard.index.count(cache_key)) return loaded;  // another thread cached it meanwhile
    shard.lru.emplace_front(cache_key, loaded);
    shard.index.emplace(cache_key, shard.lru.begin());
    shard.bytes += size;
    while (shard.bytes > shard_budget_ && !shard.lru.empty()) {
        shard.bytes -= Footprint(*shard.lru.back().second);
        shard.index.erase(shard.lru.back().first);
        shard.lru.pop_back();
    }
    return loaded;
}

CachingEntryStore::CacheStats CachingEntryStore::cache_stats() const {
    CacheStats stats;
    for (size_t i = 0; i < kShards; ++i) {
        std::lock_guard lock(shards_[i].mu);
        stats.entries += shards_[i].lru.size();
        stats.bytes += shards_[i].bytes;
        stats.hits += shards_[i].hits;
        stats.misses += shards_[i].misses;
    }
    return stats;
}

}  // namespace mkt::store
