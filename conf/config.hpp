// Config: the server's configuration, parsed from a `key = value` file and
// overridden by MARKETPLACE_* environment variables and --set arguments.
//
// conf/ only parses and validates; each module owns its options struct
// (http::HttpOptions, RegistryOptions, DocumentLimits) and server/ hands them
// over. Every key, its default and its meaning is listed in kKeys (config.cpp)
// and in docs/configuration.md; conf/samples/*.conf must parse (a test loads them).
// Unknown keys are errors, so a typo never silently falls back to a default.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_options.hpp"
#include "registry/document.hpp"
#include "registry/registry_options.hpp"
#include "registry/result.hpp"

namespace mkt::conf {

struct StoreConfig {
    std::string type = "sqlite";  // sqlite | memory | postgresql
    std::string sqlite_path = "var/marketplace.db";
    std::string sqlite_synchronous = "full";  // full | normal
    int group_commit_us = 0;  // the writer waits this long for more uploads to commit together
    size_t cache_bytes = 32 << 20;    // entry cache for single-entry reads; 0 = off
    std::string postgresql_conninfo;  // libpq key=value string or postgresql:// URI
    size_t postgresql_pool_size = 8;  // read connections per server process
};

struct TrustConfig {
    std::string mode = "strict";  // strict | compat
    std::string ca_dir = "/etc/grid-security/certificates";
    std::string endorsers_file;  // optional email -> DN bindings
    int reload_seconds = 60;
};

/// Limits of the SPARQL endpoint (/query); hitting one is an explicit error.
struct SparqlConfig {
    int timeout_ms = 10000;     // a query running longer is stopped: 503
    size_t max_rows = 10000;    // a larger answer is refused: 400, never truncated
    size_t max_concurrent = 4;  // more queries at once wait no longer than: 503 + Retry-After
};

/// /metrics (docs/operations.md): the Prometheus text format at `path`, on the
/// main HTTP listener or, when `listen` is set, only on that "address:port".
struct MetricsConfig {
    bool enabled = true;
    std::string path = "/metrics";
    std::string listen;  // empty: the main listener; else "127.0.0.1:9204", "[::1]:9204"
};

/// E-mail confirmation of endorser addresses (docs/operations.md "E-mail
/// confirmation"): `upload.confirm_email` and the SMTP server its messages go through.
struct ConfirmationConfig {
    bool enabled = false;                  // upload.confirm_email
    int64_t lifetime_seconds = 72 * 3600;  // a held upload and its link expire then
    std::string smtp_host = "localhost";
    int smtp_port = 25;
    std::string smtp_tls = "opportunistic";  // opportunistic | starttls | implicit
    std::string smtp_from;                   // sender address (required when enabled)
    std::string smtp_username;               // empty: no AUTH
    std::string smtp_password_file;          // a file holding the AUTH password
    std::string smtp_ca_file;                // CAs for the server's certificate; empty: system
    int smtp_timeout_seconds = 30;
};

/// Named entries: keys `<prefix>.<name> = <value>` (file and --set only; no
/// environment form, since '_' in a name could not be told from '.').
/// `occi.provider.<name> = <OCCI endpoint URL>`: resource providers whose image
/// stores the OCCI front-end recognises in locations. `policy.<name> = <file>`:
/// site policies served at /policy/<name>/<id>. Names: [A-Za-z0-9_-]+.
using NamedValues = std::map<std::string, std::string>;

struct Config {
    http::HttpOptions http;
    StoreConfig store;
    TrustConfig trust;
    RegistryOptions registry;
    DocumentLimits limits;
    SparqlConfig sparql;
    MetricsConfig metrics;
    ConfirmationConfig confirmation;
    bool benchmark_routes = false;  // registers GET /_bench/trivial (benchmarks only)
    NamedValues occi_providers;     // name -> OCCI endpoint URL (http:// or https://)
    /// `occi.provider.<name>.glance = URL`: the provider's Glance, polled read-only
    /// every occi_glance_poll_seconds for the images it holds (server/glance_poller.hpp).
    NamedValues occi_provider_glance;
    int occi_glance_poll_seconds = 60;
    NamedValues site_policies;  // name -> policy file path

    /// Largest page GET /changes serves (a larger `limit` is a 400).
    size_t changes_max_limit = 1000;
    /// Federation (docs/federation.md): `federation.peer.<name> = URL` peers whose
    /// change feed this instance pulls, `federation.peer.<name>.ca_file` an extra
    /// CA bundle for that peer's TLS certificate.
    NamedValues federation_peers;
    NamedValues federation_peer_ca_files;
    int federation_interval_seconds = 60;                 // between pulls of a caught-up peer
    size_t federation_page_size = 500;                    // changes asked for per request
    std::string federation_state_dir = "var/federation";  // one cursor file per peer

    /// HEPiX image lists (docs/federation.md), `imagelist.<name>.<attribute>`;
    /// one map per attribute, keyed by list name (ImageListsOf gathers them).
    NamedValues imagelist_title, imagelist_description, imagelist_uuid, imagelist_homepage,
        imagelist_endorsers, imagelist_os, imagelist_identifiers, imagelist_cert_file,
        imagelist_key_file, imagelist_lifetime_days;
};

/// One image list's configuration, gathered from the imagelist.<name>.* keys.
struct ImageListConfig {
    std::string name, title, description, uuid, homepage;
    std::vector<std::string> endorsers, os, identifiers;  // empty: no restriction
    std::string cert_file, key_file;
    int lifetime_days = 7;
};
/// Every configured image list, by name (Validate has checked them).
std::vector<ImageListConfig> ImageListsOf(const Config& config);

/// Applies `key = value` to `config`. Errors: kInvalidArgument naming the key
/// ("unknown configuration key 'x'", "http.port: '70000' is not in 0..65535").
Status SetKey(Config& config, std::string_view key, std::string_view value);

/// Parses a whole file's text on top of `config`. Comments start with '#';
/// blank lines are ignored. Errors name the source and line.
Status ParseInto(Config& config, std::string_view text, std::string_view source_name);

/// Applies MARKETPLACE_<KEY> variables (key upper-cased, '.' -> '_'), e.g.
/// MARKETPLACE_HTTP_PORT=9000. Unknown MARKETPLACE_* names are errors.
Status ApplyEnvironment(Config& config, const std::map<std::string, std::string>& environment);

/// Cross-field checks after all sources were applied.
Status Validate(const Config& config);

/// Defaults <- file (if given) <- environment <- overrides ("key=value"), then Validate.
Result<Config> Load(const std::optional<std::string>& file,
                    const std::map<std::string, std::string>& environment,
                    const std::vector<std::string>& overrides);

/// Every key with its current value, in file syntax (for --print-config).
std::string Dump(const Config& config);

/// As Dump, as a configuration file to edit: a key whose value is its built-in
/// default is written commented out ("# key = default"); a key set otherwise is
/// written active, after a comment giving its default. Keys are grouped by their
/// first component. The Debian package's marketplace.conf is generated with it.
std::string DumpCommented(const Config& config);

/// Splits a metrics.listen value "host:port" ("[v6]:port" for IPv6).
/// Errors: kInvalidArgument naming the value.
Status SplitListen(std::string_view listen, std::string& address, uint16_t& port);

/// The process environment as a map.
std::map<std::string, std::string> ProcessEnvironment();

}  // namespace mkt::conf
