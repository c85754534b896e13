#include "registry/store/sqlite_schema.hpp"

#include <iterator>
#include <string>

namespace mkt::store::sqlite {
namespace {

// Version 1. Never edit once released: add a migration step instead.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE schema_version (
    version INTEGER NOT NULL
);
CREATE TABLE entries (
    seq           INTEGER PRIMARY KEY,
    identifier    TEXT    NOT NULL,
    email         TEXT    NOT NULL,
    created       TEXT    NOT NULL,
    received      INTEGER NOT NULL,
    valid_until   INTEGER NOT NULL,
    deprecated    INTEGER NOT NULL,
    is_latest     INTEGER NOT NULL,
    os            TEXT    NOT NULL,
    os_version    TEXT    NOT NULL,
    os_arch       TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    tag           TEXT    NOT NULL,
    os_lc         TEXT    NOT NULL,
    os_version_lc TEXT    NOT NULL,
    os_arch_lc    TEXT    NOT NULL,
    email_lc      TEXT    NOT NULL,
    subject       TEXT    NOT NULL,
    subject_lc    TEXT    NOT NULL,
    issuer        TEXT    NOT NULL,
    search_text   TEXT    NOT NULL,
    UNIQUE (identifier, email, created)
);
CREATE TABLE entry_payloads (
    seq      INTEGER PRIMARY KEY REFERENCES entries (seq),
    codec    TEXT NOT NULL,
    document BLOB NOT NULL
);
CREATE UNIQUE INDEX entries_latest ON entries (identifier, email) WHERE is_latest = 1;
CREATE INDEX entries_by_status     ON entries (is_latest, deprecated, valid_until);
CREATE INDEX entries_by_created    ON entries (created, seq);
CREATE INDEX entries_by_email      ON entries (email, created, seq);
CREATE INDEX entries_by_os         ON entries (os, seq);
CREATE INDEX entries_by_os_version ON entries (os_version, seq);
CREATE INDEX entries_by_os_arch    ON entries (os_arch, seq);
CREATE INDEX entries_by_title      ON entries (title, seq);
CREATE INDEX entries_by_valid      ON entries (valid_until, seq);
CREATE INDEX entries_by_os_lc      ON entries (os_lc, os_version_lc, os_arch_lc, is_latest,
                                            deprecated, valid_until);
CREATE INDEX entries_by_tag        ON entries (tag, email);
)sql";

// Version 2: the `newest` flag of each image (see sqlite_schema.hpp) and the
// indexes of the queries that use it. The backfill reads, per latest row, the
// latest rows of its identifier through the UNIQUE (identifier, email, created)
// index ('+' keeps the engine from driving it with the status index instead,
// which turns 100,000 rows from 1 s into minutes).
constexpr const char* kMigrateToV2 = R"sql(
ALTER TABLE entries ADD COLUMN newest INTEGER NOT NULL DEFAULT 0;
UPDATE entries SET newest = 1
 WHERE +is_latest = 1
   AND NOT EXISTS (SELECT 1 FROM entries g
                    WHERE g.identifier = entries.identifier AND +g.is_latest = 1
                      AND (g.created > entries.created
                           OR (g.created = entries.created AND g.seq > entries.seq)));
CREATE UNIQUE INDEX entries_newest_of_identifier ON entries (identifier) WHERE newest = 1;
CREATE INDEX entries_newest_by_os     ON entries (newest, os_lc, deprecated, created, seq,
                                                  valid_until);
CREATE INDEX entries_newest_by_status ON entries (newest, deprecated, valid_until);
)sql";

// Version 3: e-mail confirmation (registry/confirmation_store.hpp): uploads held
// until their endorser confirms the address, the SHA-256 hashes of the links
// sent, the confirmed addresses. Times are Unix seconds; used_at NULL = unused.
constexpr const char* kMigrateToV3 = R"sql(
CREATE TABLE pending_uploads (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    email      TEXT    NOT NULL,
    identifier TEXT    NOT NULL,
    created    TEXT    NOT NULL,
    document   BLOB    NOT NULL,
    received   INTEGER NOT NULL,
    expires    INTEGER NOT NULL
);
CREATE INDEX pending_uploads_by_email  ON pending_uploads (email, id);
CREATE INDEX pending_uploads_by_expiry ON pending_uploads (expires);
CREATE TABLE confirmation_tokens (
    token_hash TEXT    PRIMARY KEY,
    email      TEXT    NOT NULL,
    expires    INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX confirmation_tokens_by_email ON confirmation_tokens (email);
CREATE TABLE confirmed_emails (
    email        TEXT    PRIMARY KEY,
    confirmed_at INTEGER NOT NULL
);
)sql";

// Migration i brings a database from version i + 1 to i + 2.
constexpr const char* kMigrations[] = {kMigrateToV2, kMigrateToV3};
static_assert(std::size(kMigrations) == kSchemaVersion - 1, "one migration per version");

Status NotOurs(const Connection& db, std::string why) {
    return Status::InvalidArgument(db.path().string() +
                                   " is a SQLite database but not a Marketplace entry store (" +
                                   std::move(why) + ")");
}

// Runs the migrations from `version` to kSchemaVersion inside the caller's
// transaction: a failure rolls every step back and leaves the file as it was.
Status Migrate(Connection& db, int version) {
    for (int v = version; v < kSchemaVersion; ++v) {
        Status step = db.Exec(kMigrations[v - 1]);
        if (step.ok()) {
            step = db.Exec("UPDATE schema_version SET version = " + std::to_string(v + 1));
        }
        if (!step.ok()) {
            return step.WithPrefix("migrating " + db.path().string() + " from schema version " +
                                   std::to_string(v) + " to " + std::to_string(v + 1) + ": ");
        }
    }
    return Status::Ok();
}

Status CreateOrCheck(Connection& db) {
    MKT_ASSIGN_OR_RETURN(int64_t has_version,
                         db.QueryInt("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
                                     "name = 'schema_version'"));
    if (has_version == 0) {
        MKT_ASSIGN_OR_RETURN(int64_t objects, db.QueryInt("SELECT COUNT(*) FROM sqlite_master"));
        if (objects > 0) return NotOurs(db, "it has tables but no schema_version table");
        MKT_RETURN_IF_ERROR(db.Exec(kSchemaV1));
        MKT_RETURN_IF_ERROR(db.Exec("INSERT INTO schema_version (version) VALUES (1)"));
        return Migrate(db, 1);
    }
    MKT_ASSIGN_OR_RETURN(int64_t version,
                         db.QueryInt("SELECT COALESCE(MAX(version), 0) FROM schema_version"));
    if (version > kSchemaVersion) {
        return Status::InvalidArgument(
            db.path().string() + " has schema version " + std::to_string(version) +
            ", newer than this program supports (" + std::to_string(kSchemaVersion) +
            "); run a newer Marketplace or restore a backup");
    }
    if (version < 1) return NotOurs(db, "its schema_version table is empty");
    return Migrate(db, static_cast<int>(version));
}

}  // namespace

Status EnsureSchema(Connection& db) {
    MKT_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    Status status = CreateOrCheck(db);
    if (!status.ok()) {
        if (db.InTransaction()) (void)db.Exec("ROLLBACK");
        return status;
    }
    return db.Exec("COMMIT");
}

}  // namespace mkt::store::sqlite
