// download_throughput: verified image download (what `marketplace download`
// does after its policy check) of a gz image from a loopback HTTP server,
// against `curl -s URL | gunzip | sha512sum` on the same file in the same run.
// Goal: throughput ratio >= 1.0.
//
//   download_throughput [--size SIZE] [--rounds R] [--dir DIR]
//
// 1. Makes (or reuses) DIR/mkt-download-bench/image-<SIZE>.gz: SIZE bytes
//    (default 2 GiB) of varied, moderately compressible data (lines of
//    pseudo-random words, as a file system image holds), gzip -6, and
//    digests it once with DigestImage to get the entry's checksums and size.
// 2. Serves the file from a small sendfile(2) server on loopback (in process,
//    its own thread; it costs both sides the same and almost nothing).
// 3. R rounds (default 3), each: the reference pipeline (bash -c 'curl -s URL |
//    gunzip | sha512sum', its printed digest must match), then
//    image::DownloadVerified with the libcurl source, as the CLI calls it, for
//    an entry listing all four checksums (what `marketplace build` writes), then
//    for an entry listing SHA-512 only (the reference's own work). The verified
//    image goes to a temporary file beside nothing that matters and is
//    discarded (no fsync: the reference writes nothing either).
// 4. Prints each round and the median ratios (reference wall time / download
//    wall time = download throughput / reference throughput).
// Exit: 0 when measured, 1 when a step failed, 2 for a usage error.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/process.hpp"
#include "bench/report.hpp"
#include "client/http_client.hpp"
#include "client/image_source.hpp"
#include "registry/image/image_digester.hpp"
#include "registry/image/image_download.hpp"

namespace mkt::bench {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

constexpr double kGoal = 1.0;
constexpr uint64_t kMiB = uint64_t{1} << 20;

struct Options {
    uint64_t size = 2048 * kMiB;
    int rounds = 3;
    fs::path dir;
};

Result<Options> ParseArgs(int argc, char** argv) {
    Options o;
    const char* tmp = std::getenv("TMPDIR");
    o.dir = tmp && *tmp ? tmp : "/tmp";
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) return Status::InvalidArgument(flag + " needs a value");
        const std::string value = argv[++i];
        if (flag == "--size") {
            const uint64_t mib = std::strtoull(value.c_str(), nullptr, 10);
            if (mib == 0 || value.back() != 'M') {
                return Status::InvalidArgument("--size '" + value +
                                               "' is not a size in MiB (2048M)");
            }
            o.size = mib * kMiB;
        } else if (flag == "--rounds") {
            o.rounds = std::atoi(value.c_str());
            if (o.rounds < 1) return Status::InvalidArgument("--rounds must be positive");
        } else if (flag == "--dir") {
            o.dir = value;
        } else {
            return Status::InvalidArgument("unknown option " + flag +
                                           " (--size NM, --rounds R, --dir DIR)");
        }
    }
    return o;
}

// Lines of words drawn from a fixed vocabulary: gzip -6 packs it about 3:1, so
// inflating is real work (zeros would inflate at memory speed).
Status WriteImageSource(const fs::path& raw, uint64_t size) {
    std::vector<std::string> words;
    std::mt19937_64 rng(42);
    for (int i = 0; i < 4096; ++i) {
        std::string w;
        const int len = 2 + static_cast<int>(rng() % 10);
        for (int j = 0; j < len; ++j) w.push_back(static_cast<char>('a' + rng() % 26));
        words.push_back(w);
    }
    std::ofstream out(raw, std::ios::binary);
    std::string block;
    uint64_t written = 0;
    while (written < size) {
        block.clear();
        while (block.size() < kMiB) {
            block += words[rng() % words.size()];
            block.push_back(rng() % 12 == 0 ? '\n' : ' ');
            if (rng() % 64 == 0) block += std::to_string(rng());
        }
        const uint64_t n = std::min<uint64_t>(block.size(), size - written);
        out.write(block.data(), static_cast<std::streamsize>(n));
        written += n;
    }
    out.close();
    if (!out) return Status::Unavailable("cannot write " + raw.string());
    return Status::Ok();
}

