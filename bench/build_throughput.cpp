// build_throughput: `marketplace build` on a large raw image in the page cache,
// against `md5sum` on the same file in the same run. Goals: wall time ratio
// <= 1.6 on 2 cores, peak RSS < 64 MB (2^20 bytes).
//
//   build_throughput [--size SIZE] [--rounds R] [--dir DIR] [--binary PATH] [--threads N]
//
// 1. Writes a file of SIZE (default 2 GiB) pseudo-random bytes (every block
//    written: not sparse, not compressible) in a fresh directory under DIR
//    (default $TMPDIR or /tmp) after checking the free space, syncs it, reads
//    it once to warm the page cache and reports how much of it is resident.
// 2. R rounds (default 3), each: `md5sum FILE` then `marketplace build FILE
//    --quiet` as children (posix_spawn, output to files), wall time around each
//    child and its rusage from wait4 (CPU time, peak RSS). The build's document
//    must carry the MD5 md5sum printed, or the run fails.
// 3. Prints each round, then the median of the per-round ratios and the largest
//    peak RSS against the goals, and the digest throughput.
// The directory is removed at the end. Exit: 0 when measured (goal met or
// not), 1 when the benchmark failed, 2 for a usage error.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/report.hpp"
#include "registry/result.hpp"

extern char** environ;

namespace mkt::bench {
namespace {

namespace fs = std::filesystem;

constexpr double kRatioGoal = 1.6;
constexpr double kRssGoalMb = 64;
constexpr double kMiB = 1024.0 * 1024.0;
constexpr uint64_t kGiB = uint64_t{1} << 30;

struct Options {
    uint64_t size = 2 * kGiB;
    int rounds = 3;
    fs::path dir;
    fs::path binary = MKT_BENCH_MARKETPLACE_BINARY;
    std::string threads;  // passed to `marketplace build --threads` when set
};

void PrintUsage(std::FILE* out) {
    std::fprintf(out,
                 "usage: build_throughput [options]\n"
                 "`marketplace build` wall time / `md5sum` wall time on a raw image in the page\n"
                 "cache (goal <= %.1f), and the build's peak RSS (goal < %.0f MB).\n"
                 "  --size SIZE     image size, with an optional K, M or G suffix (default 2G)\n"
                 "  --rounds R      md5sum + build pairs; the ratio is their median (default 3)\n"
                 "  --dir DIR       where to create the image (default $TMPDIR or /tmp)\n"
                 "  --binary PATH   the marketplace binary (default %s)\n"
                 "  --threads N     passed to marketplace build --threads (default: its own)\n",
                 kRatioGoal, kRssGoalMb, MKT_BENCH_MARKETPLACE_BINARY);
}

Result<uint64_t> ParseSize(const std::string& text) {
    uint64_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    uint64_t unit = 1;
    if (ec == std::errc() && ptr + 1 == end) {
        switch (*ptr) {
            case 'K':
            case 'k':
                unit = 1024;
                break;
            case 'M':
            case 'm':
                unit = 1024 * 1024;
                break;
            case 'G':
            case 'g':
                unit = kGiB;
                break;
            default:
                unit = 0;
        }
        ++ptr;
    }
    if (ec != std::errc() || ptr != end || unit == 0 || value == 0) {
        return Status::InvalidArgument("--size '" + text + "' is not a size such as 2G or 512M");
    }
    return value * unit;
}

std::optional<Options> ParseArgs(int argc, char** argv, int& exit_code) {
    Options o;
    const char* tmp = std::getenv("TMPDIR");
    o.dir = tmp && *tmp ? tmp : "/tmp";
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "-h" || flag == "--help") {
            PrintUsage(stdout);
            exit_code = 0;
            return std::nullopt;
        }
        const bool takes_value = flag == "--size" || flag == "--rounds" || flag == "--dir" ||
                                 flag == "--binary" || flag == "--threads";
        if (!takes_value || i + 1 >= argc) {
            std::fprintf(stderr, "build_throughput: %s %s\n", flag.c_str(),
                         takes_value ? "needs a value" : "is not an option");
            PrintUsage(stderr);
            exit_code = 2;
            return std::nullopt;
        }
        const std::string value = argv[++i];
        if (flag == "--size") {
            auto size = ParseSize(value);
            if (!size.ok()) {
                std::fprintf(stderr, "build_throughput: %s\n", size.status().message().c_str());
                exit_code = 2;
                return std::nullopt;
            }
            o.size = *size;
        } else if (flag == "--rounds") {
            o.rounds = std::atoi(value.c_str());
            if (o.rounds < 1) {
                std::fprintf(stderr, "build_throughput: --rounds '%s' is not a positive count\n",
                             value.c_str());
                exit_code = 2;
                return std::nullopt;
            }
        } else if (flag == "--dir") {
            o.dir = value;
        } else if (flag == "--binary") {
            o.binary = value;
        } else {
            o.threads = value;
        }
    }
    return o;
}

std::string Errno() { return std::strerror(errno); }

