#include "registry/store/postgres/pg_confirmation_store.hpp"

#include "registry/store/postgres/pg_connection.hpp"
#include "registry/store/postgres/pg_schema.hpp"

namespace mkt::store {

using pg::Connection;
using pg::Params;
using pg::Rows;

namespace {

constexpr const char* kApplicationName = "marketplace-server confirmations";

constexpr const char* kPendingColumns =
    "SELECT id, identifier, email, created, document, received, expires FROM pending_uploads ";

Result<std::vector<PendingUpload>> ReadPending(const Rows& rows) {
    std::vector<PendingUpload> out;
    for (int r = 0; r < rows.size(); ++r) {
        PendingUpload p;
        MKT_ASSIGN_OR_RETURN(p.id, rows.Int(r, 0));
        p.key.identifier = std::string(rows.Bytes(r, 1));
        p.key.email = std::string(rows.Bytes(r, 2));
        Result<Timestamp> created = Timestamp::Parse(rows.Bytes(r, 3));
        if (!created.ok()) {
            return Status::Internal("stored pending upload is corrupt: " +
                                    created.status().message());
        }
        p.key.created = *created;
        p.document = std::string(rows.Bytes(r, 4));
        MKT_ASSIGN_OR_RETURN(int64_t received, rows.Int(r, 5));
        MKT_ASSIGN_OR_RETURN(int64_t expires, rows.Int(r, 6));
        p.received = Timestamp::FromUnixSeconds(received);
        p.expires = Timestamp::FromUnixSeconds(expires);
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace

PostgresConfirmationStore::PostgresConfirmationStore(std::string conninfo,
                                                     int connect_timeout_seconds,
                                                     std::unique_ptr<pg::Connection> db)
    : conninfo_(std::move(conninfo)),
      connect_timeout_seconds_(connect_timeout_seconds),
      db_(std::move(db)) {}

PostgresConfirmationStore::~PostgresConfirmationStore() = default;

Result<std::unique_ptr<PostgresConfirmationStore>> PostgresConfirmationStore::Open(
    std::string conninfo, int connect_timeout_seconds) {
    if (conninfo.empty()) {
        return Status::InvalidArgument("store.postgresql.conninfo is empty");
    }
    MKT_ASSIGN_OR_RETURN(auto db,
                         Connection::Open(conninfo, connect_timeout_seconds, kApplicationName));
    MKT_RETURN_IF_ERROR(pg::EnsureSchema(*db));
    return std::unique_ptr<PostgresConfirmationStore>(
        new PostgresConfirmationStore(std::move(conninfo), connect_timeout_seconds, std::move(db)));
}

Result<pg::Connection*> PostgresConfirmationStore::Db() const {
    if (!db_ || !db_->healthy()) {
        db_.reset();
        MKT_ASSIGN_OR_RETURN(
            db_, Connection::Open(conninfo_, connect_timeout_seconds_, kApplicationName));
    }
    return db_.get();
}

Status PostgresConfirmationStore::InTransaction(Connection& db,
                                                const std::function<Status()>& body) const {
    MKT_RETURN_IF_ERROR(db.Exec("BEGIN"));
    Status status = body();
    if (status.ok()) status = db.Exec("COMMIT");
    if (!status.ok() && db.healthy() && db.InTransaction()) (void)db.Exec("ROLLBACK");
    return status;
}

Result<bool> PostgresConfirmationStore::IsConfirmed(const std::string& email) const {
    std::lock_guard lock(mutex_);
    MKT_ASSIGN_OR_RETURN(Connection * db, Db());
    MKT_ASSIGN_OR_RETURN(Rows rows, db->Query("SELECT 1 FROM confirmed_emails WHERE email = $1",
                                              Params().Text(email)));
    return !rows.empty();
}

Result<int64_t> PostgresConfirmationStore::AddPending(const PendingUpload& upload,
                                                      const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    MKT_ASSIGN_OR_RETURN(Connection * db, Db());
    int64_t id = 0;
    const Status done = InTransaction(*db, [&]() -> Status {
        MKT_ASSIGN_OR_RETURN(
            Rows rows,
            db->Query("INSERT INTO pending_uploads (identifier, email, created, document, "
                      "received, expires) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                      Params()
                          .Text(upload.key.identifier)
                          .Text(upload.key.email)
                          .Text(upload.key.created.ToString())
                          .Bytes(upload.document)
                          .Int(upload.received.unix_seconds())
                          .Int(upload.expires.unix_seconds())));
        MKT_ASSIGN_OR_RETURN(id, rows.Int(0, 0));
        return db
            ->Query(
                "INSERT INTO confirmation_tokens (token_hash, email, expires) "
                "VALUES ($1, $2, $3)",
                Params().Text(token_hash).Text(upload.key.email).Int(upload.expires.unix_seconds()))
            .status();
    });
    if (!done.ok()) return done;
    return id;
}

Status PostgresConfirmationStore::RemovePending(int64_t id, const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    MKT_ASSIGN_OR_RETURN(Connection * db, Db());
    return InTransaction(*db, [&]() -> Status {
        MKT_RETURN_IF_ERROR(
            db->Query("DELETE FROM pending_uploads WHERE id = $1", Params().Int(id)).status());
        return db
            ->Query("DELETE FROM confirmation_tokens WHERE token_hash = $1",
                    Params().Text(token_hash))
            .status();
    });
}

Result<TokenClaim> PostgresConfirmationStore::ClaimToken(const std::string& token_hash,
                                                         Timestamp now) {
    std::lock_guard lock(mutex_);
    MKT_ASSIGN_OR_RETURN(Connection * db, Db());
    // One conditional UPDATE claims the token: concurrent claimers cannot both win.
    MKT_ASSIGN_OR_RETURN(
        Rows claimed, db->Query("UPDATE confirmation_tokens SET used_at = $2 WHERE token_hash = $1 "
                                "AND used_at IS NULL AND expires > $2 RETURNING email",
                                Params().Text(token_hash).Int(now.unix_seconds())));
    if (claimed.empty()) {
        MKT_ASSIGN_OR_RETURN(Rows why, db->Query("SELECT expires, COALESCE(used_at, -1) FROM "
                                                 "confirmation_tokens WHERE token_hash = $1",
                                                 Params().Text(token_hash)));
        if (why.empty()) return UnknownTokenError();
        MKT_ASSIGN_OR_RETURN(int64_t expires, why.Int(0, 0));
        MKT_ASSIGN_OR_RETURN(int64_t used_at, why.Int(0, 1));
        if (used_at >= 0) return UsedTokenError(Timestamp::FromUnixSeconds(used_at));
        return ExpiredTokenError(Timestamp::FromUnixSeconds(expires));
    }
    TokenClaim claim;
    claim.email = std::string(claimed.Bytes(0, 0));
    MKT_ASSIGN_OR_RETURN(Rows rows, db->Query(std::string(kPendingColumns) +
                                                  "WHERE email = $1 AND expires > $2 ORDER BY id",
                                              Params().Text(claim.email).Int(now.unix_seconds())));
    MKT_ASSIGN_OR_RETURN(claim.pending, ReadPending(rows));
    return claim;
}

Status PostgresConfirmationStore::ReleaseToken(const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    MKT_ASSIGN_OR_RETURN(Connection * db, Db());
    return db
        ->Query("UPDATE confirmation_tokens SET used_at = NULL WHERE token_hash = $1",
                Params().Text(token_hash))
        .status();
}

Status PostgresConfirmationStore::CompleteConfirmation(const std::string& email, Timestamp now) {
    std::lock_guard lock(mutex_);
    MKT_ASSIGN_OR_RETURN(Connection * db, Db());
    return InTransaction(*db, [&]() -> Status {
        MKT_RETURN_IF_ERROR(db->Query("INSERT INTO confirmed_emails (email, confirmed_at) "
                                      "VALUES ($1, $2) ON CONFLICT (email) DO NOTHING",
                                      Params().Text(email).Int(now.unix_seconds()))
                                .status());
        MKT_RETURN_IF_ERROR(
            db->Query("DELETE FROM pending_uploads WHERE email = $1", Params().Text(email))
                .status());
        return db
            ->Query(
                "UPDATE confirmation_tokens SET used_at = $2 "
                "WHERE email = $1 AND used_at IS NULL",
                Params().Text(email).Int(now.unix_seconds()))
            .status();
    });
}

Result<size_t> PostgresConfirmationStore::DropExpired(Timestamp now) {
    std::lock_guard lock(mutex_);
    MKT_ASSIGN_OR_RETURN(Connection * db, Db());
    MKT_ASSIGN_OR_RETURN(Rows dropped,
                         db->Query("DELETE FROM pending_uploads WHERE expires <= $1 RETURNING id",
                                   Params().Int(now.unix_seconds())));
    MKT_RETURN_IF_ERROR(
        db->Query("DELETE FROM confirmation_tokens WHERE expires < $1",
                  Params().Int((now - kExpiredTokenRetentionSeconds).unix_seconds()))
            .status());
    return static_cast<size_t>(dropped.size());
}

Result<std::vector<PendingUpload>> PostgresConfirmationStore::Pending(
    const std::string& email) const {
    std::lock_guard lock(mutex_);
    MKT_ASSIGN_OR_RETURN(Connection * db, Db());
    if (email.empty()) {
        MKT_ASSIGN_OR_RETURN(Rows rows, db->Query(std::string(kPendingColumns) + "ORDER BY id"));
        return ReadPending(rows);
    }
    MKT_ASSIGN_OR_RETURN(Rows rows,
                         db->Query(std::string(kPendingColumns) + "WHERE email = $1 ORDER BY id",
                                   Params().Text(email)));
    return ReadPending(rows);
}

Result<size_t> PostgresConfirmationStore::CountPending() const {
    std::lock_guard lock(mutex_);
    MKT_ASSIGN_OR_RETURN(Connection * db, Db());
    MKT_ASSIGN_OR_RETURN(Rows rows, db->Query("SELECT COUNT(*) FROM pending_uploads"));
    MKT_ASSIGN_OR_RETURN(int64_t n, rows.Int(0, 0));
    return static_cast<size_t>(n);
}

}  // namespace mkt::store
