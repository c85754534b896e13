// CachingEntryStore: an EntryStore decorator that keeps recently read entries
// in memory, so `GET /metadata/{id}/{email}/{created}` does not touch the
// database for hot entries.
//
// Correct without invalidation because entries are immutable: once an entry
// exists under a key its bytes never change and it is never deleted. Only
// successful Gets are cached (a NotFound may become found later); Put, List
// and the other reads go straight to the wrapped store. The budget counts the
// document and metadata bytes of cached entries; least recently used entries
// are dropped first. Thread-safe (sharded locks; no lock is held during a call
// to the wrapped store).
#pragma once

#include <cstddef>
#include <memory>

#include "registry/forwarding_store.hpp"

namespace mkt::store {

class CachingEntryStore final : public ForwardingEntryStore {
  public:
    /// `inner` must outlive this object. `budget_bytes` = 0 disables caching.
    CachingEntryStore(EntryStore& inner, size_t budget_bytes);
    ~CachingEntryStore() override;

    Result<Entry> Get(const EntryKey& key) const override;
    /// A cached entry is shared, not copied.
    Result<std::shared_ptr<const Entry>> GetShared(const EntryKey& key) const override;

    struct CacheStats {
        size_t entries = 0, bytes = 0;
        uint64_t hits = 0, misses = 0;
    };
    CacheStats cache_stats() const;

  private:
    struct Shard;
    Shard& ShardFor(const std::string& key) const;

    size_t shard_budget_;
    std::unique_ptr<Shard[]> shards_;
};

}  // namespace mkt::store
