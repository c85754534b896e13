#include "registry/store/sqlite_store.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "registry/store/entry_codec.hpp"
#include "registry/store/entry_columns.hpp"
#include "registry/store/query_cursor.hpp"
#include "registry/store/sql_list_query.hpp"
#include "registry/store/sqlite_db.hpp"
#include "registry/store/sqlite_schema.hpp"
#include "registry/store/sqlite_writer.hpp"

namespace mkt::store {
namespace {

using sqlite::Connection;
using sqlite::Statement;

const std::string kGetEntry =
    std::string(kEntryRowSelect) + " WHERE e.identifier = ? AND e.email = ? AND e.created = ?";
const std::string kEntryBySeq = std::string(kEntryRowSelect) + " WHERE e.seq = ?";
const std::string kChanges =
    std::string(kEntryRowSelect) + " WHERE e.seq > ? ORDER BY e.seq LIMIT ?";
const std::string kLatestCreated =
    "SELECT created FROM entries WHERE identifier = ? AND email = ? AND is_latest = 1";
const std::string kEndorsers =
    "SELECT e.email, e.subject, e.issuer, g.n, g.newest "
    "FROM (SELECT email, COUNT(*) AS n, MAX(created) AS newest FROM entries GROUP BY email) g "
    "JOIN entries e ON e.seq = (SELECT x.seq FROM entries x WHERE x.email = g.email "
    "ORDER BY x.created DESC, x.seq DESC LIMIT 1) "
    "ORDER BY g.email";
const std::string kTags =
    "SELECT DISTINCT tag FROM entries WHERE email = ? AND tag <> '' ORDER BY tag";
// Entries are never deleted and seqs grow in commit order (one writer), so the
// count is kept incrementally: the rows after the last seq counted, a range of
// the primary key, instead of a COUNT over the whole table per /health.
const std::string kStatsAfter =
    "SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM entries WHERE seq > ?1";

const char* SynchronousName(SqliteOptions::Synchronous s) {
    switch (s) {
        case SqliteOptions::Synchronous::kOff:
            return "OFF";
        case SqliteOptions::Synchronous::kNormal:
            return "NORMAL";
        case SqliteOptions::Synchronous::kFull:
            return "FULL";
        case SqliteOptions::Synchronous::kExtra:
            return "EXTRA";
    }
    return "FULL";
}

Result<Timestamp> ParseStoredTime(std::string_view text) {
    Result<Timestamp> t = Timestamp::Parse(text);
    if (!t.ok()) return Status::Internal("stored entry is corrupt: " + t.status().message());
    return t;
}

/// An entry from a row of kEntryRowSelect.
Result<Entry> ReadEntry(const Statement& row) {
    Entry e;
    e.seq = row.Int(0);
    e.key.identifier = std::string(row.Text(1));
    e.key.email = std::string(row.Text(2));
    MKT_ASSIGN_OR_RETURN(e.key.created, ParseStoredTime(row.Text(3)));
    e.received = Timestamp::FromUnixSeconds(row.Int(4));
    MKT_RETURN_IF_ERROR(DecodeEntryFields(row.Text(5), e.metadata, e.signer));
    e.document = std::string(row.Blob(6));
    return e;
}

Status ConfigureReader(Connection& db, const SqliteOptions& o) {
    MKT_RETURN_IF_ERROR(db.Exec("PRAGMA query_only = 1"));
    MKT_RETURN_IF_ERROR(db.Exec("PRAGMA cache_size = -" + std::to_string(o.cache_size_kib)));
    return db.Exec("PRAGMA mmap_size = " + std::to_string(o.mmap_size_bytes));
}

Result<std::unique_ptr<Connection>> OpenWriter(const std::filesystem::path& path,
                                               const SqliteOptions& o) {
    MKT_ASSIGN_OR_RETURN(auto db, Connection::Open(path, o.create_if_missing, o.busy_timeout_ms));
    MKT_ASSIGN_OR_RETURN(std::string mode, db->QueryText("PRAGMA journal_mode = WAL"));
    if (mode != "wal") {
        return Status::InvalidArgument("cannot use write-ahead logging on " + path.string() +
                                       " (journal mode stays '" + mode + "')");
    }
    MKT_RETURN_IF_ERROR(
        db->Exec(std::string("PRAGMA synchronous = ") + SynchronousName(o.synchronous)));
    MKT_RETURN_IF_ERROR(db->Exec("PRAGMA cache_size = -" + std::to_string(o.cache_size_kib)));
    // Savepoint journals and sorts stay in memory: no temporary files per upload.
    MKT_RETURN_IF_ERROR(db->Exec("PRAGMA temp_store = MEMORY"));
    MKT_RETURN_IF_ERROR(sqlite::EnsureSchema(*db));
    return db;
}

}  // namespace

// Read connections, opened on demand up to a limit, each used by one thread at a time.
class SqliteEntryStore::Impl {
  public:
    Impl(std::filesystem::path path, SqliteOptions options,
         std::unique_ptr<sqlite::GroupCommitWriter> writer)
        : path_(std::move(path)), options_(options), writer_(std::move(writer)) {}

