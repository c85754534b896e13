#include "server/app_metrics.hpp"

#include <string>

#include "metrics/process_metrics.hpp"
#include "registry/store/caching_store.hpp"

#ifndef MKT_VERSION
#error "MKT_VERSION must be defined by the build (server/CMakeLists.txt)"
#endif

namespace mkt::server {
namespace {

using metrics::SampleWriter;

double AsDouble(uint64_t n) { return static_cast<double>(n); }

void RegisterUploadMetrics(metrics::MetricsRegistry& m, const Registry& registry) {
    struct Origin {
        SubmitOrigin origin;
        const char* label;
    };
    static constexpr Origin kOrigins[] = {{SubmitOrigin::kDirectUpload, "upload"},
                                          {SubmitOrigin::kReplication, "replication"},
                                          {SubmitOrigin::kConfirmation, "confirmation"}};
    m.AddCounter("marketplace_uploads_accepted_total",
                 "Documents accepted by the Registry, by origin (upload, replication, "
                 "confirmation: a held upload published when its address was confirmed) and "
                 "result (created: a new entry; unchanged: an identical re-upload of a stored "
                 "entry; held: kept until the endorser confirms the e-mail address).",
                 {"origin", "result"}, [&registry](SampleWriter& w) {
                     for (const Origin& o : kOrigins) {
                         const auto& c = registry.submit_counts(o.origin);
                         w.Add({o.label, "created"}, AsDouble(c.created.load()));
                         w.Add({o.label, "unchanged"}, AsDouble(c.unchanged.load()));
                         if (o.origin == SubmitOrigin::kDirectUpload) {
                             w.Add({o.label, "held"}, AsDouble(c.held.load()));
                         }
                     }
                 });
    m.AddCounter(
        "marketplace_uploads_refused_total",
        "Documents refused by the Registry, by origin and reason class (the error "
        "code of the answer: invalid_argument for parse, schema, signature and rule "
        "failures, permission_denied for trust and read-only, already_exists, ...).",
        {"origin", "reason"}, [&registry](SampleWriter& w) {
            for (const Origin& o : kOrigins) {
                const auto& c = registry.submit_counts(o.origin);
                for (size_t i = 1; i < kStatusCodeCount; ++i) {
                    const auto code = static_cast<StatusCode>(i);
                    w.Add({o.label, std::string(StatusCodeName(code))}, AsDouble(c.refused[code]));
                }
            }
        });
}

void RegisterStoreMetrics(metrics::MetricsRegistry& m, const Registry& registry,
                          const EntryStore& entry_store) {
    // One store read per scrape for the three figures would need a shared
    // snapshot; two small reads per scrape are cheaper than the complexity.
    m.AddGauge("marketplace_store_up", "1 when the store answered the last scrape's read, else 0.",
               [&registry] { return registry.Stats().ok() ? 1.0 : 0.0; });
    m.AddGauge("marketplace_store_entries", "Entries in the store (every version of every image).",
               {}, [&registry](SampleWriter& w) {
                   if (auto s = registry.Stats(); s.ok()) w.Add({}, AsDouble(s->entries));
               });
    m.AddGauge("marketplace_store_last_seq",
               "Sequence number of the newest entry of the change feed.", {},
               [&registry](SampleWriter& w) {
                   if (auto s = registry.Stats(); s.ok())
                       w.Add({}, static_cast<double>(s->last_seq));
               });
    const auto* cache = dynamic_cast<const store::CachingEntryStore*>(&entry_store);
    if (!cache) return;
    m.AddCounter("marketplace_entry_cache_hits_total",
                 "Single-entry reads answered from the entry cache.",
                 [cache] { return AsDouble(cache->cache_stats().hits); });
    m.AddCounter("marketplace_entry_cache_misses_total",
                 "Single-entry reads that went to the database.",
                 [cache] { return AsDouble(cache->cache_stats().misses); });
    m.AddGauge("marketplace_entry_cache_entries", "Entries held by the entry cache.",
               [cache] { return AsDouble(cache->cache_stats().entries); });
    m.AddGauge("marketplace_entry_cache_bytes",
               "Bytes held by the entry cache (store.cache_bytes).",
               [cache] { return AsDouble(cache->cache_stats().bytes); });
}

const char* SparqlOutcome(StatusCode code) {
    switch (code) {
        case StatusCode::kOk:
            return "ok";
        case StatusCode::kInvalidArgument:
            return "refused";
        case StatusCode::kDeadlineExceeded:
            return "timeout";
        case StatusCode::kUnavailable:
            return "unavailable";
        default:
            return "error";
    }
}

void RegisterSparqlMetrics(metrics::MetricsRegistry& m, const redland::SparqlEngine& sparql,
                           const redland::EntryGraph& graph) {
    m.AddCounter("marketplace_sparql_queries_total",
                 "SPARQL queries by outcome: ok, refused (syntax, refused form, over "
                 "sparql.max_rows), timeout (sparql.timeout_ms), unavailable (all "
                 "sparql.max_concurrent slots busy or the graph not ready), error.",
                 {"outcome"}, [&sparql](SampleWriter& w) {
                     uint64_t by_outcome[5] = {};
                     static constexpr const char* kOutcomes[] = {"ok", "refused", "timeout",
                                                                 "unavailable", "error"};
                     for (size_t i = 0; i < kStatusCodeCount; ++i) {
                         const auto code = static_cast<StatusCode>(i);
                         const std::string_view outcome = SparqlOutcome(code);
                         for (size_t k = 0; k < 5; ++k) {
                             if (outcome == kOutcomes[k]) by_outcome[k] += sparql.outcomes()[code];
                         }
                     }
                     for (size_t k = 0; k < 5; ++k) w.Add({kOutcomes[k]}, AsDouble(by_outcome[k]));
                 });
    m.AddGauge("marketplace_sparql_queries_running",
               "SPARQL queries running now (at most sparql.max_concurrent).",
               [&sparql] { return AsDouble(sparql.running()); });
    m.AddGauge("marketplace_sparql_graph_ready",
               "1 once the SPARQL graph is built and queries are answered, else 0.", [&graph] {
                   return graph.state() == redland::EntryGraph::State::kReady ? 1.0 : 0.0;
               });
    m.AddGauge("marketplace_sparql_graph_entries", "Entries in the SPARQL graph.",
               [&graph] { return AsDouble(graph.Stats().entries); });
    m.AddGauge("marketplace_sparql_graph_triples", "Triples in the SPARQL graph.",
               [&graph] { return AsDouble(graph.Stats().triples); });
    m.AddGauge("marketplace_sparql_graph_pending_entries",
               "Accepted entries not yet in the SPARQL graph (the graph's lag behind the store).",
               [&graph] { return AsDouble(graph.Stats().pending); });
    m.AddGauge("marketplace_sparql_graph_memory_bytes", "Approximate memory of the SPARQL graph.",
               [&graph] { return AsDouble(graph.Stats().memory_bytes); });
}

void RegisterTrustMetrics(metrics::MetricsRegistry& m, const xmlsec::TrustStore& trust) {
    m.AddGauge("marketplace_trust_ca_certificates", "CA certificates loaded from trust.ca_dir.",
               [&trust] { return AsDouble(trust.stats().ca_certificates); });
    m.AddGauge("marketplace_trust_crls", "CRLs loaded from trust.ca_dir.",
               [&trust] { return AsDouble(trust.stats().crls); });
    m.AddGauge("marketplace_trust_endorser_bindings", "Bindings of trust.endorsers_file.",
               [&trust] { return AsDouble(trust.stats().endorser_bindings); });
    m.AddCounter("marketplace_trust_loads_total",
                 "Successful loads of the CA directory and endorser list (start-up included).",
                 [&trust] { return AsDouble(trust.stats().generation); });
    m.AddGauge("marketplace_trust_reload_ok",
               "0 when the last automatic reload of the trust material failed (the previous "
               "content stays in use), else 1.",
               [&trust] { return trust.last_reload_status().ok() ? 1.0 : 0.0; });
}

void RegisterReloadMetrics(metrics::MetricsRegistry& m, const ReloadCounts& reloads) {
    m.AddCounter("marketplace_reloads_total",
                 "Reloads on SIGHUP (systemctl reload) by result: ok, or failed (a part kept "
                 "its previous content; the log says which).",
                 {"result"}, [&reloads](SampleWriter& w) {
                     w.Add({"ok"}, AsDouble(reloads.succeeded.load()));
                     w.Add({"failed"}, AsDouble(reloads.failed.load()));
                 });
    m.AddGauge("marketplace_reload_last_success_timestamp_seconds",
               "When the last fully successful reload finished (Unix time; 0: none yet).",
               [&reloads] { return reloads.last_success_unix_seconds.load(); });
}

void RegisterFederationMetrics(metrics::MetricsRegistry& m,
                               const std::function<std::vector<federation::PeerState>()>& peers) {
    m.AddGauge("marketplace_federation_peer_lag",
               "Changes a federation peer has that this instance has not handled yet.", {"peer"},
               [peers](SampleWriter& w) {
                   for (const auto& p : peers()) w.Add({p.name}, static_cast<double>(p.lag()));
               });
    m.AddGauge("marketplace_federation_peer_cursor",
               "The greatest seq of the peer's feed handled (stored or refused).", {"peer"},
               [peers](SampleWriter& w) {
                   for (const auto& p : peers()) w.Add({p.name}, static_cast<double>(p.cursor));
               });
    m.AddGauge("marketplace_federation_peer_up",
               "1 when the last pull of the peer caught up, 0 when it failed (see /health).",
               {"peer"}, [peers](SampleWriter& w) {
                   for (const auto& p : peers()) w.Add({p.name}, p.last_error.empty() ? 1.0 : 0.0);
               });
    m.AddCounter("marketplace_federation_entries_total",
                 "Changes pulled from a peer by outcome: stored, already_present, refused.",
                 {"peer", "outcome"}, [peers](SampleWriter& w) {
                     for (const auto& p : peers()) {
                         w.Add({p.name, "stored"}, AsDouble(p.totals.stored));
                         w.Add({p.name, "already_present"}, AsDouble(p.totals.present));
                         w.Add({p.name, "refused"}, AsDouble(p.totals.refused));
                     }
                 });
    m.AddCounter("marketplace_federation_refused_total",
                 "Changes from a peer refused by this instance's rules, by reason.",
                 {"peer", "reason"}, [peers](SampleWriter& w) {
                     for (const auto& p : peers()) {
                         for (const auto& [reason, count] : p.totals.refused_by_reason)
                             w.Add({p.name, reason}, AsDouble(count));
                     }
                 });
}

void RegisterConfirmationMetrics(metrics::MetricsRegistry& m,
                                 const EmailConfirmation& confirmation) {
    m.AddGauge("marketplace_confirmation_held_uploads",
               "Uploads held until their endorser confirms the e-mail address.", {},
               [&confirmation](SampleWriter& w) {
                   if (auto n = confirmation.PendingCount(); n.ok()) w.Add({}, AsDouble(*n));
               });
    m.AddCounter("marketplace_confirmation_events_total",
                 "E-mail confirmation events: held (an upload kept, its message sent), "
                 "mail_failed (the message could not be sent; nothing kept), confirmed (a link "
                 "followed), link_refused (a wrong, used or expired link), published (held "
                 "uploads stored on confirmation), dropped (held uploads expired).",
                 {"event"}, [&confirmation](SampleWriter& w) {
                     const ConfirmationCounts& c = confirmation.counts();
                     w.Add({"held"}, AsDouble(c.held.load()));
                     w.Add({"mail_failed"}, AsDouble(c.mail_failures.load()));
                     w.Add({"confirmed"}, AsDouble(c.confirmed.load()));
                     w.Add({"link_refused"}, AsDouble(c.refused_links.load()));
                     w.Add({"published"}, AsDouble(c.published.load()));
                     w.Add({"dropped"}, AsDouble(c.dropped.load()));
                 });
}

}  // namespace

void RegisterServerMetrics(metrics::MetricsRegistry& m, const MetricSources& s) {
    m.AddGauge("marketplace_build_info", "Always 1; the version of the running server.",
               {"version"}, [](SampleWriter& w) { w.Add({MKT_VERSION}, 1); });
    RegisterUploadMetrics(m, s.registry);
    RegisterStoreMetrics(m, s.registry, s.entry_store);
    RegisterSparqlMetrics(m, s.sparql, s.graph);
    if (s.trust) RegisterTrustMetrics(m, *s.trust);
    RegisterReloadMetrics(m, s.reloads);
    if (s.peers) RegisterFederationMetrics(m, s.peers);
    if (s.confirmation) RegisterConfirmationMetrics(m, *s.confirmation);
    metrics::RegisterProcessMetrics(m, "marketplace");
}

}  // namespace mkt::server