/// A fresh directory under `parent`, removed with its contents on destruction.
class WorkDir {
  public:
    static Result<std::unique_ptr<WorkDir>> Create(const fs::path& parent) {
        std::string templ = (parent / "build-throughput-XXXXXX").string();
        if (!::mkdtemp(templ.data())) {
            return Status::Unavailable("cannot create a directory in " + parent.string() + ": " +
                                       Errno());
        }
        return std::unique_ptr<WorkDir>(new WorkDir(templ));
    }
    ~WorkDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

  private:
    explicit WorkDir(fs::path p) : path_(std::move(p)) {}
    fs::path path_;
};

Status CheckFreeSpace(const fs::path& dir, uint64_t size) {
    struct statvfs st {};
    if (::statvfs(dir.c_str(), &st) != 0) {
        return Status::Unavailable("cannot check the free space of " + dir.string() + ": " +
                                   Errno());
    }
    const uint64_t free_bytes = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
    const uint64_t needed = size + 256 * 1024 * 1024;  // the image, the documents and a margin
    if (free_bytes < needed) {
        char text[256];
        std::snprintf(text, sizeof text,
                      "%s has %.2f GiB free; the benchmark needs %.2f GiB (the image and a "
                      "margin): free some space, or use --dir elsewhere or a smaller --size",
                      dir.c_str(), static_cast<double>(free_bytes) / kGiB,
                      static_cast<double>(needed) / kGiB);
        return Status::Unavailable(text);
    }
    return Status::Ok();
}

/// Writes `size` pseudo-random bytes (xorshift64*, every block written) and syncs.
Status WriteImage(const fs::path& file, uint64_t size) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Status::Unavailable("cannot create " + file.string() + ": " + Errno());
    constexpr size_t kChunk = 8 << 20;
    std::vector<uint64_t> buffer(kChunk / sizeof(uint64_t));
    uint64_t state = 0x9e3779b97f4a7c15ULL;
    for (uint64_t written = 0; written < size;) {
        for (auto& word : buffer) {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            word = state * 0x2545f4914f6cdd1dULL;
        }
        const size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, size - written));
        const char* data = reinterpret_cast<const char*>(buffer.data());
        for (size_t done = 0; done < n;) {
            const ssize_t w = ::write(fd, data + done, n - done);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                const Status s =
                    Status::Unavailable("cannot write " + file.string() + ": " + Errno());
                ::close(fd);
                return s;
            }
            done += static_cast<size_t>(w);
        }
        written += n;
    }
    // Written back now, so that writeback does not run during the measurements.
    const bool synced = ::fdatasync(fd) == 0;
    ::close(fd);
    if (!synced) return Status::Unavailable("cannot sync " + file.string() + ": " + Errno());
    return Status::Ok();
}

/// Reads the whole file once (into the page cache); returns the fraction of its
/// pages resident afterwards (mincore).
Result<double> WarmPageCache(const fs::path& file, uint64_t size) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::Unavailable("cannot open " + file.string() + ": " + Errno());
    std::vector<char> buffer(1 << 20);
    while (::read(fd, buffer.data(), buffer.size()) > 0) {
    }
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED)
        return Status::Unavailable("cannot map " + file.string() + ": " + Errno());
    const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    std::vector<unsigned char> resident((size + page - 1) / page);
    const bool ok = ::mincore(map, size, resident.data()) == 0;
    ::munmap(map, size);
    if (!ok) return Status::Unavailable("mincore failed: " + Errno());
    const auto in_core = std::count_if(resident.begin(), resident.end(),
                                       [](unsigned char r) { return (r & 1) != 0; });
    return static_cast<double>(in_core) / static_cast<double>(resident.size());
}

struct ChildRun {
    double wall_seconds = 0;
    double cpu_seconds = 0;  // user + system
    double peak_rss_mb = 0;  // ru_maxrss, in 2^20 bytes
    std::string out;         // standard output
};

/// Runs argv to completion, stdout and stderr to files in `dir`; wall time from
/// spawn to exit, rusage from wait4. Errors: kUnavailable when it cannot start,
/// kInternal when it fails (with the end of its stderr).
Result<ChildRun> RunChild(const std::vector<std::string>& argv, const fs::path& dir,
                          const std::string& name) {
    const fs::path out = dir / (name + ".out"), err = dir / (name + ".err");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const auto start = std::chrono::steady_clock::now();
    const int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
        return Status::Unavailable("cannot run " + argv[0] + ": " + std::strerror(spawned));
    }
    int status = 0;
    struct rusage usage {};
    while (::wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) return Status::Internal("wait4 failed: " + Errno());
    }
    ChildRun run;
    run.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    run.cpu_seconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    run.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB
    std::ifstream in(out);
    std::ostringstream text;
    text << in.rdbuf();
    run.out = text.str();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::ifstream e(err);
        std::ostringstream message;
        message << e.rdbuf();
        return Status::Internal(name + " failed (wait status " + std::to_string(status) +
                                "): " + message.str().substr(0, 2000));
    }
    return run;
}

struct Round {
    ChildRun md5sum, build;
    double ratio() const { return build.wall_seconds / md5sum.wall_seconds; }
};

