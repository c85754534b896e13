#include "registry/store/postgres/pg_writer.hpp"

#include <algorithm>
#include <map>
#include <optional>

namespace mkt::store::pg {

struct PgWriter::Request {
    Request(Entry& e, std::string c, EntryColumns cols)
        : entry(&e),
          codec(std::move(c)),
          columns(std::move(cols)),
          created(e.key.created.ToString()) {}

    Entry* entry;
    std::string codec;
    EntryColumns columns;
    std::string created;  // entry->key.created as text
    Result<PutOutcome> outcome = Status::Internal("put was not processed");
    bool done = false;
    std::condition_variable finished;
};

namespace {

const std::string kBegin = "BEGIN";
const std::string kCommit = "COMMIT";
const std::string kLockSequence = "SELECT last_seq FROM entry_sequence WHERE id = 1 FOR UPDATE";
const std::string kSetSequence = "UPDATE entry_sequence SET last_seq = $1 WHERE id = 1";
const std::string kFindKey =
    "SELECT p.document FROM entries e JOIN entry_payloads p ON p.seq = e.seq "
    "WHERE e.identifier = $1 AND e.email = $2 AND e.created = $3";
const std::string kFindLatest =
    "SELECT seq, created FROM entries WHERE identifier = $1 AND email = $2 AND is_latest = 1";
const std::string kFindNewest =
    "SELECT seq, created FROM entries WHERE identifier = $1 AND newest = 1";
const std::string kClearLatest = "UPDATE entries SET is_latest = 0 WHERE seq = ANY($1::bigint[])";
const std::string kClearNewest = "UPDATE entries SET newest = 0 WHERE seq = ANY($1::bigint[])";
const std::string kInsertEntry =
    "INSERT INTO entries (seq, identifier, email, created, received, valid_until, deprecated, "
    "is_latest, os, os_version, os_arch, title, tag, os_lc, os_version_lc, os_arch_lc, "
    "email_lc, subject, subject_lc, issuer, search_text, newest) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
    "$19, $20, $21, $22)";
const std::string kInsertPayload =
    "INSERT INTO entry_payloads (seq, codec, document) VALUES ($1, $2, $3)";

// A flag holder (latest of a pair, newest of an identifier) as the batch sees it:
// a stored row, or a row this batch inserts (`new_row` indexes the batch's rows).
struct FlagHolder {
    int64_t seq = 0;
    std::string created;
    std::optional<size_t> new_row;
};

Result<std::optional<FlagHolder>> HolderFrom(const Rows& rows) {
    if (rows.empty()) return std::optional<FlagHolder>();
    MKT_ASSIGN_OR_RETURN(int64_t seq, rows.Int(0, 0));
    return std::optional<FlagHolder>(FlagHolder{seq, std::string(rows.Bytes(0, 1)), std::nullopt});
}

}  // namespace

// One accepted Put of the batch and the flags it ends with.
struct PgWriter::Decision {
    Request* request;
    int64_t seq;
    bool is_latest = true;
    bool newest = false;
};

PgWriter::PgWriter(std::unique_ptr<Connection> connection, Connector connect, size_t max_batch_size,
                   std::chrono::microseconds window)
    : db_(std::move(connection)),
      connect_(std::move(connect)),
      max_batch_size_(std::max<size_t>(max_batch_size, 1)),
      window_(window),
      thread_([this] { Run(); }) {}

PgWriter::~PgWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_.notify_all();
    thread_.join();
}

WriterStats PgWriter::stats() const { return {transactions_.load(), inserted_.load()}; }

Result<PutOutcome> PgWriter::Put(Entry& entry, std::string codec, EntryColumns columns) {
    Request request(entry, std::move(codec), std::move(columns));
    std::unique_lock lock(mutex_);
    if (stopping_) return Status::Unavailable("entry store is closing; retry on another server");
    queue_.push_back(&request);
    work_.notify_one();
    request.finished.wait(lock, [&] { return request.done; });
    return std::move(request.outcome);
}

