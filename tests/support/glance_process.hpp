// A real OpenStack Glance (Debian's glance-api) for the tests, on loopback.
//
// StartGlance writes a configuration into a directory (no Keystone: the
// paste pipeline without authentication, which makes every request an admin
// one; SQLite database, file store, one worker; PITFALLS.md "OpenStack Glance
// in tests"), runs `glance-manage db_sync`, starts `glance-api` on a free
// loopback port in its own process group and waits until GET /v2/images
// answers 200. StopGlance ends the process group (SIGTERM, then SIGKILL).
//
// The test run shares one Glance: the ctest fixture GlanceFixture.Start
// (tests/support/glance_fixture.cpp) starts it before the tests that need it
// and writes its URL to <build>/glance-fixture/url; GlanceFixture.Stop stops
// it after them, also when they failed. SharedGlanceUrl() reads that file; a
// test binary run by hand (no fixture) starts a Glance of its own instead,
// which dies with the process. Glance missing is an error, never a skip.
#pragma once

#include <filesystem>
#include <string>

#include <sys/types.h>

#include "registry/result.hpp"

namespace mkt::testing {

struct GlanceInstance {
    pid_t pid = -1;   // glance-api's parent process, leader of its process group
    std::string url;  // "http://127.0.0.1:<port>"
};

/// Starts Glance with its configuration, database, images and log under `dir`.
/// `die_with_parent`: glance-api gets SIGTERM when the calling process ends.
/// Errors: kNotFound "glance-api is not installed ..." (names the Debian
/// package and scripts/install-deps); kUnavailable when db_sync fails or
/// Glance does not answer in time (with the end of its log).
Result<GlanceInstance> StartGlance(const std::filesystem::path& dir, bool die_with_parent);

/// Ends the process group `pid` leads and waits for it (at most about 20 s).
void StopGlance(pid_t pid);

/// True when GET <url>/v2/images answers 200 within a few seconds.
bool GlanceAnswers(const std::string& url);

/// The Glance of this test run (see above); aborts the test binary when none
/// can be had, with the reason.
const std::string& SharedGlanceUrl();

}  // namespace mkt::testing
