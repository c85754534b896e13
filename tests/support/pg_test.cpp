#include "tests/support/pg_test.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include <libpq-fe.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/support/paths.hpp"

namespace mkt::testing {

std::string PgClusterConninfo() {
    const char* env = std::getenv("MKT_PG_CONNINFO");
    return env ? env : MKT_PG_TEST_CONNINFO;
}

std::string PgExec(const std::string& conninfo, const std::string& sql) {
    PGconn* conn = PQconnectdb(conninfo.c_str());
    std::string error;
    if (PQstatus(conn) != CONNECTION_OK) {
        error = PQerrorMessage(conn);
    } else {
        PGresult* r = PQexec(conn, sql.c_str());
        const ExecStatusType status = PQresultStatus(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) error = PQerrorMessage(conn);
        PQclear(r);
    }
    PQfinish(conn);
    return error;
}

long long PgScalar(const std::string& conninfo, const std::string& sql) {
    PGconn* conn = PQconnectdb(conninfo.c_str());
    long long value = -1;
    PGresult* r = PQstatus(conn) == CONNECTION_OK ? PQexec(conn, sql.c_str()) : nullptr;
    if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && PQnfields(r) == 1) {
        value = std::atoll(PQgetvalue(r, 0, 0));
    } else {
        ADD_FAILURE() << sql << ": " << PQerrorMessage(conn);
    }
    PQclear(r);
    PQfinish(conn);
    return value;
}

std::string FreshPgSchema(const std::string& conninfo, const std::string& prefix) {
    static std::atomic<int> counter{0};
    const std::string schema = prefix + std::to_string(getpid()) + "_" + std::to_string(++counter);
    EXPECT_EQ(PgExec(conninfo, "CREATE SCHEMA " + schema), "") << "creating schema " << schema;
    return conninfo + " options='-csearch_path=" + schema + "'";
}

PrivatePgCluster::PrivatePgCluster() {
    static std::atomic<int> counter{0};
    // Short: the socket path DIR/.s.PGSQL.5432 must fit in sun_path (108 bytes).
    dir_ = "/tmp/mkt-pgp-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
    Run("start");
}

PrivatePgCluster::~PrivatePgCluster() { Run("stop"); }

std::string PrivatePgCluster::conninfo() const {
    return "host=" + dir_.string() + " port=5432 user=mkt dbname=postgres";
}

void PrivatePgCluster::Halt() { Run("halt"); }
void PrivatePgCluster::Resume() { Run("resume"); }

void PrivatePgCluster::Run(const std::string& action) {
    const std::string command = (SourceDir() / "tests" / "support" / "pg_cluster").string() + " " +
                                action + " " + dir_.string() + " >/dev/null";
    if (std::system(command.c_str()) != 0) {
        std::fprintf(stderr, "pg_cluster %s %s failed\n", action.c_str(), dir_.c_str());
        if (action != "stop") std::abort();
    }
}

}  // namespace mkt::testing
