#include "conf/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

#include "registry/text.hpp"

extern char** environ;

namespace mkt::conf {
namespace {

using Setter = std::function<Status(Config&, std::string_view)>;
using Getter = std::function<std::string(const Config&)>;

struct Key {
    std::string_view name;
    Setter set;
    Getter get;
};

Status BadValue(std::string_view key, std::string_view value, std::string_view expected) {
    return Status::InvalidArgument(std::string(key) + ": '" + std::string(value) + "' is not " +
                                   std::string(expected));
}

template <typename Int>
Status ParseInt(std::string_view key, std::string_view value, Int min, Int max, Int& out) {
    long long parsed = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (ec != std::errc() || ptr != value.data() + value.size() ||
        parsed < static_cast<long long>(min) || parsed > static_cast<long long>(max)) {
        return BadValue(key, value,
                        "an integer in " + std::to_string(min) + ".." + std::to_string(max));
    }
    out = static_cast<Int>(parsed);
    return Status::Ok();
}

Status ParseBool(std::string_view key, std::string_view value, bool& out) {
    if (value == "true" || value == "yes" || value == "on" || value == "1") {
        out = true;
    } else if (value == "false" || value == "no" || value == "off" || value == "0") {
        out = false;
    } else {
        return BadValue(key, value, "a boolean (true or false)");
    }
    return Status::Ok();
}

Status ParseChoice(std::string_view key, std::string_view value,
                   std::initializer_list<std::string_view> choices, std::string& out) {
    std::string list;
    for (auto c : choices) {
        if (value == c) {
            out = std::string(value);
            return Status::Ok();
        }
        list += (list.empty() ? "" : ", ") + std::string(c);
    }
    return BadValue(key, value, "one of " + list);
}

// Key table entries: each binds one configuration key to one field.
#define MKT_STRING_KEY(NAME, FIELD)                 \
    Key {                                           \
        NAME,                                       \
            [](Config& c, std::string_view v) {     \
                c.FIELD = std::string(v);           \
                return Status::Ok();                \
            },                                      \
            [](const Config& c) { return c.FIELD; } \
    }
#define MKT_INT_KEY(NAME, FIELD, MIN, MAX)                                                         \
    Key {                                                                                          \
        NAME,                                                                                      \
            [](Config& c, std::string_view v) {                                                    \
                return ParseInt(NAME, v, decltype(c.FIELD)(MIN), decltype(c.FIELD)(MAX), c.FIELD); \
            },                                                                                     \
            [](const Config& c) { return std::to_string(c.FIELD); }                                \
    }
#define MKT_BOOL_KEY(NAME, FIELD)                                                        \
    Key {                                                                                \
        NAME, [](Config& c, std::string_view v) { return ParseBool(NAME, v, c.FIELD); }, \
            [](const Config& c) { return std::string(c.FIELD ? "true" : "false"); }      \
    }
#define MKT_CHOICE_KEY(NAME, FIELD, ...)                             \
    Key {                                                            \
        NAME,                                                        \
            [](Config& c, std::string_view v) {                      \
                return ParseChoice(NAME, v, {__VA_ARGS__}, c.FIELD); \
            },                                                       \
            [](const Config& c) { return c.FIELD; }                  \
    }

const std::vector<Key>& Keys() {
    static const std::vector<Key> keys = {
        MKT_STRING_KEY("http.address", http.address),
        MKT_INT_KEY("http.port", http.port, 0, 65535),
        MKT_INT_KEY("http.threads", http.threads, 0, 256),
        MKT_INT_KEY("http.queue_size", http.queue_size, 0, 65536),
        MKT_INT_KEY("http.max_connections", http.max_connections, 1, 1 << 20),
        MKT_INT_KEY("http.head_timeout_seconds", http.head_timeout_seconds, 1, 3600),
        MKT_INT_KEY("http.body_timeout_seconds", http.body_timeout_seconds, 1, 3600),
        MKT_INT_KEY("http.idle_timeout_seconds", http.idle_timeout_seconds, 1, 86400),
        MKT_INT_KEY("http.write_timeout_seconds", http.write_timeout_seconds, 1, 3600),
        MKT_INT_KEY("http.max_body_bytes", http.max_body_bytes, 1024, size_t{1} << 30),
        MKT_INT_KEY("http.max_header_bytes", http.max_header_bytes, 1024, 1 << 20),
        MKT_STRING_KEY("http.public_url", http.public_url),
        MKT_BOOL_KEY("http.trust_forwarded_headers", http.trust_forwarded_headers),
        MKT_STRING_KEY("http.access_log", http.access_log),
        MKT_STRING_KEY("http.tls_cert_file", http.tls_cert_file),
        MKT_STRING_KEY("http.tls_key_file", http.tls_key_file),
        MKT_INT_KEY("http.shutdown_grace_seconds", http.shutdown_grace_seconds, 0, 600),
        MKT_BOOL_KEY("http.benchmark_routes", benchmark_routes),
        MKT_CHOICE_KEY("store.type", store.type, "sqlite", "memory", "postgresql"),
        MKT_STRING_KEY("store.sqlite.path", store.sqlite_path),
        MKT_CHOICE_KEY("store.sqlite.synchronous", store.sqlite_synchronous, "full", "normal"),
        MKT_INT_KEY("store.sqlite.group_commit_us", store.group_commit_us, 0, 100000),
        MKT_INT_KEY("store.cache_bytes", store.cache_bytes, 0, size_t{1} << 40),
        MKT_STRING_KEY("store.postgresql.conninfo", store.postgresql_conninfo),
        MKT_INT_KEY("store.postgresql.pool_size", store.postgresql_pool_size, 1, 1000),
        MKT_CHOICE_KEY("trust.mode", trust.mode, "strict", "compat"),
        MKT_STRING_KEY("trust.ca_dir", trust.ca_dir),
        MKT_STRING_KEY("trust.endorsers_file", trust.endorsers_file),
        MKT_INT_KEY("trust.reload_seconds", trust.reload_seconds, 1, 86400),
        MKT_INT_KEY("occi.glance_poll_seconds", occi_glance_poll_seconds, 1, 86400),
        MKT_INT_KEY("upload.max_future_seconds", registry.max_future_seconds, 0, 86400 * 365),
        MKT_INT_KEY("upload.max_age_seconds", registry.max_age_seconds, 0,
                    int64_t{86400} * 365 * 100),
        MKT_BOOL_KEY("upload.read_only", registry.read_only),
        MKT_BOOL_KEY("upload.confirm_email", confirmation.enabled),
        MKT_INT_KEY("upload.confirmation_lifetime_seconds", confirmation.lifetime_seconds, 60,
                    int64_t{86400} * 365),
        MKT_STRING_KEY("smtp.host", confirmation.smtp_host),
        MKT_INT_KEY("smtp.port", confirmation.smtp_port, 1, 65535),
        MKT_CHOICE_KEY("smtp.tls", confirmation.smtp_tls, "opportunistic", "starttls", "implicit"),
        MKT_STRING_KEY("smtp.from", confirmation.smtp_from),
        MKT_STRING_KEY("smtp.username", confirmation.smtp_username),
        MKT_STRING_KEY("smtp.password_file", confirmation.smtp_password_file),
        MKT_STRING_KEY("smtp.ca_file", confirmation.smtp_ca_file),
        MKT_INT_KEY("smtp.timeout_seconds", confirmation.smtp_timeout_seconds, 1, 600),
        MKT_INT_KEY("listing.max_page_size", registry.max_page_size, 1, 100000),
        MKT_INT_KEY("metadata.max_bytes", limits.max_bytes, 1024, size_t{64} << 20),
        MKT_INT_KEY("metadata.max_depth", limits.max_depth, 8, 256),
        MKT_INT_KEY("metadata.max_elements", limits.max_elements, 16, 1000000),
        MKT_INT_KEY("sparql.timeout_ms", sparql.timeout_ms, 100, 3600000),
        MKT_INT_KEY("sparql.max_rows", sparql.max_rows, 1, 100000000),
        MKT_INT_KEY("sparql.max_concurrent", sparql.max_concurrent, 1, 64),
        MKT_BOOL_KEY("metrics.enabled", metrics.enabled),
        MKT_STRING_KEY("metrics.path", metrics.path),
        MKT_STRING_KEY("metrics.listen", metrics.listen),
        MKT_INT_KEY("changes.max_limit", changes_max_limit, 1, 100000),
        MKT_INT_KEY("federation.interval_seconds", federation_interval_seconds, 1, 86400),
        MKT_INT_KEY("federation.page_size", federation_page_size, 1, 100000),
        MKT_STRING_KEY("federation.state_dir", federation_state_dir),
    };
    return keys;
}

std::string EnvName(std::string_view key) {
    std::string out = "MARKETPLACE_";
    for (char c : key)
        out.push_back(c == '.' ? '_'
                               : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    return out;
}

struct NamedKey {
    std::string_view prefix;  // with the trailing '.'
    NamedValues Config::*field;
    std::string_view suffix = "";  // after the name, e.g. ".glance"
};

// A key matches the first entry whose prefix and suffix it has.
constexpr NamedKey kNamedKeys[] = {
    {"occi.provider.", &Config::occi_provider_glance, ".glance"},
    {"occi.provider.", &Config::occi_providers},
    {"policy.", &Config::site_policies},
    {"federation.peer.", &Config::federation_peer_ca_files, ".ca_file"},
    {"federation.peer.", &Config::federation_peers},
    {"imagelist.", &Config::imagelist_title, ".title"},
    {"imagelist.", &Config::imagelist_description, ".description"},
    {"imagelist.", &Config::imagelist_uuid, ".uuid"},
    {"imagelist.", &Config::imagelist_homepage, ".homepage"},
    {"imagelist.", &Config::imagelist_endorsers, ".endorsers"},
    {"imagelist.", &Config::imagelist_os, ".os"},
    {"imagelist.", &Config::imagelist_identifiers, ".identifiers"},
    {"imagelist.", &Config::imagelist_cert_file, ".cert_file"},
    {"imagelist.", &Config::imagelist_key_file, ".key_file"},
    {"imagelist.", &Config::imagelist_lifetime_days, ".lifetime_days"},
};

bool IsValidName(std::string_view name) {
    if (name.empty()) return false;
    for (char c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
    }
    return true;
}

Status SetNamed(Config& config, const NamedKey& named, std::string_view key,
                std::string_view value) {
    const std::string_view name =
        key.substr(named.prefix.size(), key.size() - named.prefix.size() - named.suffix.size());
    if (!IsValidName(name)) {
        return Status::InvalidArgument(std::string(key) + ": the name after '" +
                                       std::string(named.prefix) +
                                       "' must be letters, digits, '_' or '-'");
    }
    if (value.empty()) return BadValue(key, value, "a non-empty value");
    (config.*named.field)[std::string(name)] = std::string(value);
    return Status::Ok();
}

}  // namespace

Status SetKey(Config& config, std::string_view key, std::string_view value) {
    for (const Key& k : Keys()) {
        if (k.name == key) return k.set(config, text::TrimBlanks(value));
    }
    for (const NamedKey& named : kNamedKeys) {
        if (key.starts_with(named.prefix) && key.ends_with(named.suffix) &&
            key.size() >= named.prefix.size() + named.suffix.size())
            return SetNamed(config, named, key, text::TrimBlanks(value));
    }
    return Status::InvalidArgument("unknown configuration key '" + std::string(key) +
                                   "' (docs/configuration.md lists them)");
}

Status ParseInto(Config& config, std::string_view text, std::string_view source_name) {
    std::istringstream in{std::string(text)};
    int line_no = 0;
    for (std::string line; std::getline(in, line);) {
        ++line_no;
        const std::string_view content = text::TrimBlanks(line);
        if (content.empty() || content.front() == '#') continue;
        const size_t eq = content.find('=');
        const std::string where = std::string(source_name) + ":" + std::to_string(line_no) + ": ";
        if (eq == std::string_view::npos) {
            return Status::InvalidArgument(where + "expected 'key = value', got '" +
                                           std::string(content) + "'");
        }
        Status s = SetKey(config, text::TrimBlanks(content.substr(0, eq)),
                          text::TrimBlanks(content.substr(eq + 1)));
        if (!s.ok()) return s.WithPrefix(where);
    }
    return Status::Ok();
}

namespace {

// Variables of the `marketplace` command-line tool (docs/cli.md): a shell that
// runs both must not make the server refuse to start.
bool IsClientVariable(std::string_view name) {
    static constexpr std::string_view kClient[] = {"MARKETPLACE_CLIENT_CONFIG",
                                                   "MARKETPLACE_ENDPOINT",
                                                   "MARKETPLACE_VERIFY_TLS",
                                                   "MARKETPLACE_CA_FILE",
                                                   "MARKETPLACE_TIMEOUT_SECONDS",
                                                   "MARKETPLACE_P12",
                                                   "MARKETPLACE_P12_PASSWORD",
                                                   "MARKETPLACE_P12_PASSWORD_FILE",
                                                   "MARKETPLACE_KEY",
                                                   "MARKETPLACE_CERT",
                                                   "MARKETPLACE_EMAIL",
                                                   "MARKETPLACE_PROFILE",
                                                   "MARKETPLACE_TRUST_DIR",
                                                   "MARKETPLACE_ENDORSERS_FILE"};
    for (std::string_view c : kClient) {
        if (name == c) return true;
    }
    return false;
}

}  // namespace

Status ApplyEnvironment(Config& config, const std::map<std::string, std::string>& environment) {
    for (const auto& [name, value] : environment) {
        if (!name.starts_with("MARKETPLACE_") || IsClientVariable(name)) continue;
        bool known = false;
        for (const Key& k : Keys()) {
            if (EnvName(k.name) == name) {
                MKT_RETURN_IF_ERROR(k.set(config, text::TrimBlanks(value))
                                        .WithPrefix("environment " + name + ": "));
                known = true;
                break;
            }
        }
        if (!known) {
            return Status::InvalidArgument("unknown environment variable " + name +
                                           " (MARKETPLACE_* names map to configuration keys)");
        }
    }
    return Status::Ok();
}

Status SplitListen(std::string_view listen, std::string& address, uint16_t& port) {
    const size_t colon = listen.rfind(':');
    auto bad = [&] {
        return BadValue("metrics.listen", listen,
                        "an address:port like 127.0.0.1:9204 or [::1]:9204");
    };
    if (colon == std::string_view::npos || colon == 0) return bad();
    std::string_view host = listen.substr(0, colon);
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']') return bad();
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        return bad();
    }
    if (!ParseInt("metrics.listen", listen.substr(colon + 1), uint16_t{0}, uint16_t{65535}, port)
             .ok()) {
        return bad();
    }
    address = std::string(host);
    return Status::Ok();
}

