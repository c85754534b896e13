#include "bench/driver.hpp"

#include <charconv>
#include <csignal>
#include <cstdio>

#include "client/http_client.hpp"
#include "registry/xmlsec/library.hpp"

namespace mkt::bench {

DriverOptions DefaultDriverOptions() {
    DriverOptions options;
    options.server = MKT_BENCH_SERVER_BINARY;
    options.pki = MKT_BENCH_TEST_PKI;
    return options;
}

std::string CommonUsage() {
    return "  --server PATH          marketplace-server binary (default: " MKT_BENCH_SERVER_BINARY
           ")\n"
           "  --pki DIR              test PKI made by scripts/make-test-pki "
           "(default: " MKT_BENCH_TEST_PKI
           ")\n"
           "  --connections C        concurrent upload connections (default 16)\n"
           "  --server-set key=value extra server setting (repeatable; see "
           "docs/configuration.md)\n";
}

Result<size_t> ParseCount(std::string_view flag, std::string_view text) {
    size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value == 0) {
        return Status::InvalidArgument(std::string(flag) + " needs a positive integer, not '" +
                                       std::string(text) + "'");
    }
    return value;
}

Result<bool> ParseCommonOption(int argc, char** argv, int& i, DriverOptions& options) {
    const std::string_view flag = argv[i];
    if (flag != "--server" && flag != "--pki" && flag != "--connections" &&
        flag != "--server-set") {
        return false;
    }
    if (i + 1 >= argc) return Status::InvalidArgument(std::string(flag) + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--server") {
        options.server = value;
    } else if (flag == "--pki") {
        options.pki = value;
    } else if (flag == "--connections") {
        MKT_ASSIGN_OR_RETURN(size_t c, ParseCount(flag, value));
        options.connections = static_cast<unsigned>(c);
    } else {
        if (value.find('=') == std::string::npos) {
            return Status::InvalidArgument("--server-set needs key=value, not '" + value + "'");
        }
        options.server_sets.push_back(value);
    }
    return true;
}

std::vector<std::string> ServerSettings(const std::filesystem::path& work_dir,
                                        const std::filesystem::path& pki,
                                        std::string_view synchronous, bool benchmark_routes,
                                        const std::vector<std::string>& extra) {
    std::vector<std::string> settings = {
        "http.address=127.0.0.1",
        "http.port=0",
        "http.access_log=off",
        std::string("http.benchmark_routes=") + (benchmark_routes ? "true" : "false"),
        "store.type=sqlite",
        "store.sqlite.path=" + (work_dir / "marketplace.db").string(),
        "store.sqlite.synchronous=" + std::string(synchronous),
        "trust.mode=strict",
        "trust.ca_dir=" + (pki / "ca").string(),
        "trust.endorsers_file=" + (pki / "endorsers").string(),
    };
    settings.insert(settings.end(), extra.begin(), extra.end());
    return settings;
}

std::string StoreLabel(const std::vector<std::string>& extra) {
    std::string type = "sqlite", synchronous = "full";
    for (const auto& setting : extra) {
        const size_t eq = setting.find('=');
        const std::string key = setting.substr(0, eq), value = setting.substr(eq + 1);
        if (key == "store.type") type = value;
        if (key == "store.sqlite.synchronous") synchronous = value;
    }
    if (type == "sqlite") return "SQLite synchronous=" + synchronous;
    return type + " store";
}

Status CheckInputs(const DriverOptions& options) {
    if (!std::filesystem::is_regular_file(options.server)) {
        return Status::InvalidArgument("server binary " + options.server.string() +
                                       " not found; build target marketplace-server or pass "
                                       "--server PATH");
    }
    for (const char* part : {"ca", "endorsers", "alice.key"}) {
        if (!std::filesystem::exists(options.pki / part)) {
            return Status::InvalidArgument(
                "test PKI " + options.pki.string() + " has no " + part +
                "; build target mkt_test_pki or run scripts/make-test-pki DIR and pass --pki DIR");
        }
    }
    return Status::Ok();
}

Status CheckStoredEntries(const ServerProcess& server, size_t expected) {
    client::HttpClient http;
    MKT_ASSIGN_OR_RETURN(client::HttpResponse health, http.Get(server.Url("/health")));
    const std::string_view body = health.body;
    const std::string_view key = "\"entries\":";
    const size_t at = body.find(key);
    size_t stored = 0;
    if (health.status != 200 || at == std::string_view::npos ||
        std::from_chars(body.data() + at + key.size(), body.data() + body.size(), stored).ec !=
            std::errc()) {
        return Status::Internal("GET /health answered HTTP " + std::to_string(health.status) +
                                " without an entry count: " + health.body);
    }
    if (stored != expected) {
        return Status::Internal("server stores " + std::to_string(stored) + " entries, expected " +
                                std::to_string(expected));
    }
    return Status::Ok();
}

std::string PathOfUrl(std::string_view url) {
    const size_t scheme = url.find("://");
    const size_t path = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
    return path == std::string_view::npos ? "/" : std::string(url.substr(path));
}

int RunDriver(const char* program, const std::function<Status()>& run) {
    std::signal(SIGPIPE, SIG_IGN);
    xmlsec::XmlSecLibrary xmlsec_library;
    if (!xmlsec_library.ok()) {
        std::fprintf(stderr, "%s: %s\n", program, xmlsec_library.status().message().c_str());
        return 1;
    }
    client::CurlGlobal curl;
    if (Status s = run(); !s.ok()) {
        std::fprintf(stderr, "%s: %s\n", program, s.ToString().c_str());
        return 1;
    }
    return 0;
}

}  // namespace mkt::bench
