// marketplace-server: serves the Marketplace interfaces on one port.
//
//   marketplace-server [--config FILE] [--set key=value]... [--port-file FILE]
//                      [--print-config [--commented]] [--check-config]
//   marketplace-server --copy-store FROM_CONFIG [--config FILE] [--set key=value]...
//   marketplace-server --sync-from URL [--sync-ca-file FILE] [--config FILE] [--set key=value]...
//
// Configuration: defaults <- FILE <- MARKETPLACE_* environment <- --set
// (docs/configuration.md). SIGTERM or SIGINT stops it gracefully; SIGHUP
// reloads the trust store and the site policies (docs/operations.md). Under
// systemd (Type=notify) it reports READY=1, RELOADING=1 and STOPPING=1.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "registry/redland/world.hpp"
#include "registry/store_copy.hpp"
#include "registry/xmlsec/library.hpp"
#include "server/app.hpp"
#include "server/store_factory.hpp"
#include "server/systemd_notify.hpp"

namespace {

struct Args {
    std::optional<std::string> config_file;
    std::vector<std::string> overrides;
    std::optional<std::string> port_file;
    bool print_config = false;
    bool commented = false;  // --print-config as an editable file (defaults commented out)
    bool check_config = false;
    std::optional<std::string> copy_from;  // --copy-store FROM_CONFIG
    std::optional<std::string> sync_from;  // --sync-from URL
    std::string sync_ca_file;              // --sync-ca-file FILE
};

constexpr const char* kUsage =
    "usage: marketplace-server [--config FILE] [--set key=value]... [--port-file FILE]\n"
    "                          [--print-config [--commented]] [--check-config]\n"
    "Serves the Marketplace (native REST API) on one port.\n"
    "  --config FILE     configuration file (key = value lines; docs/configuration.md)\n"
    "  --set key=value   override one key (after the file and MARKETPLACE_* variables)\n"
    "  --port-file FILE  write the bound port there once listening (useful with http.port=0)\n"
    "  --print-config    print the effective configuration and exit\n"
    "  --commented       with --print-config: as a file to edit, keys at their default\n"
    "                    commented out\n"
    "  --check-config    validate the configuration and the parts it names, then exit\n"
    "  --copy-store FROM_CONFIG\n"
    "                    copy every entry of the store named by FROM_CONFIG (a configuration\n"
    "                    file) into this configuration's store, in seq order, byte for byte;\n"
    "                    resumable: run it again after an interruption; then exit\n"
    "  --sync-from URL   pull the whole change feed of the Marketplace at URL into this\n"
    "                    configuration's store (every entry re-verified against this\n"
    "                    configuration's trust), print a summary and exit: 0 all stored or\n"
    "                    already present, 1 some refused, 3 the feed could not be read to\n"
    "                    its end (run it again: it resumes by skipping what is present)\n"
    "  --sync-ca-file FILE  with --sync-from: extra CA bundle for the peer's TLS certificate\n";

// Returns nullopt after printing usage (exit 2) or help (exit 0 via `exit_code`).
std::optional<Args> ParseArgs(int argc, char** argv, int& exit_code) {
    Args args;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::optional<std::string> {
            if (i + 1 >= argc) return std::nullopt;
            return std::string(argv[++i]);
        };
        std::optional<std::string> v;
        if (a == "--help" || a == "-h") {
            std::fputs(kUsage, stdout);
            exit_code = 0;
            return std::nullopt;
        } else if (a == "--config" && (v = value())) {
            args.config_file = *v;
        } else if (a == "--set" && (v = value())) {
            args.overrides.push_back(*v);
        } else if (a == "--port-file" && (v = value())) {
            args.port_file = *v;
        } else if (a == "--print-config") {
            args.print_config = true;
        } else if (a == "--commented") {
            args.commented = true;
        } else if (a == "--copy-store" && (v = value())) {
            args.copy_from = *v;
        } else if (a == "--sync-from" && (v = value())) {
            args.sync_from = *v;
        } else if (a == "--sync-ca-file" && (v = value())) {
            args.sync_ca_file = *v;
        } else if (a == "--check-config") {
            args.check_config = true;
        } else {
            std::fprintf(stderr, "marketplace-server: unknown or incomplete option '%s'\n%s",
                         a.c_str(), kUsage);
            exit_code = 2;
            return std::nullopt;
        }
    }
    return args;
}

