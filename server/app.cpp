#include "server/app.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <set>

#include "api/imagelist_handlers.hpp"
#include "api/policy_handlers.hpp"
#include "api/routes.hpp"
#include "cimi/routes.hpp"
#include "client/feed_client.hpp"
#include "client/smtp_mailer.hpp"
#include "http/dispatcher.hpp"
#include "http/request_metrics.hpp"
#include "http/server.hpp"
#include "metrics/metrics.hpp"
#include "occi/routes.hpp"
#include "registry/email_confirmation.hpp"
#include "registry/redland/graph_feeding_store.hpp"
#include "registry/redland/graph_follower.hpp"
#include "registry/redland/rdfxml_checker.hpp"
#include "registry/redland/sparql_engine.hpp"
#include "registry/store/caching_store.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "registry/xmlsec/random_tokens.hpp"
#include "registry/xmlsec/trust_store.hpp"
#include "registry/xmlsec/xmldsig_verifier.hpp"
#include "server/app_metrics.hpp"
#include "server/federation_puller.hpp"
#include "server/glance_poller.hpp"
#include "server/periodic_task.hpp"
#include "server/store_factory.hpp"
#include "sparql/routes.hpp"
#include "web/routes.hpp"

namespace mkt::server {

// Members are declared in construction order; destruction runs backwards, so
// the HTTP server stops before anything it uses goes away.
struct App::Parts {
    // The graph's threads parse with Raptor and libxml2; the SPARQL engine's
    // rasqal worlds end libxml2's globals when destroyed (xmlCleanupParser), so
    // both threads stop before any member goes (a race ThreadSanitizer showed).
    ~Parts() {
        follower.reset();
        if (graph) graph->Stop();
    }
    conf::Config config;
    // What providers hold (occi.provider.<name>.glance), read by the poller.
    ProviderHoldings holdings;
    std::unique_ptr<GlancePoller> glance_poller;
    const Clock* clock = nullptr;
    std::unique_ptr<xmlsec::TrustStore> trust;
    std::unique_ptr<xmlsec::XmldsigVerifier> verifier;
    std::unique_ptr<xmlsec::XmlMetadataParser> parser;
    std::unique_ptr<redland::RaptorRdfChecker> rdf;
    std::unique_ptr<EntryStore> database;  // the durable store
    std::unique_ptr<EntryStore>
        store;  // what the Registry uses: the database behind the entry cache
    std::unique_ptr<redland::EntryGraph> graph;  // SPARQL graph, built from `database`
    std::unique_ptr<EntryStore> feeding;         // `store`, feeding new entries to `graph`
    // postgresql only: `graph` follows the uploads of the other replicas.
    std::unique_ptr<redland::GraphFollower> follower;
    std::unique_ptr<redland::SparqlEngine> sparql;
    std::unique_ptr<Registry> registry;
    // upload.confirm_email: uploads of unconfirmed addresses held (all null when off).
    std::unique_ptr<ConfirmationStore> confirmations;
    std::unique_ptr<client::SmtpMailer> mailer;
    xmlsec::OpenSslConfirmationTokens tokens;
    std::unique_ptr<EmailConfirmation> confirmation;
    std::unique_ptr<PeriodicTask> confirmation_sweeper;  // drops expired held uploads
    // federation.peer.<name>: pulls each peer's feed into `registry`.
    std::unique_ptr<FederationPuller> federation;
    std::unique_ptr<api::ApiContext> api;
    std::unique_ptr<web::WebContext> web;  // the browser UI
    std::unique_ptr<cimi::CimiContext> cimi;
    std::unique_ptr<api::PolicyContext> policies;       // GET /policy/{name}/{id}
    std::unique_ptr<api::ImageListContext> imagelists;  // GET /imagelists/{name}
    std::unique_ptr<occi::OcciContext> occi;
    // /metrics (null when metrics.enabled = false); the figures' sources above.
    std::unique_ptr<metrics::MetricsRegistry> metrics;
    ReloadCounts reloads;
    std::mutex reload_mutex;  // one Reload at a time
    http::Router router;
    http::AccessLog access_log;
    std::unique_ptr<http::RequestMetrics> request_metrics;
    std::unique_ptr<http::Dispatcher> dispatcher;
    std::unique_ptr<http::HttpServer> http;
    // The separate metrics listener (metrics.listen), stopped before the main one.
    http::HttpOptions metrics_http_options;
    http::Router metrics_router;
    std::unique_ptr<http::Dispatcher> metrics_dispatcher;
    std::unique_ptr<http::HttpServer> metrics_http;
};

namespace {

Status BuildVerifier(App::Parts& p) {
    xmlsec::VerifierOptions options;
    if (p.config.trust.mode == "strict") {
        xmlsec::TrustStoreOptions trust_options;
        trust_options.ca_dir = p.config.trust.ca_dir;
        trust_options.endorsers_file = p.config.trust.endorsers_file;
        trust_options.reload_check_seconds = p.config.trust.reload_seconds;
        MKT_ASSIGN_OR_RETURN(p.trust, xmlsec::TrustStore::Open(trust_options));
        options.mode = TrustMode::kStrict;
        options.trust = p.trust.get();
    } else {
        options.mode = TrustMode::kCompat;
    }
    p.verifier = std::make_unique<xmlsec::XmldsigVerifier>(options);
    return Status::Ok();
}

// The figures registry and, on the main listener, the /metrics route; then the
// per-route request figures over the finished route table.
Status BuildMetrics(App::Parts& p) {
    if (!p.config.metrics.enabled) return Status::Ok();
    p.metrics = std::make_unique<metrics::MetricsRegistry>();
    MetricSources sources{*p.registry, *p.store, *p.graph, *p.sparql, p.trust.get(), p.reloads};
    if (p.federation) sources.peers = [&p] { return p.federation->Snapshot(); };
    sources.confirmation = p.confirmation.get();
    RegisterServerMetrics(*p.metrics, sources);
    if (p.config.metrics.listen.empty()) {
        http::RegisterMetricsRoute(p.router, p.config.metrics.path, *p.metrics);
    }
    p.request_metrics = std::make_unique<http::RequestMetrics>(p.router);
    p.request_metrics->Register(*p.metrics);
    return Status::Ok();
}

Result<std::string> ReadPasswordFile(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return Status::InvalidArgument("smtp.password_file: cannot read " + path);
    std::string text;
    char buffer[512];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) text.append(buffer, n);
    std::fclose(f);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

// upload.confirm_email: the held uploads' store beside the entries, the SMTP
// mailer, and the hold itself on the Registry's upload path.
Status BuildConfirmation(App::Parts& p) {
    const conf::ConfirmationConfig& c = p.config.confirmation;
    if (!c.enabled) return Status::Ok();
    client::SmtpOptions smtp;
    smtp.host = c.smtp_host;
    smtp.port = c.smtp_port;
    smtp.tls = c.smtp_tls == "starttls"   ? client::SmtpTls::kStartTls
               : c.smtp_tls == "implicit" ? client::SmtpTls::kImplicit
                                          : client::SmtpTls::kOpportunistic;
    smtp.from = c.smtp_from;
    smtp.username = c.smtp_username;
    if (!c.smtp_password_file.empty()) {
        MKT_ASSIGN_OR_RETURN(smtp.password, ReadPasswordFile(c.smtp_password_file));
    }
    smtp.ca_file = c.smtp_ca_file;
    smtp.timeout_seconds = c.smtp_timeout_seconds;
    std::string base_url = p.config.http.public_url;
    if (!base_url.ends_with('/')) base_url += '/';
    smtp.marketplace_url = base_url;
    MKT_ASSIGN_OR_RETURN(p.confirmations, OpenConfirmationStore(p.config.store));
    p.mailer = std::make_unique<client::SmtpMailer>(std::move(smtp));
    p.confirmation = std::make_unique<EmailConfirmation>(
        EmailConfirmationOptions{c.lifetime_seconds, base_url}, *p.registry, *p.confirmations,
        *p.mailer, p.tokens, *p.clock);
    p.registry->SetUploadHold(p.confirmation.get());
    // Expired held uploads are unpublishable at once; the sweep frees their space.
    p.confirmation_sweeper = std::make_unique<PeriodicTask>(std::chrono::seconds(60), [&p] {
        if (auto dropped = p.confirmation->DropExpired(); !dropped.ok()) {
            std::fprintf(stderr, "e-mail confirmation: dropping expired held uploads: %s\n",
                         dropped.status().message().c_str());
        }
    });
    return Status::Ok();
}

Status BuildFederation(App::Parts& p) {
    if (p.config.federation_peers.empty()) return Status::Ok();
    std::vector<PeerConfig> peers;
    for (const auto& [name, url] : p.config.federation_peers) {
        auto ca = p.config.federation_peer_ca_files.find(name);
        peers.push_back(
            {name, url, ca == p.config.federation_peer_ca_files.end() ? "" : ca->second});
    }
    MKT_ASSIGN_OR_RETURN(
        p.federation,
        FederationPuller::Create(std::move(peers), p.config.federation_state_dir,
                                 std::chrono::seconds(p.config.federation_interval_seconds),
                                 p.config.federation_page_size, *p.registry));
    return Status::Ok();
}

Status BuildHttp(App::Parts& p) {
    if (!p.access_log.Open(p.config.http.access_log)) {
        return Status::InvalidArgument("cannot open access log " + p.config.http.access_log);
    }
    // Holdings are shown only when some provider's Glance is read.
    const ProviderHoldings* holdings =
        p.config.occi_provider_glance.empty() ? nullptr : &p.holdings;
    p.api = std::make_unique<api::ApiContext>(api::ApiContext{
        *p.registry, p.config.trust.mode, p.config.benchmark_routes, p.config.store.type,
        [&p](int64_t database_last_seq) -> std::optional<int64_t> {
            if (p.graph->state() != redland::EntryGraph::State::kReady) return std::nullopt;
            // SQLite: this process is the only writer and feeds its graph itself.
            if (!p.follower) return database_last_seq;
            return std::min(p.follower->applied_seq(), database_last_seq);
        },
        holdings});
    p.api->changes_max_limit = p.config.changes_max_limit;
    p.api->confirmation = p.confirmation.get();
    if (p.federation) p.api->federation_health = [&p] { return p.federation->HealthJson(); };
    if (!p.config.occi_provider_glance.empty()) {
        p.glance_poller = std::make_unique<GlancePoller>(
            p.config.occi_provider_glance, p.config.occi_providers,
            std::chrono::seconds(p.config.occi_glance_poll_seconds), p.holdings);
    }
    // /metadata and /endorsers have a native and an HTML representation; the
    // router negotiates between them, so the registration order does not matter.
    api::RegisterNativeApi(p.router, *p.api);
    p.web = std::make_unique<web::WebContext>(
        web::WebContext{*p.registry, p.config.trust.mode, holdings, p.confirmation.get()});
    web::RegisterWebUi(p.router, *p.web);
    p.cimi = std::make_unique<cimi::CimiContext>(cimi::CimiContext{*p.registry, holdings});
    cimi::RegisterCimiApi(p.router, *p.cimi);
    MKT_ASSIGN_OR_RETURN(auto site_policies, api::LoadSitePolicies(p.config.site_policies));
    p.policies = std::unique_ptr<api::PolicyContext>(
        new api::PolicyContext{*p.registry, std::move(site_policies)});
    api::RegisterPolicyRoutes(p.router, *p.policies);
    MKT_ASSIGN_OR_RETURN(p.imagelists,
                         api::LoadImageLists(*p.registry, conf::ImageListsOf(p.config)));
    api::RegisterImageListRoutes(p.router, *p.imagelists);
    p.occi = std::make_unique<occi::OcciContext>(
        occi::OcciContext{*p.registry, p.config.occi_providers, holdings});
    occi::RegisterOcciApi(p.router, *p.occi);
    sparql::RegisterSparqlRoutes(p.router, *p.sparql);
    MKT_RETURN_IF_ERROR(BuildMetrics(p));
    MKT_RETURN_IF_ERROR(p.router.Check());
    p.dispatcher = std::make_unique<http::Dispatcher>(p.router, p.config.http, p.access_log);
    if (p.request_metrics) p.dispatcher->SetObserver(p.request_metrics.get());
    if (p.config.trust.mode == "compat") {
        // DESIGN 3: compat mode says so in every response.
        p.dispatcher->AddCommonHeader(
            "Marketplace-Trust-Mode",
            "compat; signatures are checked for self-consistency only, certificates are not "
            "chained to trusted CAs nor checked for expiry or revocation");
    }
    p.http = std::make_unique<http::HttpServer>(p.config.http, *p.dispatcher);
    if (p.metrics && !p.config.metrics.listen.empty()) {
        // The listener of its own serves /metrics only; its requests are not counted.
        p.metrics_http_options = p.config.http;
        MKT_RETURN_IF_ERROR(conf::SplitListen(
            p.config.metrics.listen, p.metrics_http_options.address, p.metrics_http_options.port));
        p.metrics_http_options.threads = 2;
        http::RegisterMetricsRoute(p.metrics_router, p.config.metrics.path, *p.metrics);
        p.metrics_dispatcher = std::make_unique<http::Dispatcher>(
            p.metrics_router, p.metrics_http_options, p.access_log);
        p.metrics_http =
            std::make_unique<http::HttpServer>(p.metrics_http_options, *p.metrics_dispatcher);
    }
    return Status::Ok();
}

}  // namespace

App::App(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
App::~App() { Stop(); }

Result<std::unique_ptr<App>> App::Create(const conf::Config& config, const Clock& clock,
                                         const redland::World& rdf_world) {
    auto p = std::make_unique<Parts>();
    p->config = config;
    p->clock = &clock;
    MKT_RETURN_IF_ERROR(BuildVerifier(*p).WithPrefix("trust: "));
    p->parser = std::make_unique<xmlsec::XmlMetadataParser>(config.limits);
    p->rdf = std::make_unique<redland::RaptorRdfChecker>(rdf_world);
    MKT_ASSIGN_OR_RETURN(p->database, OpenStore(config.store));
    p->store = std::make_unique<store::CachingEntryStore>(*p->database, config.store.cache_bytes);
    p->graph = std::make_unique<redland::EntryGraph>(rdf_world);
    p->feeding = std::make_unique<redland::GraphFeedingStore>(*p->store, *p->graph);
    MKT_ASSIGN_OR_RETURN(
        p->sparql,
        redland::SparqlEngine::Create(*p->graph, {config.sparql.timeout_ms, config.sparql.max_rows,
                                                  config.sparql.max_concurrent}));
    p->registry = std::make_unique<Registry>(config.registry, *p->parser, *p->rdf, *p->verifier,
                                             *p->feeding, clock);
    MKT_RETURN_IF_ERROR(BuildConfirmation(*p).WithPrefix("e-mail confirmation: "));
    MKT_RETURN_IF_ERROR(BuildFederation(*p));
    MKT_RETURN_IF_ERROR(BuildHttp(*p));
    return std::unique_ptr<App>(new App(std::move(p)));
}

Status App::Start() {
    if (parts_->config.store.type == "postgresql") {
        // Other replicas write the same database: the graph follows its feed from
        // the last seq before the build (graph_follower.hpp), 4 polls a second.
        MKT_ASSIGN_OR_RETURN(StoreStats stats, parts_->database->Stats());
        parts_->follower = std::make_unique<redland::GraphFollower>(
            *parts_->database, *parts_->graph, stats.last_seq, std::chrono::milliseconds(250));
    }
    parts_->graph->Start(*parts_->database);  // in the background; /query answers 503 until ready
    MKT_RETURN_IF_ERROR(parts_->http->Start());
    if (parts_->glance_poller) parts_->glance_poller->Start();
    if (parts_->federation) parts_->federation->Start();
    if (parts_->confirmation_sweeper) parts_->confirmation_sweeper->Start();
    if (parts_->metrics_http) {
        MKT_RETURN_IF_ERROR(parts_->metrics_http->Start().WithPrefix("metrics.listen: "));
    }
    return Status::Ok();
}

void App::Stop() {
    if (parts_ && parts_->confirmation_sweeper) parts_->confirmation_sweeper->Stop();
    if (parts_ && parts_->federation) parts_->federation->Stop();
    if (parts_ && parts_->glance_poller) parts_->glance_poller->Stop();
    if (parts_ && parts_->metrics_http) parts_->metrics_http->Stop();
    if (parts_ && parts_->http) parts_->http->Stop();
}

uint16_t App::port() const { return parts_->http->port(); }

uint16_t App::metrics_port() const {
    return parts_->metrics_http ? parts_->metrics_http->port() : 0;
}

namespace {

// Keys whose values differ between two configurations (policy.* excluded:
// reloads apply them).
std::vector<std::string> ChangedKeys(const conf::Config& running, const conf::Config& fresh) {
    auto lines = [](const conf::Config& c) {
        std::set<std::string> out;
        const std::string dump = conf::Dump(c);
        for (size_t at = 0, end; at < dump.size(); at = end + 1) {
            end = dump.find('\n', at);
            if (end == std::string::npos) end = dump.size();
            std::string line = dump.substr(at, end - at);
            if (!line.starts_with("policy.")) out.insert(std::move(line));
        }
        return out;
    };
    const std::set<std::string> a = lines(running), b = lines(fresh);
    std::set<std::string> keys;
    for (const auto* side : {&a, &b}) {
        const auto& other = side == &a ? b : a;
        for (const std::string& line : *side) {
            if (!other.contains(line)) keys.insert(line.substr(0, line.find(" = ")));
        }
    }
    return {keys.begin(), keys.end()};
}

}  // namespace

App::ReloadReport App::Reload(const conf::Config& fresh) {
    Parts& p = *parts_;
    std::lock_guard lock(p.reload_mutex);
    ReloadReport report;
    if (p.trust) {
        if (Status s = p.trust->Reload(); s.ok()) {
            const auto stats = p.trust->stats();
            report.lines.push_back(
                "trust store reloaded: " + std::to_string(stats.ca_certificates) +
                " CA certificates, " + std::to_string(stats.crls) + " CRLs, " +
                std::to_string(stats.endorser_bindings) + " endorser bindings");
        } else {
            report.ok = false;
            report.lines.push_back("trust store NOT reloaded, the previous one stays in use: " +
                                   s.message());
        }
    }
    if (auto n = api::ReloadSitePolicies(fresh.site_policies, p.policies->policies); n.ok()) {
        report.lines.push_back("site policies reloaded: " + std::to_string(*n) + " in use");
        p.config.site_policies = fresh.site_policies;
    } else {
        report.ok = false;
        report.lines.push_back("site policies NOT reloaded, the previous ones stay in use: " +
                               n.status().message());
    }
    if (auto changed = ChangedKeys(p.config, fresh); !changed.empty()) {
        std::string keys;
        for (const auto& k : changed) keys += (keys.empty() ? "" : ", ") + k;
        report.lines.push_back("changed keys that need a restart to apply: " + keys);
    }
    (report.ok ? p.reloads.succeeded : p.reloads.failed).fetch_add(1);
    if (report.ok) {
        p.reloads.last_success_unix_seconds.store(
            static_cast<double>(p.clock->Now().unix_seconds()));
    }
    return report;
}

Result<App::SyncReport> App::SyncFrom(const std::string& peer_url, const std::string& ca_file) {
    Parts& p = *parts_;
    // Straight into the database: no entry cache to fill and no SPARQL graph to
    // feed in a process that exits afterwards.
    Registry registry(p.config.registry, *p.parser, *p.rdf, *p.verifier, *p.database, *p.clock);
    client::ClientOptions options;
    options.ca_file = ca_file;
    client::HttpFeedSource source(peer_url, options);
    federation::MemoryCursor cursor;
    federation::PeerSyncOptions sync_options{p.config.federation_page_size};
    sync_options.on_page = [](const federation::PeerState& s) {
        std::fprintf(stderr, "sync-from: at seq %lld of %lld: %s\n",
                     static_cast<long long>(s.cursor),
                     static_cast<long long>(s.peer_last_seq.value_or(0)),
                     federation::SummaryLine(s.totals).c_str());
    };
    federation::PeerSync sync(
        "sync-from", registry, source, cursor, sync_options,
        [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
    MKT_RETURN_IF_ERROR(sync.PullUntilCaughtUp());
    const federation::PeerState state = sync.Snapshot();
    return SyncReport{state.totals, state.cursor, state.peer_last_seq.value_or(0)};
}

Registry& App::registry() { return *parts_->registry; }

std::string App::Describe() const {
    const conf::Config& c = parts_->config;
    const std::string store =
        c.store.type == "memory" ? "memory (nothing is kept)" : DescribeStore(c.store);
    std::string trust = c.trust.mode == "strict" ? "strict (CAs in " + c.trust.ca_dir + ")"
                                                 : "compat (self-consistency only)";
    return "store: " + store + "; trust: " + trust;
}

}  // namespace mkt::server
