#include "registry/store/sqlite_db.hpp"

#include <climits>
#include <utility>

namespace mkt::store::sqlite {
namespace {

int ToInt(size_t size) { return size > INT_MAX ? INT_MAX : static_cast<int>(size); }

}  // namespace

Status ErrorStatus(int rc, sqlite3* db, const std::filesystem::path& path, std::string_view what) {
    const int primary = rc & 0xFF;
    std::string detail = db && sqlite3_errcode(db) == rc ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    std::string message = std::string(what) + " (" + path.string() + "): " + detail;
    switch (primary) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return Status::Unavailable("database is busy: " + message);
        case SQLITE_FULL:
            return Status::Unavailable("disk full: " + message);
        case SQLITE_READONLY: {
            const int extended = db ? sqlite3_extended_errcode(db) : rc;
            if (rc == SQLITE_READONLY_DBMOVED || extended == SQLITE_READONLY_DBMOVED) {
                return Status::Unavailable(
                    "database file was moved or deleted while the server had it open (put it "
                    "back, or restart to create a new one): " +
                    message);
            }
            return Status::Unavailable("database is read-only: " + message);
        }
        case SQLITE_IOERR:
            return Status::Unavailable("storage I/O error: " + message);
        case SQLITE_NOTADB:
            return Status::InvalidArgument(path.string() + " is not a SQLite database (" + detail +
                                           ")");
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
            return Status::InvalidArgument("cannot open database " + message);
        case SQLITE_CORRUPT:
            return Status::Internal("database is corrupt: " + message);
        default:
            return Status::Internal(message);
    }
}

Statement::~Statement() {
    if (!stmt_) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    if (in_use_) {
        *in_use_ = false;
    } else {
        sqlite3_finalize(stmt_);
    }
}

Status Statement::Error(int rc, std::string_view what) const {
    sqlite3* db = sqlite3_db_handle(stmt_);
    const char* file = sqlite3_db_filename(db, "main");
    return ErrorStatus(rc, db, file ? file : "", what);
}

Status Statement::Bind(int index, int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, index, value);
    return rc == SQLITE_OK ? Status::Ok() : Error(rc, "binding a parameter");
}

Status Statement::BindText(int index, std::string_view value) {
    const int rc =
        sqlite3_bind_text(stmt_, index, value.data(), ToInt(value.size()), SQLITE_TRANSIENT);
    return rc == SQLITE_OK ? Status::Ok() : Error(rc, "binding a parameter");
}

Status Statement::BindBlob(int index, std::string_view value) {
    const int rc =
        sqlite3_bind_blob(stmt_, index, value.data(), ToInt(value.size()), SQLITE_TRANSIENT);
    return rc == SQLITE_OK ? Status::Ok() : Error(rc, "binding a parameter");
}

Status Statement::BindAll(const std::vector<SqlParam>& params) {
    for (size_t i = 0; i < params.size(); ++i) {
        const int index = static_cast<int>(i) + 1;
        if (const auto* n = std::get_if<int64_t>(&params[i])) {
            MKT_RETURN_IF_ERROR(Bind(index, *n));
        } else {
            MKT_RETURN_IF_ERROR(BindText(index, std::get<std::string>(params[i])));
        }
    }
    return Status::Ok();
}

Result<bool> Statement::Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return Error(rc, "running a query");
}

Status Statement::Run() {
    for (;;) {
        MKT_ASSIGN_OR_RETURN(bool row, Step());
        if (!row) return Status::Ok();
    }
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string_view Statement::Text(int column) const {
    const auto* p = sqlite3_column_text(stmt_, column);
    const int n = sqlite3_column_bytes(stmt_, column);
    return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(n))
             : std::string_view();
}

std::string_view Statement::Blob(int column) const {
    const void* p = sqlite3_column_blob(stmt_, column);
    const int n = sqlite3_column_bytes(stmt_, column);
    return p ? std::string_view(static_cast<const char*>(p), static_cast<size_t>(n))
             : std::string_view();
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::filesystem::path& path, bool create,
                                                     int busy_timeout_ms) {
    sqlite3* db = nullptr;
    const int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        Status status = ErrorStatus(rc, db, path, "opening the database");
        sqlite3_close_v2(db);
        return status;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, busy_timeout_ms);
    return std::unique_ptr<Connection>(new Connection(db, path));
}

Connection::~Connection() {
    for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
    sqlite3_close_v2(db_);
}

Status Connection::CheckFileInPlace() const {
    int moved = 0;
    const int rc = sqlite3_file_control(db_, "main", SQLITE_FCNTL_HAS_MOVED, &moved);
    if (rc != SQLITE_OK) return Error(rc, "checking the database file");
    return moved ? Error(SQLITE_READONLY_DBMOVED, "writing") : Status::Ok();
}

Status Connection::Exec(std::string_view sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error);
    sqlite3_free(error);
    if (rc == SQLITE_OK) return Status::Ok();
    return Error(rc, "running " + std::string(sql.substr(0, sql.find_first_of(" \n"))));
}

Result<Statement> Connection::Prepare(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end() && !it->second.in_use) {
        it->second.in_use = true;
        return Statement(it->second.stmt, &it->second.in_use);
    }
    if (cache_.size() >= kMaxCachedStatements) {
        for (auto i = cache_.begin(); i != cache_.end();) {
            if (i->second.in_use) {
                ++i;
            } else {
                sqlite3_finalize(i->second.stmt);
                i = cache_.erase(i);
            }
        }
    }
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.c_str(), ToInt(sql.size() + 1),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return Error(rc, "preparing a query");
    // A statement already borrowed (same SQL used twice at once) gets an uncached twin.
    if (cache_.count(sql)) return Statement(stmt, nullptr);
    Cached& slot = cache_[sql];
    slot = Cached{stmt, true};
    return Statement(stmt, &slot.in_use);
}

Result<int64_t> Connection::QueryInt(const std::string& sql) {
    MKT_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
    MKT_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status::Internal("query returned no row: " + sql);
    return stmt.Int(0);
}

Result<std::string> Connection::QueryText(const std::string& sql) {
    MKT_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
    MKT_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status::Internal("query returned no row: " + sql);
    return std::string(stmt.Text(0));
}

}  // namespace mkt::store::sqlite
