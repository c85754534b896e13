// ForwardingEntryStore: the base of EntryStore decorators. Every method goes to
// the wrapped store; a decorator overrides only what it changes (the entry
// cache its reads, the graph feeder its Put), so a method added to EntryStore
// is forwarded in one place.
#pragma once

#include "registry/entry_store.hpp"

namespace mkt {

class ForwardingEntryStore : public EntryStore {
  public:
    /// `inner` must outlive this store. To wrap another decorator, pass it as
    /// an EntryStore& (a ForwardingEntryStore argument would pick the deleted
    /// copy constructor, which would otherwise copy its inner store, not wrap it).
    explicit ForwardingEntryStore(EntryStore& inner) : inner_(inner) {}
    ForwardingEntryStore(const ForwardingEntryStore&) = delete;
    ForwardingEntryStore& operator=(const ForwardingEntryStore&) = delete;

    Result<PutOutcome> Put(Entry& entry) override { return inner_.Put(entry); }
    Result<Entry> Get(const EntryKey& key) const override { return inner_.Get(key); }
    Result<std::shared_ptr<const Entry>> GetShared(const EntryKey& key) const override {
        return inner_.GetShared(key);
    }
    Result<std::optional<Timestamp>> LatestCreated(const std::string& identifier,
                                                   const std::string& email) const override {
        return inner_.LatestCreated(identifier, email);
    }
    Result<EntryPage> List(const EntryQuery& query) const override { return inner_.List(query); }
    Result<std::vector<EndorserSummary>> Endorsers() const override { return inner_.Endorsers(); }
    Result<std::vector<std::string>> Tags(const std::string& email) const override {
        return inner_.Tags(email);
    }
    Result<std::vector<Entry>> ChangesSince(int64_t after_seq, size_t limit) const override {
        return inner_.ChangesSince(after_seq, limit);
    }
    Result<StoreStats> Stats() const override { return inner_.Stats(); }

  protected:
    EntryStore& inner_;
};

}  // namespace mkt