bool WritePortFile(const std::string& path, uint16_t port) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << port << "\n";
        if (!out) return false;
    }
    return std::rename(tmp.c_str(), path.c_str()) == 0;
}

// Logs a failed notification (the service manager would time the start out).
void Notify(std::string_view state) {
    auto sent = mkt::server::NotifyServiceManager(state);
    if (!sent.ok()) {
        std::fprintf(stderr, "marketplace-server: %s\n", sent.status().message().c_str());
    }
}

// SIGHUP: re-reads the configuration (for the policy files it names) and
// reloads what can change without a restart; every outcome is logged.
// `last_read` is the configuration as last read successfully (updated here).
void ReloadOnSignal(const Args& args, mkt::server::App& app, mkt::conf::Config& last_read) {
    Notify(mkt::server::ReloadingState());
    std::printf("marketplace-server: SIGHUP received, reloading\n");
    auto fresh = mkt::conf::Load(args.config_file, mkt::conf::ProcessEnvironment(), args.overrides);
    if (fresh.ok()) {
        last_read = *fresh;
    } else {
        std::printf(
            "marketplace-server: reload: configuration: %s; the files of the configuration read "
            "last are reloaded instead\n",
            fresh.status().message().c_str());
    }
    const mkt::server::App::ReloadReport report = app.Reload(last_read);
    for (const std::string& line : report.lines) {
        std::printf("marketplace-server: reload: %s\n", line.c_str());
    }
    const bool ok = report.ok && fresh.ok();
    std::printf("marketplace-server: reload %s\n", ok ? "done" : "FAILED in part (see above)");
    std::fflush(stdout);
    Notify(ok ? "READY=1\nSTATUS=serving; last reload done"
              : "READY=1\nSTATUS=serving; last reload FAILED in part (see the log)");
}

// --copy-store: the source is FROM_CONFIG's store (that file alone: the
// MARKETPLACE_* variables and --set apply to the destination), the destination
// this invocation's. Exit 0 when every entry is there, 1 on failure.
int CopyStore(const std::string& from_file, const mkt::conf::Config& to_config) {
    auto from_config = mkt::conf::Load(from_file, {}, {});
    if (!from_config.ok()) {
        std::fprintf(stderr, "marketplace-server: --copy-store %s: %s\n", from_file.c_str(),
                     from_config.status().message().c_str());
        return 2;
    }
    const std::string from_name = mkt::server::DescribeStore(from_config->store);
    const std::string to_name = mkt::server::DescribeStore(to_config.store);
    const mkt::conf::StoreConfig &source = from_config->store, &target = to_config.store;
    const bool same_store =
        source.type == target.type &&
        ((source.type == "sqlite" && source.sqlite_path == target.sqlite_path) ||
         (source.type == "postgresql" && source.postgresql_conninfo == target.postgresql_conninfo));
    if (same_store) {
        std::fprintf(stderr,
                     "marketplace-server: --copy-store: source and destination are the same "
                     "store (%s)\n",
                     from_name.c_str());
        return 2;
    }
    auto from = mkt::server::OpenStore(from_config->store);
    if (!from.ok()) {
        std::fprintf(stderr, "marketplace-server: --copy-store: source (%s): %s\n",
                     from_name.c_str(), from.status().message().c_str());
        return 1;
    }
    auto to = mkt::server::OpenStore(to_config.store);
    if (!to.ok()) {
        std::fprintf(stderr, "marketplace-server: --copy-store: destination (%s): %s\n",
                     to_name.c_str(), to.status().message().c_str());
        return 1;
    }
    std::printf("copy-store: %s -> %s\n", from_name.c_str(), to_name.c_str());
    std::fflush(stdout);
    auto report = mkt::CopyEntries(**from, **to, [](uint64_t done, uint64_t total) {
        if (done % 10000 < 500 || done == total) {
            std::printf("copy-store: %llu of %llu entries\n", static_cast<unsigned long long>(done),
                        static_cast<unsigned long long>(total));
            std::fflush(stdout);
        }
    });
    if (!report.ok()) {
        std::fprintf(stderr, "marketplace-server: --copy-store: %s\n",
                     report.status().message().c_str());
        return 1;
    }
    std::printf(
        "copy-store: done: %llu entries copied, %llu already there (an earlier run); "
        "source last seq %lld\n",
        static_cast<unsigned long long>(report->copied),
        static_cast<unsigned long long>(report->already_there),
        static_cast<long long>(report->source_last_seq));
    return 0;
}

