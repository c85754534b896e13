#include "registry/store/postgres/pg_schema.hpp"

#include <array>
#include <string>

namespace mkt::store::pg {
namespace {

// Version 1. Never edit once released: add a migration step instead.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE schema_version (
    version INTEGER NOT NULL
);
CREATE TABLE entry_sequence (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq BIGINT  NOT NULL
);
INSERT INTO entry_sequence (id, last_seq) VALUES (1, 0);
CREATE TABLE entries (
    seq           BIGINT  PRIMARY KEY,
    identifier    TEXT    COLLATE "C" NOT NULL,
    email         TEXT    COLLATE "C" NOT NULL,
    created       TEXT    COLLATE "C" NOT NULL,
    received      BIGINT  NOT NULL,
    valid_until   BIGINT  NOT NULL,
    deprecated    INTEGER NOT NULL,
    is_latest     INTEGER NOT NULL,
    os            TEXT    COLLATE "C" NOT NULL,
    os_version    TEXT    COLLATE "C" NOT NULL,
    os_arch       TEXT    COLLATE "C" NOT NULL,
    title         TEXT    COLLATE "C" NOT NULL,
    tag           TEXT    COLLATE "C" NOT NULL,
    os_lc         TEXT    COLLATE "C" NOT NULL,
    os_version_lc TEXT    COLLATE "C" NOT NULL,
    os_arch_lc    TEXT    COLLATE "C" NOT NULL,
    email_lc      TEXT    COLLATE "C" NOT NULL,
    subject       TEXT    COLLATE "C" NOT NULL,
    subject_lc    TEXT    COLLATE "C" NOT NULL,
    issuer        TEXT    COLLATE "C" NOT NULL,
    search_text   TEXT    COLLATE "C" NOT NULL,
    newest        INTEGER NOT NULL,
    UNIQUE (identifier, email, created)
);
CREATE TABLE entry_payloads (
    seq      BIGINT PRIMARY KEY REFERENCES entries (seq),
    codec    TEXT   COLLATE "C" NOT NULL,
    document BYTEA  NOT NULL
);
CREATE UNIQUE INDEX entries_latest ON entries (identifier, email) WHERE is_latest = 1;
CREATE UNIQUE INDEX entries_newest_of_identifier ON entries (identifier) WHERE newest = 1;
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
CREATE INDEX entries_newest_by_os  ON entries (newest, os_lc, deprecated, created, seq,
                                               valid_until);
CREATE INDEX entries_newest_by_status ON entries (newest, deprecated, valid_until);
)sql";

// Version 2: e-mail confirmation (registry/confirmation_store.hpp), the tables
// of SQLite schema version 3: uploads held until their endorser confirms the
// address, the SHA-256 hashes of the links sent, the confirmed addresses.
// Times are Unix seconds; used_at NULL = not used yet.
constexpr const char* kMigrateToV2 = R"sql(
CREATE TABLE pending_uploads (
    id         BIGSERIAL PRIMARY KEY,
    email      TEXT COLLATE "C" NOT NULL,
    identifier TEXT COLLATE "C" NOT NULL,
    created    TEXT COLLATE "C" NOT NULL,
    document   BYTEA  NOT NULL,
    received   BIGINT NOT NULL,
    expires    BIGINT NOT NULL
);
CREATE INDEX pending_uploads_by_email  ON pending_uploads (email, id);
CREATE INDEX pending_uploads_by_expiry ON pending_uploads (expires);
CREATE TABLE confirmation_tokens (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    email      TEXT COLLATE "C" NOT NULL,
    expires    BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX confirmation_tokens_by_email ON confirmation_tokens (email);
CREATE TABLE confirmed_emails (
    email        TEXT COLLATE "C" PRIMARY KEY,
    confirmed_at BIGINT NOT NULL
);
)sql";

// Migration i brings a schema from version i + 1 to i + 2.
constexpr std::array<const char*, kSchemaVersion - 1> kMigrations = {kMigrateToV2};

// Any constant: the key of the advisory lock that serialises schema work.
constexpr const char* kSchemaLock = "SELECT pg_advisory_xact_lock(7206151201)";

