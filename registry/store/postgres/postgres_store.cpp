#include "registry/store/postgres/postgres_store.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "registry/store/entry_codec.hpp"
#include "registry/store/entry_columns.hpp"
#include "registry/store/postgres/pg_connection.hpp"
#include "registry/store/postgres/pg_schema.hpp"
#include "registry/store/postgres/pg_writer.hpp"
#include "registry/store/query_cursor.hpp"
#include "registry/store/sql_list_query.hpp"

namespace mkt::store {
namespace {

using pg::Connection;
using pg::Params;
using pg::Rows;

const std::string kGetEntry =
    std::string(kEntryRowSelect) + " WHERE e.identifier = $1 AND e.email = $2 AND e.created = $3";
const std::string kEntriesBySeq = std::string(kEntryRowSelect) + " WHERE e.seq = ANY($1::bigint[])";
const std::string kChanges =
    std::string(kEntryRowSelect) + " WHERE e.seq > $1 ORDER BY e.seq LIMIT $2";
const std::string kLatestCreated =
    "SELECT created FROM entries WHERE identifier = $1 AND email = $2 AND is_latest = 1";
const std::string kEndorsers =
    "SELECT e.email, e.subject, e.issuer, g.n, g.newest "
    "FROM (SELECT email, COUNT(*) AS n, MAX(created) AS newest FROM entries GROUP BY email) g "
    "JOIN entries e ON e.seq = (SELECT x.seq FROM entries x WHERE x.email = g.email "
    "ORDER BY x.created DESC, x.seq DESC LIMIT 1) "
    "ORDER BY g.email";
const std::string kTags =
    "SELECT DISTINCT tag FROM entries WHERE email = $1 AND tag <> '' ORDER BY tag";
const std::string kStats = "SELECT COUNT(*), COALESCE(MAX(seq), 0)::bigint FROM entries";

Result<Timestamp> ParseStoredTime(std::string_view text) {
    Result<Timestamp> t = Timestamp::Parse(text);
    if (!t.ok()) return Status::Internal("stored entry is corrupt: " + t.status().message());
    return t;
}

/// The entry in row `i` of a kEntryRowSelect result.
Result<Entry> ReadEntry(const Rows& rows, int i) {
    Entry e;
    MKT_ASSIGN_OR_RETURN(e.seq, rows.Int(i, 0));
    e.key.identifier = std::string(rows.Bytes(i, 1));
    e.key.email = std::string(rows.Bytes(i, 2));
    MKT_ASSIGN_OR_RETURN(e.key.created, ParseStoredTime(rows.Bytes(i, 3)));
    MKT_ASSIGN_OR_RETURN(int64_t received, rows.Int(i, 4));
    e.received = Timestamp::FromUnixSeconds(received);
    MKT_RETURN_IF_ERROR(DecodeEntryFields(rows.Bytes(i, 5), e.metadata, e.signer));
    e.document = std::string(rows.Bytes(i, 6));
    return e;
}

// PostgreSQL text cannot hold a NUL byte (documents parsed by libxml2 never carry one).
Status CheckNoNul(const Entry& e, const EntryColumns& c) {
    const EntryMetadata& m = e.metadata;
    const std::pair<const char*, const std::string*> fields[] = {
        {"identifier", &e.key.identifier},
        {"email", &e.key.email},
        {"os", &m.os},
        {"os_version", &m.os_version},
        {"os_arch", &m.os_arch},
        {"title", &m.title},
        {"tag", &m.tag},
        {"subject", &c.subject},
        {"issuer", &c.issuer},
        {"description, kind or location", &c.search_text},
    };
    for (const auto& [name, value] : fields) {
        if (value->find('\0') != std::string::npos) {
            return Status::InvalidArgument(std::string("entry field ") + name +
                                           " contains a NUL byte");
        }
    }
    return Status::Ok();
}

}  // namespace

// Read connections, opened on demand up to pool_size, each used by one thread at a time.
class PostgresEntryStore::Impl {
  public:
    explicit Impl(PostgresOptions options) : options_(std::move(options)) {}

    Result<std::unique_ptr<Connection>> Connect() const {
        return Connection::Open(options_.conninfo, options_.connect_timeout_seconds,
                                options_.application_name);
    }

    void StartWriter(std::unique_ptr<Connection> db) {
        writer_ = std::make_unique<pg::PgWriter>(
            std::move(db), [this] { return Connect(); }, options_.max_batch_size,
            options_.group_commit_window);
    }

    // A borrowed read connection; ends a transaction left open and returns it
    // to the pool, or drops it when it broke.
    class Reader {
      public:
        Reader(Impl& impl, std::unique_ptr<Connection> db) : impl_(&impl), db_(std::move(db)) {}
        Reader(Reader&& other) noexcept = default;
        ~Reader() {
            if (impl_ && db_) impl_->Return(std::move(db_));
        }
        Connection& operator*() { return *db_; }
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
        Result<std::unique_ptr<Connection>> db = Connect();
        if (!db.ok()) {
            std::lock_guard relock(mutex_);
            --open_;
            idle_cv_.notify_one();
            return db.status();
        }
        return Reader(*this, std::move(db).value());
    }