// --sync-from: exit 0 when every change was stored or already present, 1 when
// some were refused, 3 when the feed could not be read to its end.
int SyncFrom(mkt::server::App& app, const std::string& url, const std::string& ca_file) {
    std::printf("sync-from: %s -> %s\n", url.c_str(), app.Describe().c_str());
    std::fflush(stdout);
    auto report = app.SyncFrom(url, ca_file);
    if (!report.ok()) {
        std::fprintf(stderr, "marketplace-server: --sync-from: %s\n",
                     report.status().message().c_str());
        return 3;
    }
    std::printf("sync-from: done: %s; read up to seq %lld of %lld\n",
                mkt::federation::SummaryLine(report->totals).c_str(),
                static_cast<long long>(report->cursor),
                static_cast<long long>(report->peer_last_seq));
    return report->totals.refused == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    int exit_code = 0;
    auto args = ParseArgs(argc, argv, exit_code);
    if (!args) return exit_code;

    auto config =
        mkt::conf::Load(args->config_file, mkt::conf::ProcessEnvironment(), args->overrides);
    if (!config.ok()) {
        std::fprintf(stderr, "marketplace-server: configuration: %s\n",
                     config.status().message().c_str());
        return 2;
    }
    if (args->print_config) {
        const std::string text =
            args->commented ? mkt::conf::DumpCommented(*config) : mkt::conf::Dump(*config);
        std::fputs(text.c_str(), stdout);
        return 0;
    }
    if (args->copy_from) return CopyStore(*args->copy_from, *config);

    // Block the stop and reload signals in every thread; main waits for them below.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    // Raptor's world calls xmlCleanupParser() when it goes, so it is created
    // first and destroyed last, after the xmlsec guard.
    auto rdf_world = mkt::redland::World::Create();
    if (!rdf_world.ok()) {
        std::fprintf(stderr, "marketplace-server: %s\n", rdf_world.status().message().c_str());
        return 1;
    }
    mkt::xmlsec::XmlSecLibrary xmlsec_library;
    if (!xmlsec_library.ok()) {
        std::fprintf(stderr, "marketplace-server: %s\n", xmlsec_library.status().message().c_str());
        return 1;
    }
    mkt::SystemClock clock;

    auto app = mkt::server::App::Create(*config, clock, **rdf_world);
    if (!app.ok()) {
        std::fprintf(stderr, "marketplace-server: %s\n", app.status().message().c_str());
        return 1;
    }
    if (args->sync_from) return SyncFrom(**app, *args->sync_from, args->sync_ca_file);
    if (args->check_config) {
        std::printf("configuration OK; %s\n", (*app)->Describe().c_str());
        return 0;
    }
    if (mkt::Status s = (*app)->Start(); !s.ok()) {
        std::fprintf(stderr, "marketplace-server: %s\n", s.message().c_str());
        return 1;
    }
    const uint16_t port = (*app)->port();
    if (args->port_file && !WritePortFile(*args->port_file, port)) {
        std::fprintf(stderr, "marketplace-server: cannot write port file %s\n",
                     args->port_file->c_str());
    }
    const char* scheme = config->http.tls_cert_file.empty() ? "http" : "https";
    std::printf("marketplace-server listening on %s://%s:%u/ (%s)\n", scheme,
                config->http.address.c_str(), port, (*app)->Describe().c_str());
    if (const uint16_t metrics_port = (*app)->metrics_port()) {
        std::printf("marketplace-server: metrics on %s://%s:%u%s\n", scheme,
                    config->metrics.listen.substr(0, config->metrics.listen.rfind(':')).c_str(),
                    metrics_port, config->metrics.path.c_str());
    }
    std::fflush(stdout);
    Notify("READY=1\nSTATUS=serving on port " + std::to_string(port));

    int signal_number = 0;
    mkt::conf::Config last_read = *config;
    for (;;) {
        sigwait(&stop_signals, &signal_number);
        if (signal_number != SIGHUP) break;
        ReloadOnSignal(*args, **app, last_read);
    }
    Notify("STOPPING=1");
    std::printf("marketplace-server: %s received, draining requests and stopping\n",
                strsignal(signal_number));
    std::fflush(stdout);
    (*app)->Stop();
    app->reset();
    std::printf("marketplace-server: stopped\n");
    return 0;
}
