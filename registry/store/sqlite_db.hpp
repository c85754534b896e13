// Thin RAII layer over the SQLite C API for SqliteEntryStore: one connection with
// its cache of prepared statements, and the mapping of SQLite result codes to
// Status (the only place that knows them).
//
//   SQLITE_BUSY, SQLITE_LOCKED, SQLITE_FULL  -> kUnavailable (temporary)
//   SQLITE_NOTADB, SQLITE_CANTOPEN,
//   SQLITE_PERM, SQLITE_READONLY (at open)   -> kInvalidArgument (wrong file given)
//   everything else (SQLITE_CORRUPT, I/O)    -> kInternal
// Messages name the database file and what was being done.
//
// Thread-safety: a Connection and its statements belong to one thread at a time
// (connections are opened SQLITE_OPEN_NOMUTEX; the store hands them out).
// Private to registry/store/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include "registry/result.hpp"
#include "registry/store/sql_list_query.hpp"

namespace mkt::store::sqlite {

/// Status for SQLite result `rc` of `db` (may be null) while doing `what`.
Status ErrorStatus(int rc, sqlite3* db, const std::filesystem::path& path, std::string_view what);

class Connection;

/// A prepared statement borrowed from a Connection's cache; reset and unbound
/// when the borrow ends. Column accessors are valid after Step() returned true.
class Statement {
  public:
    /// `in_use` is the cache slot's flag, cleared on release; null for an uncached
    /// statement, finalized on release.
    Statement(sqlite3_stmt* stmt, bool* in_use) : stmt_(stmt), in_use_(in_use) {}
    ~Statement();
    Statement(Statement&& other) noexcept
        : stmt_(std::exchange(other.stmt_, nullptr)), in_use_(other.in_use_) {}
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement& operator=(Statement&&) = delete;

    /// Binds parameter `index` (1-based). Text and blobs are copied by SQLite.
    Status Bind(int index, int64_t value);
    Status BindText(int index, std::string_view value);
    Status BindBlob(int index, std::string_view value);
    Status BindAll(const std::vector<SqlParam>& params);

    /// true: a row is available; false: done. Errors via ErrorStatus.
    Result<bool> Step();
    /// Step() until done; for statements that return no rows.
    Status Run();

    int64_t Int(int column) const;
    std::string_view Text(int column) const;
    std::string_view Blob(int column) const;

  private:
    Status Error(int rc, std::string_view what) const;

    sqlite3_stmt* stmt_;
    bool* in_use_;
};

class Connection {
  public:
    /// Opens (creating it when `create`) the database at `path` in multi-thread
    /// mode with extended result codes and the given busy timeout.
    static Result<std::unique_ptr<Connection>> Open(const std::filesystem::path& path, bool create,
                                                    int busy_timeout_ms);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Runs SQL without parameters or result rows (may hold several statements).
    Status Exec(std::string_view sql);
    /// The cached statement for `sql`, prepared on first use.
    Result<Statement> Prepare(const std::string& sql);
    /// One integer from the first column of the first row of `sql` (no parameters).
    Result<int64_t> QueryInt(const std::string& sql);
    /// One text value, likewise (PRAGMA journal_mode and friends).
    Result<std::string> QueryText(const std::string& sql);

    Status Error(int rc, std::string_view what) const { return ErrorStatus(rc, db_, path_, what); }
    bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }
    /// kUnavailable when the file at path() is no longer the one this connection
    /// has open (moved or deleted): in WAL mode SQLite would go on writing to the
    /// old inode, and what it acknowledged would be gone at the next start.
    Status CheckFileInPlace() const;
    int64_t LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
    const std::filesystem::path& path() const { return path_; }

  private:
    Connection(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}

    // Statements are cached by SQL text; dynamic listing SQL has a bounded set of
    // shapes, but the cache is still capped (idle statements are dropped when full).
    static constexpr size_t kMaxCachedStatements = 256;
    struct Cached {
        sqlite3_stmt* stmt = nullptr;
        bool in_use = false;
    };

    sqlite3* db_;
    std::filesystem::path path_;
    std::map<std::string, Cached, std::less<>> cache_;
};

}  // namespace mkt::store::sqlite
