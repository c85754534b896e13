// Thin RAII layer over libpq for PostgresEntryStore: one connection with its
// cache of prepared statements, results with typed accessors, pipelines (many
// statements in one round trip), and the mapping of PostgreSQL errors to Status
// (the only place that knows libpq's error model).
//
//   connection lost or refused, server shutting down or starting
//   (SQLSTATE class 08, 57P01-57P03), out of resources (class 53),
//   serialization failure / deadlock (40001, 40P01), read-only server (25006),
//   any error without a SQLSTATE (libpq's own: the connection failed)
//                                          -> kUnavailable ("database unavailable: ...")
//   everything else                        -> kInternal ("database error: ...")
// Messages say what was being done and quote the server's message (never the
// conninfo, which may hold a password).
//
// Every statement with parameters is prepared once per connection (cached by its
// SQL text; the cache is capped) and executed with the values passed separately:
// no value ever becomes SQL text. Parameters travel as text (integers in decimal)
// except byte strings, which travel in binary (bytea, byte for byte). Results
// are read in binary format: integers are decoded by their type, text and bytea
// are the raw bytes.
//
// Thread-safety: a Connection belongs to one thread at a time (the store hands
// them out). Private to registry/store/postgres/.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "registry/result.hpp"
#include "registry/store/sql_list_query.hpp"

struct pg_conn;
struct pg_result;

namespace mkt::store::pg {

/// The values of one statement, in placeholder order ($1, $2, ...).
class Params {
  public:
    Params() = default;
    explicit Params(const std::vector<SqlParam>& values);

    Params& Text(std::string value);
    Params& Int(int64_t value);
    /// A bytea value, sent in binary format (no escaping, byte for byte).
    Params& Bytes(std::string value);
    /// A bigint[] value, e.g. for `seq = ANY($1)`.
    Params& IntArray(const std::vector<int64_t>& values);

    size_t size() const { return values_.size(); }

  private:
    friend class Connection;
    std::vector<std::string> values_;
    std::vector<int> binary_;  // per value: 1 = binary format
};

/// The rows of one statement's result (owns the PGresult).
class Rows {
  public:
    Rows() = default;
    explicit Rows(pg_result* result);
    ~Rows();
    Rows(Rows&& other) noexcept;
    Rows& operator=(Rows&& other) noexcept;
    Rows(const Rows&) = delete;
    Rows& operator=(const Rows&) = delete;

    int size() const;
    bool empty() const { return size() == 0; }
    bool IsNull(int row, int column) const;
    /// An int2, int4 or int8 column. Errors: kInternal for another type.
    Result<int64_t> Int(int row, int column) const;
    /// The bytes of a text or bytea column (valid while this object lives).
    std::string_view Bytes(int row, int column) const;

  private:
    friend class Connection;
    pg_result* result_ = nullptr;
};

class Connection {
  public:
    /// Connects with `conninfo` (key=value pairs or a postgresql:// URI; its own
    /// settings win over the defaults given here), client encoding UTF8.
    /// Errors: kUnavailable "database unavailable: cannot connect: <reason>".
    static Result<std::unique_ptr<Connection>> Open(const std::string& conninfo,
                                                    int connect_timeout_seconds,
                                                    const std::string& application_name);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Runs SQL without parameters (may hold several statements; BEGIN, COMMIT,
    /// DDL). Errors as described above, prefixed with `what` when given.
    Status Exec(std::string_view sql);
    /// Prepares `sql` (once) and runs it with `params`.
    Result<Rows> Query(const std::string& sql, const Params& params = {});

    /// Statements sent together in one round trip (libpq pipeline mode): each is
    /// prepared first when this connection has not prepared it yet. Run() sends
    /// everything, then reads every result; after the first error the server
    /// skips the rest (they report "skipped"), and Run() returns that error.
    class Pipeline {
      public:
        explicit Pipeline(Connection& connection) : connection_(connection) {}
        /// Adds a statement; its rows are results()[returned index] after Run().
        size_t Add(const std::string& sql, Params params = {});
        Status Run();
        std::vector<Rows>& results() { return results_; }

      private:
        struct Item {
            const std::string* sql;
            Params params;
        };
        Connection& connection_;
        std::vector<Item> items_;
        std::vector<Rows> results_;
    };

    /// False once the connection is lost, or a call failed inside libpq (an
    /// error without SQLSTATE): the owner should drop it.
    bool healthy() const;
    /// True inside a transaction block (also a failed one, which needs ROLLBACK).
    bool InTransaction() const;

    /// The Status for the last failure on this connection, `result` if any.
    Status ErrorStatus(const pg_result* result, std::string_view what) const;

  private:
    explicit Connection(pg_conn* conn) : conn_(conn) {}
    /// The name of the prepared statement for `sql`, preparing it now when needed.
    Result<std::string> Prepared(const std::string& sql);
    /// Name for `sql` without preparing it; `fresh` is set when it is new.
    std::string NameFor(const std::string& sql, bool& fresh);

    // Listing SQL has a bounded set of shapes, but the cache is still capped:
    // past the cap every statement is deallocated and the cache starts again.
    static constexpr size_t kMaxPreparedStatements = 256;
    pg_conn* conn_;
    // Set by ErrorStatus when libpq itself failed (no SQLSTATE): see healthy().
    mutable bool broken_ = false;
    std::map<std::string, std::string, std::less<>> prepared_;  // SQL -> statement name
    uint64_t next_name_ = 0;
};

}  // namespace mkt::store::pg