std::string Throughput(uint64_t bytes, double seconds) {
    char text[96];
    std::snprintf(text, sizeof text, "%.0f MiB/s, %.2f ns/byte",
                  static_cast<double>(bytes) / kMiB / seconds,
                  seconds * 1e9 / static_cast<double>(bytes));
    return text;
}

Result<Round> RunRound(const Options& o, const fs::path& image, const fs::path& dir) {
    Round r;
    MKT_ASSIGN_OR_RETURN(r.md5sum, RunChild({"md5sum", image.string()}, dir, "md5sum"));
    std::vector<std::string> build = {o.binary.string(), "build", image.string(), "--quiet"};
    if (!o.threads.empty()) build.insert(build.end(), {"--threads", o.threads});
    MKT_ASSIGN_OR_RETURN(r.build, RunChild(build, dir, "build"));
    const std::string md5 = r.md5sum.out.substr(0, r.md5sum.out.find(' '));
    if (md5.size() != 32 ||
        r.build.out.find("<slreq:value>" + md5 + "</slreq:value>") == std::string::npos) {
        return Status::Internal("marketplace build's document does not carry md5sum's MD5 (" + md5 +
                                "): what was measured is not the same work");
    }
    return r;
}

Status Run(const Options& o) {
    if (!fs::exists(o.binary)) {
        return Status::InvalidArgument("no marketplace binary at " + o.binary.string() +
                                       " (build the 'marketplace' target or pass --binary)");
    }
    MKT_RETURN_IF_ERROR(CheckFreeSpace(o.dir, o.size));
    MKT_ASSIGN_OR_RETURN(auto work, WorkDir::Create(o.dir));
    const fs::path image = work->path() / "image.raw";
    const double size_gib = static_cast<double>(o.size) / kGiB;
    std::printf("build_throughput: %s\n", MachineSummary().c_str());
    std::printf("writing a %.2f GiB raw image in %s ...\n", size_gib, work->path().c_str());
    std::fflush(stdout);
    MKT_RETURN_IF_ERROR(WriteImage(image, o.size));
    MKT_ASSIGN_OR_RETURN(const double resident, WarmPageCache(image, o.size));
    std::printf(
        "page cache: %.1f%% of the image resident%s\n", resident * 100,
        resident < 0.99 ? " (WARNING: the runs will read from disk; free some memory)" : "");

    std::vector<Round> rounds;
    for (int i = 0; i < o.rounds; ++i) {
        MKT_ASSIGN_OR_RETURN(Round r, RunRound(o, image, work->path()));
        std::printf(
            "round %d: md5sum wall %.2f s (%s), cpu %.2f s | marketplace build wall %.2f s (%s), "
            "cpu %.2f s (%.2f ns/byte), peak RSS %.1f MB | ratio %.3f\n",
            i + 1, r.md5sum.wall_seconds, Throughput(o.size, r.md5sum.wall_seconds).c_str(),
            r.md5sum.cpu_seconds, r.build.wall_seconds,
            Throughput(o.size, r.build.wall_seconds).c_str(), r.build.cpu_seconds,
            r.build.cpu_seconds * 1e9 / static_cast<double>(o.size), r.build.peak_rss_mb,
            r.ratio());
        std::fflush(stdout);
        rounds.push_back(std::move(r));
    }
    std::vector<Round> sorted = rounds;
    std::sort(sorted.begin(), sorted.end(),
              [](const Round& a, const Round& b) { return a.ratio() < b.ratio(); });
    const Round& median = sorted[sorted.size() / 2];
    double peak_rss = 0;
    for (const Round& r : rounds) peak_rss = std::max(peak_rss, r.build.peak_rss_mb);

    std::printf(
        "digest throughput (median round): marketplace build %s of wall time, "
        "%.2f ns/byte of CPU (read + MD5 + SHA-1 + SHA-256 + SHA-512); md5sum %s\n",
        Throughput(o.size, median.build.wall_seconds).c_str(),
        median.build.cpu_seconds * 1e9 / static_cast<double>(o.size),
        Throughput(o.size, median.md5sum.wall_seconds).c_str());
    std::printf("build wall time / md5sum wall time = %.2f (goal <= %.1f)%s\n", median.ratio(),
                kRatioGoal, median.ratio() <= kRatioGoal ? "" : "  MISSED");
    std::printf("peak RSS = %.1f MB (goal < %.0f MB)%s\n", peak_rss, kRssGoalMb,
                peak_rss < kRssGoalMb ? "" : "  MISSED");
    std::printf("image %.2f GiB, %d round(s), %s\n", size_gib, o.rounds, MachineSummary().c_str());
    return Status::Ok();
}

}  // namespace
}  // namespace mkt::bench

int main(int argc, char** argv) {
    int exit_code = 0;
    const auto options = mkt::bench::ParseArgs(argc, argv, exit_code);
    if (!options) return exit_code;
    const mkt::Status s = mkt::bench::Run(*options);
    if (!s.ok()) {
        std::fprintf(stderr, "build_throughput: %s\n", s.message().c_str());
        return 1;
    }
    return 0;
}