Result<fs::path> MakeImage(const Options& o, const fs::path& work) {
    const fs::path gz = work / ("image-" + std::to_string(o.size / kMiB) + "M.gz");
    if (fs::exists(gz)) return gz;
    const fs::path raw = work / "image.raw";
    std::printf("writing a %llu MiB image and compressing it (once; kept in %s)\n",
                static_cast<unsigned long long>(o.size / kMiB), work.c_str());
    std::fflush(stdout);
    MKT_RETURN_IF_ERROR(WriteImageSource(raw, o.size));
    const fs::path partial = gz.string() + ".part";
    MKT_ASSIGN_OR_RETURN(
        auto zipped,
        RunCommand({"bash", "-c", "gzip -6 -c '" + raw.string() + "' > '" + partial.string() + "'"},
                   work, "gzip"));
    fs::remove(raw);
    if (zipped.exit_code != 0) return Status::Unavailable("gzip failed: " + zipped.err);
    fs::rename(partial, gz);
    return gz;
}

// A static file server on a free loopback port, on its own thread: each
// connection gets one GET answered from the file with sendfile(2), so the
// server costs almost nothing and both sides of the ratio see the same source.
// (Debian's `python3 -m http.server` managed 11 MiB/s here: it would have been
// the figure.)
class StaticServer {
  public:
    static Result<std::unique_ptr<StaticServer>> Start(const fs::path& file) {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            listen(fd, 8) != 0 || getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            if (fd >= 0) close(fd);
            return Status::Unavailable("cannot listen on loopback");
        }
        return std::unique_ptr<StaticServer>(new StaticServer(fd, ntohs(addr.sin_port), file));
    }
    ~StaticServer() {
        shutdown(listener_, SHUT_RDWR);
        close(listener_);
        thread_.join();
    }
    std::string Url() const {
        return "http://127.0.0.1:" + std::to_string(port_) + "/" + file_.filename().string();
    }

  private:
    StaticServer(int listener, uint16_t port, fs::path file)
        : listener_(listener), port_(port), file_(std::move(file)), thread_([this] { Serve(); }) {}

    void Serve() {
        for (;;) {
            const int client = accept(listener_, nullptr, nullptr);
            if (client < 0) return;  // the listener was shut down
            Answer(client);
            close(client);
        }
    }

    // Reads the request head (ignored: there is one file) and sends the file.
    void Answer(int client) const {
        std::string head;
        char buffer[4096];
        while (head.find("\r\n\r\n") == std::string::npos) {
            const ssize_t n = read(client, buffer, sizeof buffer);
            if (n <= 0) return;
            head.append(buffer, static_cast<size_t>(n));
        }
        const int file = open(file_.c_str(), O_RDONLY);
        if (file < 0) return;
        const uint64_t size = fs::file_size(file_);
        const std::string response =
            "HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\n"
            "Content-Length: " +
            std::to_string(size) + "\r\nConnection: close\r\n\r\n";
        if (write(client, response.data(), response.size()) ==
            static_cast<ssize_t>(response.size())) {
            off_t offset = 0;
            while (static_cast<uint64_t>(offset) < size) {
                if (sendfile(client, file, &offset, size - static_cast<uint64_t>(offset)) <= 0)
                    break;
            }
        }
        close(file);
    }

    int listener_;
    uint16_t port_;
    fs::path file_;
    std::thread thread_;
};

EntryMetadata MetadataFor(const image::ImageDigests& d, const std::string& url, bool all_four) {
    EntryMetadata m;
    m.bytes = d.bytes;
    if (all_four) {
        m.checksums = {{"MD5", d.md5}, {"SHA-1", d.sha1}, {"SHA-256", d.sha256}};
    }
    m.checksums.push_back({"SHA-512", d.sha512});
    m.locations = {url};
    return m;
}