void PgWriter::Run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and everything queued is committed
        if (window_.count() > 0 && queue_.size() < max_batch_size_ && !stopping_) {
            work_.wait_for(lock, window_,
                           [&] { return stopping_ || queue_.size() >= max_batch_size_; });
        }
        const size_t n = std::min(queue_.size(), max_batch_size_);
        std::vector<Request*> batch(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
        lock.unlock();
        CommitBatch(batch);
        lock.lock();
        for (Request* r : batch) {
            r->done = true;
            r->finished.notify_one();
        }
    }
}

void PgWriter::DropConnection() {
    if (db_ && db_->healthy() && db_->InTransaction()) (void)db_->Exec("ROLLBACK");
    if (db_ && !db_->healthy()) db_.reset();
}

void PgWriter::CommitBatch(const std::vector<Request*>& batch) {
    // A connection found broken before anything was written is replaced and the
    // batch tried once more: after a database restart the first batch succeeds.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (!db_ || !db_->healthy()) {
            db_.reset();
            Result<std::unique_ptr<Connection>> fresh = connect_();
            if (!fresh.ok()) {
                for (Request* r : batch) r->outcome = fresh.status();
                return;
            }
            db_ = std::move(fresh).value();
        }
        std::vector<int64_t> seqs(batch.size(), 0);
        bool sent_commit = false;
        const Status status = WriteBatch(batch, seqs, sent_commit);
        if (status.ok()) {
            size_t inserted = 0;
            for (size_t i = 0; i < batch.size(); ++i) {
                if (batch[i]->outcome.ok() && *batch[i]->outcome == PutOutcome::kInserted) {
                    batch[i]->entry->seq = seqs[i];
                    ++inserted;
                }
            }
            if (inserted > 0) {
                transactions_.fetch_add(1);
                inserted_.fetch_add(inserted);
            }
            return;
        }
        const bool connection_lost = !db_->healthy();
        DropConnection();
        // Every outcome of a failed batch is the failure: a refusal may rest on
        // an earlier Put of the same batch, which is not stored.
        for (Request* r : batch) r->outcome = status;
        if (!connection_lost || sent_commit) return;
    }
}

