// Schema of the PostgreSQL entry store, versioned by the `schema_version` table.
//
// The tables and columns are those of the SQLite store (sqlite_schema.hpp says
// what each means), so the listing SQL (sql_list_query.hpp) serves both; the
// differences are PostgreSQL's types and one table more:
//  * every text column is COLLATE "C": comparisons and ORDER BY are bytewise,
//    as the cursors (query_cursor.hpp) and the other stores order text;
//  * entry_payloads.document is bytea: the signed bytes, byte for byte;
//  * entry_sequence: one row holding the last seq assigned. The writer of every
//    process locks it (SELECT ... FOR UPDATE) at the start of each write
//    transaction and sets it at the end, so write transactions run one at a
//    time across processes and seqs are handed out in commit order
//    (pg_writer.hpp explains why that makes ChangesSince gap-free);
//  * entries.seq is a plain BIGINT primary key filled from that row (not a
//    SERIAL: a sequence hands out values outside the transaction, in the order
//    transactions ask, not the order they commit).
// The tables live in the connection's current schema (search_path), so one
// database can hold several stores (the tests give each its own schema).
//
// Private to registry/store/postgres/.
#pragma once

#include "registry/status.hpp"
#include "registry/store/postgres/pg_connection.hpp"

namespace mkt::store::pg {

/// The version this program writes and reads. History: 1 initial (the columns
/// of SQLite schema version 2, i.e. with the per-image `newest` flag); 2 adds
/// the e-mail confirmation tables pending_uploads, confirmation_tokens and
/// confirmed_emails (pg_confirmation_store.hpp), as SQLite version 3.
inline constexpr int kSchemaVersion = 2;

/// Creates the schema in an empty schema of the database, or checks the version
/// of an existing one and migrates an older one in place: in one transaction
/// holding an advisory lock, so replicas starting together do not race and a
/// failed migration leaves the database as it was. Also checks that the database
/// encoding is UTF8 (text columns hold UTF-8).
/// Errors: kInvalidArgument when the schema has tables but no schema_version
/// ("not a Marketplace store"), a version newer than kSchemaVersion, or another
/// encoding (messages name the database and schema); kUnavailable when the
/// database cannot be reached; kInternal otherwise.
Status EnsureSchema(Connection& db);

}  // namespace mkt::store::pg