namespace {

Status ValidateMetrics(const MetricsConfig& m) {
    if (!m.path.starts_with("/") || m.path.size() < 2 ||
        m.path.find_first_of("?#{} ") != std::string::npos) {
        return BadValue("metrics.path", m.path, "a path like /metrics (no query, no braces)");
    }
    if (!m.listen.empty()) {
        std::string address;
        uint16_t port = 0;
        MKT_RETURN_IF_ERROR(SplitListen(m.listen, address, port));
    }
    return Status::Ok();
}

Status ValidateConfirmation(const Config& c) {
    const ConfirmationConfig& m = c.confirmation;
    if (!m.enabled) return Status::Ok();
    const size_t at = m.smtp_from.find('@');
    if (m.smtp_from.empty() || at == std::string::npos || at == 0 || at + 1 == m.smtp_from.size() ||
        m.smtp_from.find_first_of(" \t<>\",") != std::string::npos) {
        return Status::InvalidArgument(
            "upload.confirm_email = true needs smtp.from, the plain sender address of the "
            "confirmation messages (e.g. marketplace@example.org)");
    }
    if (c.http.public_url.empty()) {
        return Status::InvalidArgument(
            "upload.confirm_email = true needs http.public_url: the confirmation links in the "
            "messages must be absolute URLs the endorsers can open");
    }
    if (m.smtp_host.empty()) return Status::InvalidArgument("smtp.host must not be empty");
    if (!m.smtp_password_file.empty() && m.smtp_username.empty()) {
        return Status::InvalidArgument("smtp.password_file is set but smtp.username is not");
    }
    return Status::Ok();
}

Status ValidateFederation(const Config& c) {
    for (const auto& [name, url] : c.federation_peers) {
        if (!url.starts_with("http://") && !url.starts_with("https://")) {
            return Status::InvalidArgument("federation.peer." + name + ": '" + url +
                                           "' must start with http:// or https://");
        }
    }
    for (const auto& [name, file] : c.federation_peer_ca_files) {
        if (!c.federation_peers.contains(name)) {
            return Status::InvalidArgument("federation.peer." + name +
                                           ".ca_file is set but federation.peer." + name +
                                           " (the peer's URL) is not");
        }
    }
    if (!c.federation_peers.empty() && c.registry.read_only) {
        return Status::InvalidArgument(
            "federation.peer.* is set but upload.read_only = true: a read-only instance "
            "cannot store what it pulls (let one writable replica pull)");
    }
    if (!c.federation_peers.empty() && c.federation_state_dir.empty()) {
        return Status::InvalidArgument("federation.state_dir must be set when peers are");
    }
    return Status::Ok();
}

std::vector<std::string> CommaList(const std::string& value) {
    std::vector<std::string> items;
    size_t start = 0;
    while (start <= value.size()) {
        size_t comma = value.find(',', start);
        if (comma == std::string::npos) comma = value.size();
        const std::string_view item =
            text::TrimBlanks(std::string_view(value).substr(start, comma - start));
        if (!item.empty()) items.emplace_back(item);
        start = comma + 1;
    }
    return items;
}

bool LooksLikeUuid(std::string_view uuid) {
    if (uuid.size() != 36) return false;
    for (size_t i = 0; i < uuid.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? uuid[i] != '-' : text::HexValue(uuid[i]) < 0) return false;
    }
    return true;
}