Status PgWriter::WriteBatch(const std::vector<Request*>& batch, std::vector<int64_t>& seqs,
                            bool& sent_commit) {
    // Round trip 1: take the writer lock, then read what the rules decide on.
    Connection::Pipeline read(*db_);
    read.Add(kBegin);
    const size_t lock = read.Add(kLockSequence);
    std::map<std::string, size_t> key_query, latest_query, newest_query;  // -> result index
    for (const Request* r : batch) {
        const Entry& e = *r->entry;
        const std::string path = e.key.ToPath();
        if (!key_query.contains(path)) {
            key_query[path] = read.Add(
                kFindKey, Params().Text(e.key.identifier).Text(e.key.email).Text(r->created));
        }
        const std::string pair = e.key.identifier + "/" + e.key.email;
        if (!latest_query.contains(pair)) {
            latest_query[pair] =
                read.Add(kFindLatest, Params().Text(e.key.identifier).Text(e.key.email));
        }
        if (!newest_query.contains(e.key.identifier)) {
            newest_query[e.key.identifier] = read.Add(kFindNewest, Params().Text(e.key.identifier));
        }
    }
    MKT_RETURN_IF_ERROR(read.Run());
    std::vector<Rows>& found = read.results();
    if (found[lock].empty()) return Status::Internal("database error: entry_sequence has no row");
    MKT_ASSIGN_OR_RETURN(int64_t next_seq, found[lock].Int(0, 0));

    // The rules, Put by Put, on the state read plus the batch's earlier Puts.
    std::map<std::string, std::optional<std::string>> documents;  // key path -> stored bytes
    std::map<std::string, std::optional<FlagHolder>> latest, newest;
    for (const auto& [path, index] : key_query) {
        documents[path] = found[index].empty()
                              ? std::nullopt
                              : std::optional<std::string>(std::string(found[index].Bytes(0, 0)));
    }
    for (const auto& [pair, index] : latest_query) {
        MKT_ASSIGN_OR_RETURN(latest[pair], HolderFrom(found[index]));
    }
    for (const auto& [identifier, index] : newest_query) {
        MKT_ASSIGN_OR_RETURN(newest[identifier], HolderFrom(found[index]));
    }
    std::vector<Decision> rows;
    std::vector<int64_t> clear_latest, clear_newest;  // stored rows losing a flag
    auto take_flag = [&](std::optional<FlagHolder>& holder, bool Decision::*flag,
                         std::vector<int64_t>& stored) {
        if (!holder) return;
        if (holder->new_row) {
            rows[*holder->new_row].*flag = false;
        } else {
            stored.push_back(holder->seq);
        }
    };
    for (size_t i = 0; i < batch.size(); ++i) {
        Request& r = *batch[i];
        const Entry& e = *r.entry;
        std::optional<std::string>& stored = documents[e.key.ToPath()];
        if (stored) {
            r.outcome = *stored == e.document ? Result<PutOutcome>(PutOutcome::kUnchanged)
                                              : Result<PutOutcome>(EntryConflictError(e.key));
            continue;
        }
        std::optional<FlagHolder>& pair_latest = latest[e.key.identifier + "/" + e.key.email];
        if (pair_latest && pair_latest->created > r.created) {
            r.outcome = OlderThanLatestError(pair_latest->created);
            continue;
        }
        // The new row has the greatest seq, so its (created, seq) beats the
        // image's newest exactly when created >= the newest's created.
        std::optional<FlagHolder>& image_newest = newest[e.key.identifier];
        const bool takes_newest = !image_newest || image_newest->created <= r.created;
        Decision decision{&r, ++next_seq, true, takes_newest};
        take_flag(pair_latest, &Decision::is_latest, clear_latest);
        if (takes_newest) take_flag(image_newest, &Decision::newest, clear_newest);
        rows.push_back(decision);
        const FlagHolder holder{decision.seq, r.created, rows.size() - 1};
        pair_latest = holder;
        if (takes_newest) image_newest = holder;
        stored = e.document;
        seqs[i] = decision.seq;
        r.outcome = PutOutcome::kInserted;
    }

    // Round trip 2: the writes and the COMMIT.
    Connection::Pipeline write(*db_);
    if (!clear_latest.empty()) write.Add(kClearLatest, Params().IntArray(clear_latest));
    if (!clear_newest.empty()) write.Add(kClearNewest, Params().IntArray(clear_newest));
    for (const Decision& d : rows) {
        const Entry& e = *d.request->entry;
        const EntryMetadata& m = e.metadata;
        const EntryColumns& c = d.request->columns;
        Params p;
        p.Int(d.seq).Text(e.key.identifier).Text(e.key.email).Text(d.request->created);
        p.Int(e.received.unix_seconds()).Int(c.valid_until).Int(c.deprecated ? 1 : 0);
        p.Int(d.is_latest ? 1 : 0);
        for (const std::string* text :
             {&m.os, &m.os_version, &m.os_arch, &m.title, &m.tag, &c.os_lc, &c.os_version_lc,
              &c.os_arch_lc, &c.email_lc, &c.subject, &c.subject_lc, &c.issuer, &c.search_text}) {
            p.Text(*text);
        }
        p.Int(d.newest ? 1 : 0);
        write.Add(kInsertEntry, std::move(p));
        write.Add(kInsertPayload, Params().Int(d.seq).Text(d.request->codec).Bytes(e.document));
    }
    if (!rows.empty()) write.Add(kSetSequence, Params().Int(next_seq));
    write.Add(kCommit);
    sent_commit = true;
    return write.Run();
}

}  // namespace mkt::store::pg