struct Where {
    std::string database, schema;
    std::string Describe() const { return "schema " + schema + " of database " + database; }
};

Result<Where> CurrentLocation(Connection& db) {
    MKT_ASSIGN_OR_RETURN(Rows rows,
                         db.Query("SELECT current_database()::text, "
                                  "COALESCE(current_schema()::text, ''), "
                                  "pg_encoding_to_char(encoding)::text "
                                  "FROM pg_database WHERE datname = current_database()"));
    if (rows.empty()) return Status::Internal("database error: current database not found");
    Where where{std::string(rows.Bytes(0, 0)), std::string(rows.Bytes(0, 1))};
    if (where.schema.empty()) {
        return Status::InvalidArgument(
            "database " + where.database +
            ": no schema to create the entry store in (search_path names no existing schema)");
    }
    if (rows.Bytes(0, 2) != "UTF8") {
        return Status::InvalidArgument("database " + where.database + " has encoding " +
                                       std::string(rows.Bytes(0, 2)) +
                                       "; the entry store needs UTF8 (CREATE DATABASE ... "
                                       "ENCODING 'UTF8' TEMPLATE template0)");
    }
    return where;
}

Status Migrate(Connection& db, const Where& where, int version) {
    for (int v = version; v < kSchemaVersion; ++v) {
        Status step = db.Exec(kMigrations.at(static_cast<size_t>(v - 1)));
        if (step.ok()) {
            step = db.Query("UPDATE schema_version SET version = $1", Params().Int(v + 1)).status();
        }
        if (!step.ok()) {
            return step.WithPrefix("migrating " + where.Describe() + " from schema version " +
                                   std::to_string(v) + " to " + std::to_string(v + 1) + ": ");
        }
    }
    return Status::Ok();
}

Status CreateOrCheck(Connection& db) {
    MKT_ASSIGN_OR_RETURN(Where where, CurrentLocation(db));
    // Tables of the current schema only (search_path may name others after it).
    MKT_ASSIGN_OR_RETURN(
        Rows tables,
        db.Query("SELECT COUNT(*), COUNT(*) FILTER (WHERE c.relname = 'schema_version') "
                 "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                 "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
                 "AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"));
    MKT_ASSIGN_OR_RETURN(int64_t count, tables.Int(0, 0));
    MKT_ASSIGN_OR_RETURN(int64_t versioned, tables.Int(0, 1));
    if (versioned == 0) {
        if (count > 0) {
            return Status::InvalidArgument(where.Describe() +
                                           " has tables but no schema_version table: not a "
                                           "Marketplace entry store");
        }
        MKT_RETURN_IF_ERROR(db.Exec(kSchemaV1));
        MKT_RETURN_IF_ERROR(db.Exec("INSERT INTO schema_version (version) VALUES (1)"));
        return Migrate(db, where, 1);
    }
    MKT_ASSIGN_OR_RETURN(Rows rows, db.Query("SELECT COALESCE(MAX(version), 0)::bigint "
                                             "FROM schema_version"));
    MKT_ASSIGN_OR_RETURN(int64_t version, rows.Int(0, 0));
    if (version > kSchemaVersion) {
        return Status::InvalidArgument(
            where.Describe() + " has schema version " + std::to_string(version) +
            ", newer than this program supports (" + std::to_string(kSchemaVersion) +
            "); run a newer Marketplace or restore a backup");
    }
    if (version < 1) {
        return Status::InvalidArgument(where.Describe() +
                                       ": its schema_version table is empty (not a Marketplace "
                                       "entry store, or a damaged one)");
    }
    return Migrate(db, where, static_cast<int>(version));
}

}  // namespace

Status EnsureSchema(Connection& db) {
    MKT_RETURN_IF_ERROR(db.Exec("BEGIN"));
    Status status = db.Exec(kSchemaLock);
    if (status.ok()) status = CreateOrCheck(db);
    if (!status.ok()) {
        if (db.healthy() && db.InTransaction()) (void)db.Exec("ROLLBACK");
        return status;
    }
    return db.Exec("COMMIT");
}

}  // namespace mkt::store::pg