std::string Attribute(const NamedValues& values, const std::string& name) {
    auto it = values.find(name);
    return it == values.end() ? std::string() : it->second;
}

/// Every list named by any imagelist.<name>.* key.
std::vector<std::string> ImageListNames(const Config& c) {
    std::vector<std::string> names;
    for (const NamedKey& named : kNamedKeys) {
        if (named.prefix != "imagelist.") continue;
        for (const auto& [name, value] : c.*named.field) {
            if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

Status ValidateImageLists(const Config& c) {
    for (const std::string& name : ImageListNames(c)) {
        const std::string key = "imagelist." + name + ".";
        for (const auto& [field, suffix] : {std::pair{&Config::imagelist_title, "title"},
                                            {&Config::imagelist_uuid, "uuid"},
                                            {&Config::imagelist_cert_file, "cert_file"},
                                            {&Config::imagelist_key_file, "key_file"}}) {
            if (Attribute(c.*field, name).empty()) {
                return Status::InvalidArgument(key + suffix + " must be set (image list '" + name +
                                               "' has other imagelist." + name + ".* keys)");
            }
        }
        if (!LooksLikeUuid(Attribute(c.imagelist_uuid, name))) {
            return Status::InvalidArgument(key + "uuid: '" + Attribute(c.imagelist_uuid, name) +
                                           "' is not a UUID (8-4-4-4-12 hexadecimal digits)");
        }
        const std::string lifetime = Attribute(c.imagelist_lifetime_days, name);
        if (!lifetime.empty()) {
            int days = 0;
            MKT_RETURN_IF_ERROR(ParseInt(key + "lifetime_days", lifetime, 1, 3650, days));
        }
        const std::string homepage = Attribute(c.imagelist_homepage, name);
        if (!homepage.empty() && !homepage.starts_with("http://") &&
            !homepage.starts_with("https://")) {
            return Status::InvalidArgument(key + "homepage: '" + homepage +
                                           "' must start with http:// or https://");
        }
    }
    return Status::Ok();
}

}  // namespace

std::vector<ImageListConfig> ImageListsOf(const Config& c) {
    std::vector<ImageListConfig> lists;
    for (const std::string& name : ImageListNames(c)) {
        ImageListConfig list;
        list.name = name;
        list.title = Attribute(c.imagelist_title, name);
        list.description = Attribute(c.imagelist_description, name);
        list.uuid = text::AsciiLower(Attribute(c.imagelist_uuid, name));
        list.homepage = Attribute(c.imagelist_homepage, name);
        list.endorsers = CommaList(Attribute(c.imagelist_endorsers, name));
        list.os = CommaList(Attribute(c.imagelist_os, name));
        list.identifiers = CommaList(Attribute(c.imagelist_identifiers, name));
        list.cert_file = Attribute(c.imagelist_cert_file, name);
        list.key_file = Attribute(c.imagelist_key_file, name);
        const std::string lifetime = Attribute(c.imagelist_lifetime_days, name);
        if (!lifetime.empty())
            (void)ParseInt("lifetime_days", lifetime, 1, 3650, list.lifetime_days);
        lists.push_back(std::move(list));
    }
    return lists;
}

Status Validate(const Config& c) {
    if (c.store.type == "sqlite" && c.store.sqlite_path.empty()) {
        return Status::InvalidArgument("store.sqlite.path must be set when store.type = sqlite");
    }
    if (c.store.type == "postgresql" && c.store.postgresql_conninfo.empty()) {
        return Status::InvalidArgument(
            "store.postgresql.conninfo must be set when store.type = postgresql");
    }
    if (c.trust.mode == "strict" && c.trust.ca_dir.empty()) {
        return Status::InvalidArgument("trust.ca_dir must be set when trust.mode = strict");
    }
    if (c.http.tls_cert_file.empty() != c.http.tls_key_file.empty()) {
        return Status::InvalidArgument(
            "http.tls_cert_file and http.tls_key_file must be set together");
    }
    if (!c.http.public_url.empty() && !c.http.public_url.starts_with("http://") &&
        !c.http.public_url.starts_with("https://")) {
        return Status::InvalidArgument("http.public_url must start with http:// or https://");
    }
    for (const auto& [name, url] : c.occi_providers) {
        if (!url.starts_with("http://") && !url.starts_with("https://")) {
            return Status::InvalidArgument("occi.provider." + name + ": '" + url +
                                           "' must start with http:// or https://");
        }
    }
    for (const auto& [name, url] : c.occi_provider_glance) {
        if (!url.starts_with("http://") && !url.starts_with("https://")) {
            return Status::InvalidArgument("occi.provider." + name + ".glance: '" + url +
                                           "' must start with http:// or https://");
        }
        if (!c.occi_providers.contains(name)) {
            return Status::InvalidArgument("occi.provider." + name +
                                           ".glance is set but occi.provider." + name +
                                           " (the provider's OCCI endpoint) is not");
        }
    }
    MKT_RETURN_IF_ERROR(ValidateMetrics(c.metrics));
    MKT_RETURN_IF_ERROR(ValidateFederation(c));
    MKT_RETURN_IF_ERROR(ValidateConfirmation(c));
    MKT_RETURN_IF_ERROR(ValidateImageLists(c));
    if (c.limits.max_bytes > c.http.max_body_bytes) {
        return Status::InvalidArgument("metadata.max_bytes (" + std::to_string(c.limits.max_bytes) +
                                       ") must not exceed http.max_body_bytes (" +
                                       std::to_string(c.http.max_body_bytes) + ")");
    }
    return Status::Ok();
}

Result<Config> Load(const std::optional<std::string>& file,
                    const std::map<std::string, std::string>& environment,
                    const std::vector<std::string>& overrides) {
    Config config;
    if (file) {
        std::ifstream in(*file);
        if (!in) return Status::InvalidArgument("cannot read configuration file " + *file);
        std::ostringstream text;
        text << in.rdbuf();
        MKT_RETURN_IF_ERROR(ParseInto(config, text.str(), *file));
    }
    MKT_RETURN_IF_ERROR(ApplyEnvironment(config, environment));
    for (const std::string& o : overrides) {
        const size_t eq = o.find('=');
        if (eq == std::string::npos) {
            return Status::InvalidArgument("--set expects key=value, got '" + o + "'");
        }
        MKT_RETURN_IF_ERROR(SetKey(config, text::TrimBlanks(std::string_view(o).substr(0, eq)),
                                   std::string_view(o).substr(eq + 1))
                                .WithPrefix("--set " + o + ": "));
    }
    MKT_RETURN_IF_ERROR(Validate(config));
    return config;
}

std::string Dump(const Config& config) {
    std::string out;
    for (const Key& k : Keys()) out += std::string(k.name) + " = " + k.get(config) + "\n";
    for (const NamedKey& named : kNamedKeys) {
        for (const auto& [name, value] : config.*named.field)
            out +=
                std::string(named.prefix) + name + std::string(named.suffix) + " = " + value + "\n";
    }
    return out;
}

std::string DumpCommented(const Config& config) {
    const Config defaults;
    std::string out;
    std::string_view group;
    for (const Key& k : Keys()) {
        const std::string_view first = k.name.substr(0, k.name.find('.'));
        if (first != group) {
            out += "\n";
            group = first;
        }
        const std::string value = k.get(config), default_value = k.get(defaults);
        if (value == default_value) {
            out += "# " + std::string(k.name) + " = " + value + "\n";
        } else {
            out += "# (default: " + std::string(k.name) + " = " + default_value + ")\n";
            out += std::string(k.name) + " = " + value + "\n";
        }
    }
    out += "\n# Named entries (none by default), one line each:\n";
    for (const NamedKey& named : kNamedKeys) {
        out += "# " + std::string(named.prefix) + "<name>" + std::string(named.suffix) + " = ...\n";
        for (const auto& [name, value] : config.*named.field)
            out +=
                std::string(named.prefix) + name + std::string(named.suffix) + " = " + value + "\n";
    }
    return out;
}

std::map<std::string, std::string> ProcessEnvironment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view item(*e);
        const size_t eq = item.find('=');
        if (eq != std::string_view::npos) env.emplace(item.substr(0, eq), item.substr(eq + 1));
    }
    return env;
}

}  // namespace mkt::conf
