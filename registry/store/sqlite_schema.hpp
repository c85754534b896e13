// Schema of the SQLite entry store, versioned by the `schema_version` table.
//
// Tables (the same names and columns serve PostgreSQL, see sql_list_query.hpp):
//  * entries: one row per accepted entry, with what listings filter and sort on.
//    `seq` is the change sequence (SQLite: INTEGER PRIMARY KEY, max + 1 on insert;
//    rows are never deleted so values are never reused). `created` is
//    yyyy-MM-ddTHH:mm:ssZ text, whose order is time order. The other columns are
//    derived copies (entry_columns.hpp); each sort column is indexed with seq.
//    `is_latest` is 1 on the entry with the greatest created of its (identifier,
//    email) and 0 on the others; the unique partial index entries_latest makes
//    that "at most one" a constraint, and the write transaction that inserts a
//    newer entry clears the flag of the previous one. (A flag rather than a
//    separate latest table: the latest-only test of a listing then sits in the
//    same index as the status; at 100,000 entries the count of the default
//    listing takes 9 ms instead of 85 ms with a per-row lookup in a table.)
//    `newest` (version 2) is 1 on the one entry per identifier that stands for
//    the image: the greatest (created, seq) among its is_latest rows (see
//    EntryQuery::newest_per_identifier), 0 elsewhere; the unique partial index
//    entries_newest_of_identifier makes "at most one" a constraint, and the
//    write transaction of an insert moves it. A flag for the same reason as
//    is_latest: the CIMI query (newest, os, valid, created after, newest first)
//    is then one range of the covering index entries_newest_by_os, counted in
//    under 1 ms at 100,000 entries instead of 78 ms with a per-row NOT EXISTS.
//  * pending_uploads, confirmation_tokens, confirmed_emails (version 3): the
//    state of the e-mail confirmation (registry/confirmation_store.hpp); held
//    uploads are not entries and no entry query reads these tables.
//  * entry_payloads: per seq, the typed fields as a codec string (entry_codec.hpp)
//    and the signed document bytes untouched. Kept out of `entries` so that
//    scans and index walks over entries touch small rows (a free-text scan of
//    100,000 entries: 40 ms instead of 190 ms); only the rows of a page are read.
//
// Private to registry/store/.
#pragma once

#include "registry/status.hpp"
#include "registry/store/sqlite_db.hpp"

namespace mkt::store::sqlite {

/// The version this program writes and reads. History: 1 initial; 2 adds
/// entries.newest and its indexes; 3 adds the e-mail confirmation tables
/// pending_uploads, confirmation_tokens and confirmed_emails
/// (sqlite_confirmation_store.hpp).
inline constexpr int kSchemaVersion = 3;

/// Creates the schema in an empty database, or checks the version of an existing
/// one and migrates an older one in place (in one IMMEDIATE transaction, so
/// concurrent openers do not race and a failed migration leaves the file as it
/// was; version 1 to 2 takes about 2 s at 100,000 entries). Existing rows are
/// never removed or rewritten except for the columns a migration adds.
/// Errors: kInvalidArgument when the database has tables but no schema_version
/// ("not a Marketplace store") or a version newer than kSchemaVersion (naming
/// both); SQLite errors as ErrorStatus maps them.
Status EnsureSchema(Connection& db);

}  // namespace mkt::store::sqlite
