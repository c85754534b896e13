#include "registry/store/sqlite_confirmation_store.hpp"

#include <functional>

#include "registry/store/sqlite_db.hpp"
#include "registry/store/sqlite_schema.hpp"

namespace mkt::store {

using sqlite::Connection;
using sqlite::Statement;

namespace {

constexpr const char* kPendingColumns =
    "SELECT id, identifier, email, created, document, received, expires FROM pending_uploads ";

Result<PendingUpload> ReadPending(const Statement& row) {
    PendingUpload p;
    p.id = row.Int(0);
    p.key.identifier = std::string(row.Text(1));
    p.key.email = std::string(row.Text(2));
    Result<Timestamp> created = Timestamp::Parse(row.Text(3));
    if (!created.ok()) {
        return Status::Internal("stored pending upload is corrupt: " + created.status().message());
    }
    p.key.created = *created;
    p.document = std::string(row.Blob(4));
    p.received = Timestamp::FromUnixSeconds(row.Int(5));
    p.expires = Timestamp::FromUnixSeconds(row.Int(6));
    return p;
}

/// Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back when it fails.
Status InTransaction(Connection& db, const std::function<Status()>& body) {
    MKT_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    Status status = body();
    if (status.ok()) status = db.Exec("COMMIT");
    if (!status.ok() && db.InTransaction()) (void)db.Exec("ROLLBACK");
    return status;
}

Result<std::vector<PendingUpload>> SelectPending(Connection& db, const std::string& where,
                                                 const std::string& email, int64_t now) {
    MKT_ASSIGN_OR_RETURN(Statement st, db.Prepare(kPendingColumns + where + " ORDER BY id"));
    int next = 1;
    if (!email.empty()) MKT_RETURN_IF_ERROR(st.BindText(next++, email));
    if (now >= 0) MKT_RETURN_IF_ERROR(st.Bind(next, now));
    std::vector<PendingUpload> out;
    for (;;) {
        MKT_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        MKT_ASSIGN_OR_RETURN(PendingUpload p, ReadPending(st));
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace

SqliteConfirmationStore::SqliteConfirmationStore(std::unique_ptr<sqlite::Connection> db)
    : db_(std::move(db)) {}

SqliteConfirmationStore::~SqliteConfirmationStore() = default;

Result<std::unique_ptr<SqliteConfirmationStore>> SqliteConfirmationStore::Open(
    const std::filesystem::path& path, int busy_timeout_ms) {
    MKT_ASSIGN_OR_RETURN(auto db, Connection::Open(path, true, busy_timeout_ms));
    MKT_ASSIGN_OR_RETURN(std::string mode, db->QueryText("PRAGMA journal_mode = WAL"));
    if (mode != "wal") {
        return Status::InvalidArgument("cannot use write-ahead logging on " + path.string() +
                                       " (journal mode stays '" + mode + "')");
    }
    MKT_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous = FULL"));
    MKT_RETURN_IF_ERROR(sqlite::EnsureSchema(*db));
    return std::unique_ptr<SqliteConfirmationStore>(new SqliteConfirmationStore(std::move(db)));
}

Result<bool> SqliteConfirmationStore::IsConfirmed(const std::string& email) const {
    std::lock_guard lock(mutex_);
    MKT_ASSIGN_OR_RETURN(Statement st,
                         db_->Prepare("SELECT 1 FROM confirmed_emails WHERE email = ?1"));
    MKT_RETURN_IF_ERROR(st.BindText(1, email));
    return st.Step();
}

Result<int64_t> SqliteConfirmationStore::AddPending(const PendingUpload& upload,
                                                    const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    int64_t id = 0;
    const Status done = InTransaction(*db_, [&]() -> Status {
        MKT_ASSIGN_OR_RETURN(
            Statement insert,
            db_->Prepare("INSERT INTO pending_uploads (identifier, email, created, document, "
                         "received, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
        MKT_RETURN_IF_ERROR(insert.BindText(1, upload.key.identifier));
        MKT_RETURN_IF_ERROR(insert.BindText(2, upload.key.email));
        MKT_RETURN_IF_ERROR(insert.BindText(3, upload.key.created.ToString()));
        MKT_RETURN_IF_ERROR(insert.BindBlob(4, upload.document));
        MKT_RETURN_IF_ERROR(insert.Bind(5, upload.received.unix_seconds()));
        MKT_RETURN_IF_ERROR(insert.Bind(6, upload.expires.unix_seconds()));
        MKT_RETURN_IF_ERROR(insert.Run());
        id = db_->LastInsertRowid();
        MKT_ASSIGN_OR_RETURN(Statement token,
                             db_->Prepare("INSERT INTO confirmation_tokens (token_hash, email, "
                                          "expires) VALUES (?1, ?2, ?3)"));
        MKT_RETURN_IF_ERROR(token.BindText(1, token_hash));
        MKT_RETURN_IF_ERROR(token.BindText(2, upload.key.email));
        MKT_RETURN_IF_ERROR(token.Bind(3, upload.expires.unix_seconds()));
        return token.Run();
    });
    if (!done.ok()) return done;
    return id;
}

Status SqliteConfirmationStore::RemovePending(int64_t id, const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    return InTransaction(*db_, [&]() -> Status {
        MKT_ASSIGN_OR_RETURN(Statement pending,
                             db_->Prepare("DELETE FROM pending_uploads WHERE id = ?1"));
        MKT_RETURN_IF_ERROR(pending.Bind(1, id));
        MKT_RETURN_IF_ERROR(pending.Run());
        MKT_ASSIGN_OR_RETURN(Statement token,
                             db_->Prepare("DELETE FROM confirmation_tokens WHERE token_hash = ?1"));
        MKT_RETURN_IF_ERROR(token.BindText(1, token_hash));
        return token.Run();
    });
}

Result<TokenClaim> SqliteConfirmationStore::ClaimToken(const std::string& token_hash,
                                                       Timestamp now) {
    std::lock_guard lock(mutex_);
    TokenClaim claim;
    Status refusal;  // a refusal of the token: the transaction commits nothing
    const Status done = InTransaction(*db_, [&]() -> Status {
        MKT_ASSIGN_OR_RETURN(Statement find,
                             db_->Prepare("SELECT email, expires, COALESCE(used_at, -1) FROM "
                                          "confirmation_tokens WHERE token_hash = ?1"));
        MKT_RETURN_IF_ERROR(find.BindText(1, token_hash));
        MKT_ASSIGN_OR_RETURN(bool found, find.Step());
        if (!found) {
            refusal = UnknownTokenError();
            return Status::Ok();
        }
        claim.email = std::string(find.Text(0));
        const Timestamp expires = Timestamp::FromUnixSeconds(find.Int(1));
        if (const int64_t used_at = find.Int(2); used_at >= 0) {
            refusal = UsedTokenError(Timestamp::FromUnixSeconds(used_at));
            return Status::Ok();
        }
        if (expires <= now) {
            refusal = ExpiredTokenError(expires);
            return Status::Ok();
        }
        MKT_ASSIGN_OR_RETURN(Statement mark,
                             db_->Prepare("UPDATE confirmation_tokens SET used_at = ?2 "
                                          "WHERE token_hash = ?1 AND used_at IS NULL"));
        MKT_RETURN_IF_ERROR(mark.BindText(1, token_hash));
        MKT_RETURN_IF_ERROR(mark.Bind(2, now.unix_seconds()));
        MKT_RETURN_IF_ERROR(mark.Run());
        MKT_ASSIGN_OR_RETURN(claim.pending, SelectPending(*db_, "WHERE email = ?1 AND expires > ?2",
                                                          claim.email, now.unix_seconds()));
        return Status::Ok();
    });
    if (!done.ok()) return done;
    if (!refusal.ok()) return refusal;
    return claim;
}

Status SqliteConfirmationStore::ReleaseToken(const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    MKT_ASSIGN_OR_RETURN(
        Statement st,
        db_->Prepare("UPDATE confirmation_tokens SET used_at = NULL WHERE token_hash = ?1"));
    MKT_RETURN_IF_ERROR(st.BindText(1, token_hash));
    return st.Run();
}

Status SqliteConfirmationStore::CompleteConfirmation(const std::string& email, Timestamp now) {
    std::lock_guard lock(mutex_);
    return InTransaction(*db_, [&]() -> Status {
        MKT_ASSIGN_OR_RETURN(Statement confirmed,
                             db_->Prepare("INSERT OR IGNORE INTO confirmed_emails (email, "
                                          "confirmed_at) VALUES (?1, ?2)"));
        MKT_RETURN_IF_ERROR(confirmed.BindText(1, email));
        MKT_RETURN_IF_ERROR(confirmed.Bind(2, now.unix_seconds()));
        MKT_RETURN_IF_ERROR(confirmed.Run());
        MKT_ASSIGN_OR_RETURN(Statement pending,
                             db_->Prepare("DELETE FROM pending_uploads WHERE email = ?1"));
        MKT_RETURN_IF_ERROR(pending.BindText(1, email));
        MKT_RETURN_IF_ERROR(pending.Run());
        MKT_ASSIGN_OR_RETURN(Statement tokens,
                             db_->Prepare("UPDATE confirmation_tokens SET used_at = ?2 "
                                          "WHERE email = ?1 AND used_at IS NULL"));
        MKT_RETURN_IF_ERROR(tokens.BindText(1, email));
        MKT_RETURN_IF_ERROR(tokens.Bind(2, now.unix_seconds()));
        return tokens.Run();
    });
}

Result<size_t> SqliteConfirmationStore::DropExpired(Timestamp now) {
    std::lock_guard lock(mutex_);
    size_t dropped = 0;
    const Status done = InTransaction(*db_, [&]() -> Status {
        MKT_ASSIGN_OR_RETURN(Statement pending,
                             db_->Prepare("DELETE FROM pending_uploads WHERE expires <= ?1"));
        MKT_RETURN_IF_ERROR(pending.Bind(1, now.unix_seconds()));
        MKT_RETURN_IF_ERROR(pending.Run());
        MKT_ASSIGN_OR_RETURN(int64_t changes, db_->QueryInt("SELECT changes()"));
        dropped = static_cast<size_t>(changes);
        MKT_ASSIGN_OR_RETURN(Statement tokens,
                             db_->Prepare("DELETE FROM confirmation_tokens WHERE expires < ?1"));
        MKT_RETURN_IF_ERROR(tokens.Bind(1, (now - kExpiredTokenRetentionSeconds).unix_seconds()));
        return tokens.Run();
    });
    if (!done.ok()) return done;
    return dropped;
}

Result<std::vector<PendingUpload>> SqliteConfirmationStore::Pending(
    const std::string& email) const {
    std::lock_guard lock(mutex_);
    return SelectPending(*db_, email.empty() ? "" : "WHERE email = ?1", email, -1);
}

Result<size_t> SqliteConfirmationStore::CountPending() const {
    std::lock_guard lock(mutex_);
    MKT_ASSIGN_OR_RETURN(int64_t n, db_->QueryInt("SELECT COUNT(*) FROM pending_uploads"));
    return static_cast<size_t>(n);
}

}  // namespace mkt::store