Result<double> TimeDownload(const EntryMetadata& m, const fs::path& work) {
    client::CurlImageSource source;
    const auto start = SteadyClock::now();
    MKT_ASSIGN_OR_RETURN(auto result, image::DownloadVerified(m, source, [&] {
                             return image::AtomicFile::Create(work / "downloaded.img");
                         }));
    const double seconds = SecondsSince(start);
    result.file.Discard();
    return seconds;
}

Result<double> TimeReference(const std::string& url, const std::string& sha512,
                             const fs::path& work) {
    const auto start = SteadyClock::now();
    MKT_ASSIGN_OR_RETURN(
        auto out,
        RunCommand({"bash", "-c", "set -o pipefail; curl -s '" + url + "' | gunzip | sha512sum"},
                   work, "reference"));
    const double seconds = SecondsSince(start);
    if (out.exit_code != 0 || out.out.substr(0, sha512.size()) != sha512) {
        return Status::Internal("reference pipeline failed or printed another digest: " + out.out +
                                out.err);
    }
    return seconds;
}

Status Run(const Options& o) {
    const fs::path work = o.dir / "mkt-download-bench";
    fs::create_directories(work);
    std::printf("%s\n", MachineSummary().c_str());
    MKT_ASSIGN_OR_RETURN(fs::path gz, MakeImage(o, work));
    MKT_ASSIGN_OR_RETURN(auto digests, image::DigestImage(gz, {}));
    const double gz_mib = static_cast<double>(fs::file_size(gz)) / kMiB;
    const double raw_mib = static_cast<double>(digests.bytes) / kMiB;
    std::printf("image: %.0f MiB gz, %.0f MiB uncompressed\n", gz_mib, raw_mib);
    MKT_ASSIGN_OR_RETURN(auto server, StaticServer::Start(gz));
    const std::string url = server->Url();
    const EntryMetadata all_four = MetadataFor(digests, url, true);
    const EntryMetadata sha512_only = MetadataFor(digests, url, false);
    std::vector<double> ratio_all, ratio_512;
    for (int round = 1; round <= o.rounds; ++round) {
        MKT_ASSIGN_OR_RETURN(double reference, TimeReference(url, digests.sha512, work));
        MKT_ASSIGN_OR_RETURN(double download_all, TimeDownload(all_four, work));
        MKT_ASSIGN_OR_RETURN(double download_512, TimeDownload(sha512_only, work));
        std::printf(
            "round %d: curl|gunzip|sha512sum %.2f s (%.0f MiB/s); download+verify, 4 digests "
            "%.2f s (%.0f MiB/s); SHA-512 only %.2f s (%.0f MiB/s)\n",
            round, reference, raw_mib / reference, download_all, raw_mib / download_all,
            download_512, raw_mib / download_512);
        std::fflush(stdout);
        ratio_all.push_back(reference / download_all);
        ratio_512.push_back(reference / download_512);
    }
    const double all = Median(ratio_all);
    std::printf(
        "download+verify throughput / curl|gunzip|sha512sum throughput = %.2f "
        "(entry with MD5, SHA-1, SHA-256, SHA-512; goal >= %.1f: %s)\n",
        all, kGoal, all >= kGoal ? "met" : "MISSED");
    std::printf("  same, entry listing SHA-512 only (the reference's work) = %.2f\n",
                Median(ratio_512));
    std::printf("%s\n", MachineSummary().c_str());
    return Status::Ok();
}

}  // namespace
}  // namespace mkt::bench

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    auto options = mkt::bench::ParseArgs(argc, argv);
    if (!options.ok()) {
        std::fprintf(stderr, "download_throughput: %s\n", options.status().message().c_str());
        return 2;
    }
    mkt::client::CurlGlobal curl;
    const mkt::Status status = mkt::bench::Run(*options);
    if (status.ok()) return 0;
    std::fprintf(stderr, "download_throughput: %s\n", status.message().c_str());
    return 1;
}
