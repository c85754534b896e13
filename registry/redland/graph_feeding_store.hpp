// GraphFeedingStore: an EntryStore decorator that hands every newly inserted
// entry to the SPARQL graph, so the graph follows the write path without the
// Registry knowing about it (the Registry stores through this; nothing else
// changes). Only kInserted outcomes are passed on: an identical re-upload adds
// nothing. Reads go straight through.
//
// Thread-safe as the wrapped store; EntryGraph::Add only queues.
#pragma once

#include "registry/entry_store.hpp"
#include "registry/redland/entry_graph.hpp"

namespace mkt::redland {

class GraphFeedingStore final : public EntryStore {
  public:
    /// Both must outlive this store.
    GraphFeedingStore(EntryStore& inner, EntryGraph& graph) : inner_(inner), graph_(graph) {}

    Result<PutOutcome> Put(Entry& entry) override {
        Result<PutOutcome> outcome = inner_.Put(entry);
        if (outcome.ok() && *outcome == PutOutcome::kInserted) graph_.Add(entry);
        return outcome;
    }
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

  private:
    EntryStore& inner_;
    EntryGraph& graph_;
};

}  // namespace mkt::redland
