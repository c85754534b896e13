// glance_fixture start|stop DIR: the ctest fixture around the tests that need
// a real Glance (tests/support/glance_process.hpp).
//
//   start: stops a Glance a previous, interrupted run left behind (DIR/pid),
//          empties DIR, starts Glance there and writes DIR/url and DIR/pid once
//          it answers. Exit 1 with the reason when it cannot (Glance not
//          installed, db_sync failed, no answer in time): the tests that
//          require the fixture then do not run and count as failed.
//   stop:  stops the Glance named by DIR/pid and removes DIR.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/glance_process.hpp"
#include "tests/support/paths.hpp"

namespace {

namespace fs = std::filesystem;

void StopRecorded(const fs::path& dir) {
    std::ifstream in(dir / "pid");
    long pid = 0;
    if (in >> pid && pid > 1) mkt::testing::StopGlance(static_cast<pid_t>(pid));
}

int Start(const fs::path& dir) {
    StopRecorded(dir);
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir, ec);
    auto glance = mkt::testing::StartGlance(dir, false);
    if (!glance.ok()) {
        std::fprintf(stderr, "GlanceFixture.Start: %s\n", glance.status().message().c_str());
        return 1;
    }
    mkt::testing::WriteFile(dir / "pid", std::to_string(glance->pid) + "\n");
    mkt::testing::WriteFile(dir / "url", glance->url + "\n");
    std::printf("Glance %s (pid %d, files in %s)\n", glance->url.c_str(), glance->pid, dir.c_str());
    return 0;
}

int Stop(const fs::path& dir) {
    StopRecorded(dir);
    std::error_code ec;
    fs::remove_all(dir, ec);
    std::printf("Glance stopped\n");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3 || (std::string(argv[1]) != "start" && std::string(argv[1]) != "stop")) {
        std::fprintf(stderr, "usage: glance_fixture start|stop DIR\n");
        return 2;
    }
    const fs::path dir = argv[2];
    return std::string(argv[1]) == "start" ? Start(dir) : Stop(dir);
}
