// GraphFeedingStore: an EntryStore decorator that hands every newly inserted
// entry to the SPARQL graph, so the graph follows the write path without the
// Registry knowing about it (the Registry stores through this; nothing else
// changes). Only kInserted outcomes are passed on: an identical re-upload adds
// nothing. Reads go straight through.
//
// Thread-safe as the wrapped store; EntryGraph::Add only queues.
#pragma once

#include "registry/forwarding_store.hpp"
#include "registry/redland/entry_graph.hpp"

namespace mkt::redland {

class GraphFeedingStore final : public ForwardingEntryStore {
  public:
    /// Both must outlive this store.
    GraphFeedingStore(EntryStore& inner, EntryGraph& graph)
        : ForwardingEntryStore(inner), graph_(graph) {}

    Result<PutOutcome> Put(Entry& entry) override {
        Result<PutOutcome> outcome = inner_.Put(entry);
        if (outcome.ok() && *outcome == PutOutcome::kInserted) graph_.Add(entry);
        return outcome;
    }

  private:
    EntryGraph& graph_;
};

}  // namespace mkt::redland