    /// Runs `read(connection)`; when it fails because the connection broke (the
    /// database restarted since it was opened), once more on a new connection.
    template <typename T, typename Read>
    Result<T> WithReader(Read read) {
        for (int attempt = 0;; ++attempt) {
            MKT_ASSIGN_OR_RETURN(Reader db, Borrow());
            Result<T> result = read(*db);
            if (result.ok() || db->healthy() || attempt > 0) return result;
        }
    }

    pg::PgWriter& writer() { return *writer_; }

  private:
    size_t MaxReaders() const { return std::max<size_t>(options_.pool_size, 1); }

    void Return(std::unique_ptr<Connection> db) {
        if (db && db->healthy() && db->InTransaction()) (void)db->Exec("ROLLBACK");
        std::lock_guard lock(mutex_);
        if (db && db->healthy()) {
            idle_.push_back(std::move(db));
        } else {
            --open_;
        }
        idle_cv_.notify_one();
    }

    PostgresOptions options_;
    std::mutex mutex_;
    std::condition_variable idle_cv_;
    std::vector<std::unique_ptr<Connection>> idle_;
    size_t open_ = 0;
    // Destroyed first (declared last): the writer commits what is queued.
    std::unique_ptr<pg::PgWriter> writer_;
};

Result<std::unique_ptr<PostgresEntryStore>> PostgresEntryStore::Open(PostgresOptions options) {
    if (options.conninfo.empty()) {
        return Status::InvalidArgument("no PostgreSQL connection string given");
    }
    auto impl = std::make_unique<Impl>(std::move(options));
    MKT_ASSIGN_OR_RETURN(std::unique_ptr<Connection> db, impl->Connect());
    MKT_RETURN_IF_ERROR(pg::EnsureSchema(*db));
    impl->StartWriter(std::move(db));
    return std::unique_ptr<PostgresEntryStore>(new PostgresEntryStore(std::move(impl)));
}

PostgresEntryStore::PostgresEntryStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PostgresEntryStore::~PostgresEntryStore() = default;

Result<PutOutcome> PostgresEntryStore::Put(Entry& entry) {
    MKT_RETURN_IF_ERROR(CheckStorable(entry));
    MKT_ASSIGN_OR_RETURN(std::string codec, EncodeEntryFields(entry.metadata, entry.signer));
    EntryColumns columns = DeriveColumns(entry);
    MKT_RETURN_IF_ERROR(CheckNoNul(entry, columns));
    return impl_->writer().Put(entry, std::move(codec), std::move(columns));
}

Result<Entry> PostgresEntryStore::Get(const EntryKey& key) const {
    return impl_->WithReader<Entry>([&](Connection& db) -> Result<Entry> {
        MKT_ASSIGN_OR_RETURN(
            Rows rows,
            db.Query(kGetEntry,
                     Params().Text(key.identifier).Text(key.email).Text(key.created.ToString())));
        if (rows.empty()) return Status::NotFound("metadata entry not found: " + key.ToPath());
        return ReadEntry(rows, 0);
    });
}

Result<std::optional<Timestamp>> PostgresEntryStore::LatestCreated(const std::string& identifier,
                                                                   const std::string& email) const {
    using Latest = std::optional<Timestamp>;
    return impl_->WithReader<Latest>([&](Connection& db) -> Result<Latest> {
        MKT_ASSIGN_OR_RETURN(Rows rows,
                             db.Query(kLatestCreated, Params().Text(identifier).Text(email)));
        if (rows.empty()) return Latest();
        MKT_ASSIGN_OR_RETURN(Timestamp created, ParseStoredTime(rows.Bytes(0, 0)));
        return Latest(created);
    });
}

Result<EntryPage> PostgresEntryStore::List(const EntryQuery& query) const {
    std::optional<SortPosition> after;
    if (query.cursor) {
        MKT_ASSIGN_OR_RETURN(SortPosition position, DecodeCursor(query, *query.cursor));
        after = std::move(position);
    }
    EntryQuery q = query;
    q.limit = std::min<size_t>(q.limit, size_t{1} << 40);  // keeps limit + 1 in range
    constexpr SqlPlaceholders kDialect = SqlPlaceholders::kDollarNumbered;

    return impl_->WithReader<EntryPage>([&](Connection& db) -> Result<EntryPage> {
        // Count and page from one snapshot.
        MKT_RETURN_IF_ERROR(db.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
        EntryPage page;
        {
            const SqlStatement sql = BuildCountStatement(q, kDialect);
            MKT_ASSIGN_OR_RETURN(Rows count, db.Query(sql.text, Params(sql.params)));
            if (!count.empty()) {
                MKT_ASSIGN_OR_RETURN(int64_t total, count.Int(0, 0));
                page.total = static_cast<uint64_t>(total);
            }
        }
        std::vector<int64_t> seqs;
        if (q.limit > 0 && page.total > 0) {
            const PagePlan plan = ChoosePagePlan(q, after.has_value(), page.total);
            const SqlStatement sql = BuildPageStatement(q, after, plan, kDialect);
            MKT_ASSIGN_OR_RETURN(Rows rows, db.Query(sql.text, Params(sql.params)));
            for (int i = 0; i < rows.size(); ++i) {
                MKT_ASSIGN_OR_RETURN(int64_t seq, rows.Int(i, 0));
                seqs.push_back(seq);
            }
        }
        const bool more = seqs.size() > q.limit;
        if (more) seqs.pop_back();
        if (!seqs.empty()) {
            MKT_ASSIGN_OR_RETURN(Rows rows, db.Query(kEntriesBySeq, Params().IntArray(seqs)));
            std::unordered_map<int64_t, Entry> by_seq;
            for (int i = 0; i < rows.size(); ++i) {
                MKT_ASSIGN_OR_RETURN(Entry e, ReadEntry(rows, i));
                by_seq.emplace(e.seq, std::move(e));
            }
            for (int64_t seq : seqs) {
                auto it = by_seq.find(seq);
                if (it == by_seq.end()) {
                    return Status::Internal("entry " + std::to_string(seq) + " vanished");
                }
                page.entries.push_back(std::move(it->second));
            }
        }
        if (more && !page.entries.empty()) {
            const Entry& last = page.entries.back();
            page.next_cursor = EncodeCursor(q, {SortValueOf(last, q.sort), last.seq});
        }
        MKT_RETURN_IF_ERROR(db.Exec("COMMIT"));
        return page;
    });
}

Result<std::vector<EndorserSummary>> PostgresEntryStore::Endorsers() const {
    using Summaries = std::vector<EndorserSummary>;
    return impl_->WithReader<Summaries>([&](Connection& db) -> Result<Summaries> {
        MKT_ASSIGN_OR_RETURN(Rows rows, db.Query(kEndorsers));
        Summaries out;
        for (int i = 0; i < rows.size(); ++i) {
            MKT_ASSIGN_OR_RETURN(int64_t n, rows.Int(i, 3));
            EndorserSummary e{std::string(rows.Bytes(i, 0)), std::string(rows.Bytes(i, 1)),
                              std::string(rows.Bytes(i, 2)), static_cast<uint64_t>(n), Timestamp()};
            MKT_ASSIGN_OR_RETURN(e.latest_created, ParseStoredTime(rows.Bytes(i, 4)));
            out.push_back(std::move(e));
        }
        return out;
    });
}

Result<std::vector<std::string>> PostgresEntryStore::Tags(const std::string& email) const {
    using Tags = std::vector<std::string>;
    return impl_->WithReader<Tags>([&](Connection& db) -> Result<Tags> {
        MKT_ASSIGN_OR_RETURN(Rows rows, db.Query(kTags, Params().Text(email)));
        Tags out;
        for (int i = 0; i < rows.size(); ++i) out.emplace_back(rows.Bytes(i, 0));
        return out;
    });
}

Result<std::vector<Entry>> PostgresEntryStore::ChangesSince(int64_t after_seq, size_t limit) const {
    using Entries = std::vector<Entry>;
    const auto bounded = static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX));
    return impl_->WithReader<Entries>([&](Connection& db) -> Result<Entries> {
        MKT_ASSIGN_OR_RETURN(Rows rows, db.Query(kChanges, Params().Int(after_seq).Int(bounded)));
        Entries out;
        out.reserve(static_cast<size_t>(rows.size()));
        for (int i = 0; i < rows.size(); ++i) {
            MKT_ASSIGN_OR_RETURN(Entry e, ReadEntry(rows, i));
            out.push_back(std::move(e));
        }
        return out;
    });
}

Result<StoreStats> PostgresEntryStore::Stats() const {
    return impl_->WithReader<StoreStats>([&](Connection& db) -> Result<StoreStats> {
        MKT_ASSIGN_OR_RETURN(Rows rows, db.Query(kStats));
        if (rows.empty()) return Status::Internal("entry count query returned no row");
        MKT_ASSIGN_OR_RETURN(int64_t entries, rows.Int(0, 0));
        MKT_ASSIGN_OR_RETURN(int64_t last_seq, rows.Int(0, 1));
        return StoreStats{static_cast<uint64_t>(entries), last_seq};
    });
}

PostgresEntryStore::WriteStats PostgresEntryStore::write_stats() const {
    const pg::WriterStats s = impl_->writer().stats();
    return {s.transactions, s.inserted};
}

}  // namespace mkt::store