    // A borrowed read connection; ends any read transaction left open and returns it.
    class Reader {
      public:
        Reader(Impl& impl, std::unique_ptr<Connection> db) : impl_(&impl), db_(std::move(db)) {}
        Reader(Reader&& other) noexcept = default;
        ~Reader() {
            if (!db_) return;
            if (db_->InTransaction()) (void)db_->Exec("ROLLBACK");
            impl_->Return(std::move(db_));
        }
        Connection* operator->() { return db_.get(); }

      private:
        Impl* impl_;
        std::unique_ptr<Connection> db_;
    };

    Result<Reader> Borrow() {
        std::unique_lock lock(mutex_);
        idle_cv_.wait(lock, [&] { return !idle_.empty() || open_ < MaxReaders(); });
        if (!idle_.empty()) {
            auto db = std::move(idle_.back());
            idle_.pop_back();
            return Reader(*this, std::move(db));
        }
        ++open_;
        lock.unlock();
        Result<std::unique_ptr<Connection>> db = OpenReader();
        if (!db.ok()) {
            std::lock_guard relock(mutex_);
            --open_;
            idle_cv_.notify_one();
            return db.status();
        }
        return Reader(*this, std::move(db).value());
    }

    sqlite::GroupCommitWriter& writer() { return *writer_; }
    const SqliteOptions& options() const { return options_; }

    /// The entries and last seq counted so far (see kStatsAfter).
    StoreStats counted() {
        std::lock_guard lock(mutex_);
        return counted_;
    }
    void Counted(const StoreStats& stats) {
        std::lock_guard lock(mutex_);
        if (stats.last_seq > counted_.last_seq) counted_ = stats;
    }

  private:
    size_t MaxReaders() const { return std::max<size_t>(options_.max_read_connections, 1); }

    Result<std::unique_ptr<Connection>> OpenReader() {
        MKT_ASSIGN_OR_RETURN(auto db, Connection::Open(path_, false, options_.busy_timeout_ms));
        MKT_RETURN_IF_ERROR(ConfigureReader(*db, options_));
        return db;
    }

    void Return(std::unique_ptr<Connection> db) {
        std::lock_guard lock(mutex_);
        idle_.push_back(std::move(db));
        idle_cv_.notify_one();
    }

