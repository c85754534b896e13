// PostgreSQL for tests: the shared cluster of ctest fixture pg_cluster (one per
// build tree, tests/CMakeLists.txt), fresh schemas on it, and private clusters
// for tests that stop and restart their database (tests/support/pg_cluster).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace mkt::testing {

/// The conninfo of the shared cluster ($MKT_PG_CONNINFO, else the build tree's).
std::string PgClusterConninfo();

/// Runs `sql` through a connection of its own; "" on success, else the message.
std::string PgExec(const std::string& conninfo, const std::string& sql);

/// The integer of a one-row, one-column answer to `sql` (a test failure and -1
/// when the query fails or answers something else).
long long PgScalar(const std::string& conninfo, const std::string& sql);

/// Creates a new, empty schema named `prefix`<pid>_<n> on `conninfo`'s cluster
/// (a test failure if that fails); returns the conninfo whose search_path names it.
std::string FreshPgSchema(const std::string& conninfo, const std::string& prefix = "t");

/// A PostgreSQL cluster of the test's own (initdb in a directory under /tmp,
/// Unix socket only), for tests that halt and resume it while servers use it.
/// Stopped and deleted on destruction, also when the test fails. Aborts the
/// test binary when it cannot start.
class PrivatePgCluster {
  public:
    PrivatePgCluster();
    ~PrivatePgCluster();
    PrivatePgCluster(const PrivatePgCluster&) = delete;
    PrivatePgCluster& operator=(const PrivatePgCluster&) = delete;

    std::string conninfo() const;
    /// Stops the server at once, as a crash would (pg_ctl -m immediate).
    void Halt();
    /// Starts it again on the same data (crash recovery); waits until it accepts.
    void Resume();

  private:
    void Run(const std::string& action);
    std::filesystem::path dir_;
};

}  // namespace mkt::testing
