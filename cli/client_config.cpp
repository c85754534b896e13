#include "cli/client_config.hpp"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include "registry/text.hpp"

namespace mkt::cli {
namespace {

namespace fs = std::filesystem;

// Where a value comes from: paths in a file are relative to the file's folder.
struct Source {
    fs::path base;     // folder for relative paths (empty: the working directory)
    std::string home;  // $HOME for "~/"
};

using Setter = Status (*)(ClientConfig&, std::string_view value, const Source&);

struct Key {
    const char* name;
    Setter set;
};

std::string ResolvePath(std::string_view value, const Source& source) {
    if (value.empty()) return {};
    if ((value == "~" || value.starts_with("~/")) && !source.home.empty()) {
        return source.home + std::string(value.substr(1));
    }
    const fs::path p{std::string(value)};
    if (p.is_absolute() || source.base.empty()) return p.string();
    return (source.base / p).lexically_normal().string();
}

template <std::string ClientConfig::*Field>
Status SetPath(ClientConfig& c, std::string_view value, const Source& source) {
    c.*Field = ResolvePath(value, source);
    return Status::Ok();
}

template <std::string ClientConfig::*Field>
Status SetText(ClientConfig& c, std::string_view value, const Source&) {
    c.*Field = std::string(value);
    return Status::Ok();
}

Status SetEndpoint(ClientConfig& c, std::string_view value, const Source&) {
    if (!value.starts_with("http://") && !value.starts_with("https://")) {
        return Status::InvalidArgument("endpoint '" + std::string(value) +
                                       "' is not an http:// or https:// URL");
    }
    while (value.ends_with('/')) value.remove_suffix(1);
    c.endpoint = std::string(value);
    return Status::Ok();
}

Status SetVerifyTls(ClientConfig& c, std::string_view value, const Source&) {
    const std::string v = text::AsciiLower(value);
    if (v == "true" || v == "yes" || v == "on" || v == "1") {
        c.verify_tls = true;
    } else if (v == "false" || v == "no" || v == "off" || v == "0") {
        c.verify_tls = false;
    } else {
        return Status::InvalidArgument("verify_tls '" + std::string(value) +
                                       "' is not a boolean (true/false, yes/no, on/off, 1/0)");
    }
    return Status::Ok();
}

Status SetTimeout(ClientConfig& c, std::string_view value, const Source&) {
    long n = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || ptr != value.data() + value.size() || n < 1 || n > 86400) {
        return Status::InvalidArgument("timeout_seconds '" + std::string(value) +
                                       "' is not an integer in 1..86400");
    }
    c.timeout_seconds = n;
    return Status::Ok();
}

Status SetProfile(ClientConfig& c, std::string_view value, const Source&) {
    static constexpr std::string_view kProfiles[] = {"rsa-sha256", "rsa-sha512", "ecdsa-sha256",
                                                     "legacy", "stratuslab"};
    for (std::string_view p : kProfiles) {
        if (value == p) {
            c.profile = std::string(value);
            return Status::Ok();
        }
    }
    return Status::InvalidArgument(
        "profile '" + std::string(value) +
        "' is not one of rsa-sha256, rsa-sha512, ecdsa-sha256, legacy (= stratuslab)");
}

const std::vector<Key>& Keys() {
    static const std::vector<Key> keys = {
        {"endpoint", &SetEndpoint},
        {"verify_tls", &SetVerifyTls},
        {"ca_file", &SetPath<&ClientConfig::ca_file>},
        {"timeout_seconds", &SetTimeout},
        {"p12", &SetPath<&ClientConfig::p12_file>},
        {"p12_password_file", &SetPath<&ClientConfig::p12_password_file>},
        {"key", &SetPath<&ClientConfig::key_file>},
        {"cert", &SetPath<&ClientConfig::cert_file>},
        {"email", &SetText<&ClientConfig::email>},
        {"profile", &SetProfile},
        {"trust_dir", &SetPath<&ClientConfig::trust_dir>},
        {"endorsers_file", &SetPath<&ClientConfig::endorsers_file>},
    };
    return keys;
}

std::string EnvName(std::string_view key) {
    std::string out = "MARKETPLACE_";
    for (char ch : key)
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
    return out;
}

std::string KnownKeys() {
    std::string out;
    for (const Key& k : Keys()) out += (out.empty() ? "" : ", ") + std::string(k.name);
    return out;
}

Status ParseFile(ClientConfig& config, const fs::path& file, const std::string& home) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return Status::InvalidArgument("cannot read client configuration " + file.string() + ": " +
                                       std::strerror(errno));
    }
    const Source source{file.parent_path(), home};
    int line_no = 0;
    for (std::string line; std::getline(in, line);) {
        ++line_no;
        const std::string_view content = text::TrimBlanks(line);
        if (content.empty() || content.front() == '#') continue;
        const std::string where = file.string() + ":" + std::to_string(line_no) + ": ";
        const size_t eq = content.find('=');
        if (eq == std::string_view::npos) {
            return Status::InvalidArgument(where + "expected 'key = value', got '" +
                                           std::string(content) + "'");
        }
        const std::string_view key = text::TrimBlanks(content.substr(0, eq));
        const Key* found = nullptr;
        for (const Key& k : Keys()) {
            if (k.name == key) found = &k;
        }
        if (!found) {
            return Status::InvalidArgument(where + "unknown key '" + std::string(key) +
                                           "' (known: " + KnownKeys() + ")");
        }
        MKT_RETURN_IF_ERROR(
            found->set(config, text::TrimBlanks(content.substr(eq + 1)), source).WithPrefix(where));
    }
    return Status::Ok();
}

std::string Lookup(const std::map<std::string, std::string>& env, const std::string& name) {
    auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
}

// --config FILE, else $MARKETPLACE_CLIENT_CONFIG (both must exist), else the
// per-user file when it exists.
std::optional<fs::path> ChooseFile(const std::optional<std::string>& file,
                                   const std::map<std::string, std::string>& env) {
    if (file) return fs::path(*file);
    if (auto named = Lookup(env, "MARKETPLACE_CLIENT_CONFIG"); !named.empty()) return named;
    fs::path dir;
    if (auto xdg = Lookup(env, "XDG_CONFIG_HOME"); !xdg.empty()) {
        dir = xdg;
    } else if (auto home = Lookup(env, "HOME"); !home.empty()) {
        dir = fs::path(home) / ".config";
    } else {
        return std::nullopt;
    }
    const fs::path user_file = dir / "marketplace" / "client.conf";
    std::error_code ec;
    if (fs::is_regular_file(user_file, ec)) return user_file;
    return std::nullopt;
}

}  // namespace

Result<ClientConfig> LoadClientConfig(const std::optional<std::string>& file,
                                      const std::map<std::string, std::string>& environment) {
    ClientConfig config;
    const std::string home = Lookup(environment, "HOME");
    if (auto chosen = ChooseFile(file, environment)) {
        MKT_RETURN_IF_ERROR(ParseFile(config, *chosen, home));
    }
    for (const Key& k : Keys()) {
        const std::string name = EnvName(k.name);
        auto it = environment.find(name);
        if (it == environment.end()) continue;
        const Source source{{}, home};
        MKT_RETURN_IF_ERROR(k.set(config, text::TrimBlanks(it->second), source)
                                .WithPrefix("environment " + name + ": "));
    }
    return config;
}

}  // namespace mkt::cli
