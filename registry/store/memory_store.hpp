// MemoryEntryStore: an EntryStore held in process memory, for unit tests and
// `--ephemeral` servers. Nothing survives the object.
//
// Same semantics as the SQL stores (the conformance suite in tests/registry/store/
// runs against both): the same derived columns (entry_columns.hpp), order and
// cursors (query_cursor.hpp), and the same validation of what is storable.
// Entries live in a vector indexed by seq - 1 with maps for the key and the latest
// entry of each (identifier, email); List filters and sorts linearly, which is
// fine for the few thousand entries tests and demos hold.
//
// Thread-safety: all methods; one shared_mutex (readers in parallel, Put alone).
// Put is "durable" as soon as it returns (for the lifetime of the object).
#pragma once

#include <map>
#include <shared_mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "registry/entry_store.hpp"

namespace mkt::store {

class MemoryEntryStore final : public EntryStore {
  public:
    MemoryEntryStore();
    ~MemoryEntryStore() override;

    /// Errors: kInvalidArgument (CheckStorable, codec UTF-8 check, older than
    /// latest), kAlreadyExists; never kUnavailable.
    Result<PutOutcome> Put(Entry& entry) override;
    Result<Entry> Get(const EntryKey& key) const override;
    Result<std::optional<Timestamp>> LatestCreated(const std::string& identifier,
                                                   const std::string& email) const override;
    Result<EntryPage> List(const EntryQuery& query) const override;
    Result<std::vector<EndorserSummary>> Endorsers() const override;
    Result<std::vector<std::string>> Tags(const std::string& email) const override;
    Result<std::vector<Entry>> ChangesSince(int64_t after_seq, size_t limit) const override;
    Result<StoreStats> Stats() const override;

  private:
    struct Stored;
    using Key = std::tuple<std::string, std::string, int64_t>;  // identifier, email, created
    using Pair = std::pair<std::string, std::string>;           // identifier, email

    bool Matches(const Stored& s, const EntryQuery& q, const std::vector<std::string>& terms) const;
    /// Indexes of the newest latest entry of each identifier (caller holds the lock).
    std::vector<size_t> NewestPerIdentifier() const;

    mutable std::shared_mutex mutex_;
    std::vector<Stored> entries_;   // entries_[i].entry.seq == i + 1
    std::map<Key, size_t> by_key_;  // -> index in entries_
    std::map<Pair, size_t> latest_;
};

}  // namespace mkt::store