    std::filesystem::path path_;
    SqliteOptions options_;
    std::mutex mutex_;
    std::condition_variable idle_cv_;
    std::vector<std::unique_ptr<Connection>> idle_;
    size_t open_ = 0;
    StoreStats counted_{0, 0};
    // Destroyed first (declared last): the writer commits what is queued while
    // the read connections still exist.
    std::unique_ptr<sqlite::GroupCommitWriter> writer_;
};

Result<std::unique_ptr<SqliteEntryStore>> SqliteEntryStore::Open(const std::filesystem::path& path,
                                                                 SqliteOptions options) {
    if (sqlite3_threadsafe() == 0) {
        return Status::Internal("the SQLite library was built without thread support");
    }
    MKT_ASSIGN_OR_RETURN(auto writer_db, OpenWriter(path, options));
    auto writer = std::make_unique<sqlite::GroupCommitWriter>(
        std::move(writer_db), options.max_batch_size, options.group_commit_window);
    auto impl = std::make_unique<Impl>(path, options, std::move(writer));
    return std::unique_ptr<SqliteEntryStore>(new SqliteEntryStore(std::move(impl)));
}

SqliteEntryStore::SqliteEntryStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteEntryStore::~SqliteEntryStore() = default;

Result<PutOutcome> SqliteEntryStore::Put(Entry& entry) {
    MKT_RETURN_IF_ERROR(CheckStorable(entry));
    MKT_ASSIGN_OR_RETURN(std::string codec, EncodeEntryFields(entry.metadata, entry.signer));
    return impl_->writer().Put(entry, std::move(codec), DeriveColumns(entry));
}

Result<Entry> SqliteEntryStore::Get(const EntryKey& key) const {
    MKT_ASSIGN_OR_RETURN(Impl::Reader db, impl_->Borrow());
    MKT_ASSIGN_OR_RETURN(Statement s, db->Prepare(kGetEntry));
    MKT_RETURN_IF_ERROR(s.BindText(1, key.identifier));
    MKT_RETURN_IF_ERROR(s.BindText(2, key.email));
    MKT_RETURN_IF_ERROR(s.BindText(3, key.created.ToString()));
    MKT_ASSIGN_OR_RETURN(bool found, s.Step());
    if (!found) return Status::NotFound("metadata entry not found: " + key.ToPath());
    return ReadEntry(s);
}

Result<std::optional<Timestamp>> SqliteEntryStore::LatestCreated(const std::string& identifier,
                                                                 const std::string& email) const {
    MKT_ASSIGN_OR_RETURN(Impl::Reader db, impl_->Borrow());
    MKT_ASSIGN_OR_RETURN(Statement s, db->Prepare(kLatestCreated));
    MKT_RETURN_IF_ERROR(s.BindText(1, identifier));
    MKT_RETURN_IF_ERROR(s.BindText(2, email));
    MKT_ASSIGN_OR_RETURN(bool found, s.Step());
    if (!found) return std::optional<Timestamp>();
    MKT_ASSIGN_OR_RETURN(Timestamp created, ParseStoredTime(s.Text(0)));
    return std::optional<Timestamp>(created);
}

Result<EntryPage> SqliteEntryStore::List(const EntryQuery& query) const {
    std::optional<SortPosition> after;
    if (query.cursor) {
        MKT_ASSIGN_OR_RETURN(SortPosition position, DecodeCursor(query, *query.cursor));
        after = std::move(position);
    }
    EntryQuery q = query;
    q.limit = std::min<size_t>(q.limit, size_t{1} << 40);  // keeps limit + 1 in range
    constexpr SqlPlaceholders kStyle = SqlPlaceholders::kQuestionMark;

    MKT_ASSIGN_OR_RETURN(Impl::Reader db, impl_->Borrow());
    MKT_RETURN_IF_ERROR(db->Exec("BEGIN"));  // count and page from one snapshot
    EntryPage page;
    {
        const SqlStatement sql = BuildCountStatement(q, kStyle);
        MKT_ASSIGN_OR_RETURN(Statement count, db->Prepare(sql.text));
        MKT_RETURN_IF_ERROR(count.BindAll(sql.params));
        MKT_ASSIGN_OR_RETURN(bool row, count.Step());
        page.total = row ? static_cast<uint64_t>(count.Int(0)) : 0;
    }
    std::vector<int64_t> seqs;
    if (q.limit > 0 && page.total > 0) {
        const PagePlan plan = ChoosePagePlan(q, after.has_value(), page.total);
        const SqlStatement sql = BuildPageStatement(q, after, plan, kStyle);
        MKT_ASSIGN_OR_RETURN(Statement rows, db->Prepare(sql.text));
        MKT_RETURN_IF_ERROR(rows.BindAll(sql.params));
        for (;;) {
            MKT_ASSIGN_OR_RETURN(bool row, rows.Step());
            if (!row) break;
            seqs.push_back(rows.Int(0));
        }
    }
    const bool more = seqs.size() > q.limit;
    if (more) seqs.pop_back();
    for (int64_t seq : seqs) {
        MKT_ASSIGN_OR_RETURN(Statement row, db->Prepare(kEntryBySeq));
        MKT_RETURN_IF_ERROR(row.Bind(1, seq));
        MKT_ASSIGN_OR_RETURN(bool found, row.Step());
        if (!found) return Status::Internal("entry " + std::to_string(seq) + " vanished");
        MKT_ASSIGN_OR_RETURN(Entry e, ReadEntry(row));
        page.entries.push_back(std::move(e));
    }
    if (more && !page.entries.empty()) {
        const Entry& last = page.entries.back();
        page.next_cursor = EncodeCursor(q, {SortValueOf(last, q.sort), last.seq});
    }
    MKT_RETURN_IF_ERROR(db->Exec("COMMIT"));
    return page;
}

Result<std::vector<EndorserSummary>> SqliteEntryStore::Endorsers() const {
    MKT_ASSIGN_OR_RETURN(Impl::Reader db, impl_->Borrow());
    MKT_ASSIGN_OR_RETURN(Statement s, db->Prepare(kEndorsers));
    std::vector<EndorserSummary> out;
    for (;;) {
        MKT_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) return out;
        EndorserSummary e{std::string(s.Text(0)), std::string(s.Text(1)), std::string(s.Text(2)),
                          static_cast<uint64_t>(s.Int(3)), Timestamp()};
        MKT_ASSIGN_OR_RETURN(e.latest_created, ParseStoredTime(s.Text(4)));
        out.push_back(std::move(e));
    }
}

