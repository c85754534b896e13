// The server's figures on /metrics, wired from the parts the App owns: each
// figure is one registration that reads what its component already counts, at
// scrape time. A new component adds its figures here (one line each): e.g. a
// federation peer's lag as a gauge family labelled by peer.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "metrics/metrics.hpp"
#include "registry/email_confirmation.hpp"
#include "registry/entry_store.hpp"
#include "registry/federation/peer_sync.hpp"
#include "registry/redland/entry_graph.hpp"
#include "registry/redland/sparql_engine.hpp"
#include "registry/registry.hpp"
#include "registry/xmlsec/trust_store.hpp"

namespace mkt::server {

/// Outcomes of reloads (SIGHUP) since start.
struct ReloadCounts {
    std::atomic<uint64_t> succeeded{0}, failed{0};
    std::atomic<double> last_success_unix_seconds{0};
};

/// What RegisterServerMetrics reads. All must outlive the metrics registry's
/// last Render; `entry_store` is the store the Registry reads through (its
/// entry-cache figures appear when it is a store::CachingEntryStore); `trust`
/// is null in compat mode.
struct MetricSources {
    const Registry& registry;
    const EntryStore& entry_store;
    const redland::EntryGraph& graph;
    const redland::SparqlEngine& sparql;
    const xmlsec::TrustStore* trust = nullptr;
    const ReloadCounts& reloads;
    /// Every federation peer's state (server/federation_puller.hpp); null without peers.
    std::function<std::vector<federation::PeerState>()> peers = nullptr;
    /// upload.confirm_email; null when off.
    const EmailConfirmation* confirmation = nullptr;
};

/// Registers the marketplace_* families (uploads, store, entry cache, SPARQL,
/// graph, trust store, reloads, federation peers, build info) and the process_* figures.
void RegisterServerMetrics(metrics::MetricsRegistry& registry, const MetricSources& sources);

}  // namespace mkt::server