Result<std::vector<std::string>> SqliteEntryStore::Tags(const std::string& email) const {
    MKT_ASSIGN_OR_RETURN(Impl::Reader db, impl_->Borrow());
    MKT_ASSIGN_OR_RETURN(Statement s, db->Prepare(kTags));
    MKT_RETURN_IF_ERROR(s.BindText(1, email));
    std::vector<std::string> out;
    for (;;) {
        MKT_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) return out;
        out.emplace_back(s.Text(0));
    }
}

Result<std::vector<Entry>> SqliteEntryStore::ChangesSince(int64_t after_seq, size_t limit) const {
    MKT_ASSIGN_OR_RETURN(Impl::Reader db, impl_->Borrow());
    MKT_ASSIGN_OR_RETURN(Statement s, db->Prepare(kChanges));
    MKT_RETURN_IF_ERROR(s.Bind(1, after_seq));
    MKT_RETURN_IF_ERROR(s.Bind(2, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX))));
    std::vector<Entry> out;
    for (;;) {
        MKT_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) return out;
        MKT_ASSIGN_OR_RETURN(Entry e, ReadEntry(s));
        out.push_back(std::move(e));
    }
}

Result<StoreStats> SqliteEntryStore::Stats() const {
    MKT_ASSIGN_OR_RETURN(Impl::Reader db, impl_->Borrow());
    const StoreStats before = impl_->counted();
    MKT_ASSIGN_OR_RETURN(Statement s, db->Prepare(kStatsAfter));
    MKT_RETURN_IF_ERROR(s.Bind(1, before.last_seq));
    MKT_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return Status::Internal("entry count query returned no row");
    const uint64_t added = static_cast<uint64_t>(s.Int(0));
    if (added == 0) return before;
    const StoreStats now{before.entries + added, s.Int(1)};
    impl_->Counted(now);
    return now;
}

SqliteEntryStore::WriteStats SqliteEntryStore::write_stats() const {
    const sqlite::GroupCommitStats s = impl_->writer().stats();
    return {s.transactions, s.inserted};
}

}  // namespace mkt::store
