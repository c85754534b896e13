#include "registry/store/sqlite_writer.hpp"

#include <algorithm>
#include <optional>

namespace mkt::store::sqlite {

struct GroupCommitWriter::Request {
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

constexpr const char* kFindKey =
    "SELECT p.document FROM entries e JOIN entry_payloads p ON p.seq = e.seq "
    "WHERE e.identifier = ? AND e.email = ? AND e.created = ?";
constexpr const char* kFindLatest =
    "SELECT seq, created FROM entries WHERE identifier = ? AND email = ? AND is_latest = 1";
constexpr const char* kClearLatest = "UPDATE entries SET is_latest = 0 WHERE seq = ?";
constexpr const char* kFindNewest =
    "SELECT seq, created FROM entries WHERE identifier = ? AND newest = 1";
constexpr const char* kClearNewest = "UPDATE entries SET newest = 0 WHERE seq = ?";
constexpr const char* kInsertEntry =
    "INSERT INTO entries (identifier, email, created, received, valid_until, deprecated, "
    "is_latest, os, os_version, os_arch, title, tag, os_lc, os_version_lc, os_arch_lc, "
    "email_lc, subject, subject_lc, issuer, search_text, newest) "
    "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kInsertPayload =
    "INSERT INTO entry_payloads (seq, codec, document) VALUES (?, ?, ?)";

constexpr int kNewestParameter = 20;  // after BindEntry's 19

Status BindEntry(Statement& s, const Entry& e, const std::string& created, const EntryColumns& c) {
    const EntryMetadata& m = e.metadata;
    int i = 0;
    for (const std::string* text : {&e.key.identifier, &e.key.email, &created}) {
        MKT_RETURN_IF_ERROR(s.BindText(++i, *text));
    }
    MKT_RETURN_IF_ERROR(s.Bind(++i, e.received.unix_seconds()));
    MKT_RETURN_IF_ERROR(s.Bind(++i, c.valid_until));
    MKT_RETURN_IF_ERROR(s.Bind(++i, c.deprecated ? 1 : 0));
    for (const std::string* text :
         {&m.os, &m.os_version, &m.os_arch, &m.title, &m.tag, &c.os_lc, &c.os_version_lc,
          &c.os_arch_lc, &c.email_lc, &c.subject, &c.subject_lc, &c.issuer, &c.search_text}) {
        MKT_RETURN_IF_ERROR(s.BindText(++i, *text));
    }
    return Status::Ok();
}

}  // namespace

GroupCommitWriter::GroupCommitWriter(std::unique_ptr<Connection> db, size_t max_batch_size,
                                     std::chrono::microseconds window)
    : db_(std::move(db)),
      max_batch_size_(std::max<size_t>(max_batch_size, 1)),
      window_(window),
      thread_([this] { Run(); }) {}

GroupCommitWriter::~GroupCommitWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_.notify_all();
    thread_.join();
}

GroupCommitStats GroupCommitWriter::stats() const {
    return {transactions_.load(), inserted_.load()};
}

Result<PutOutcome> GroupCommitWriter::Put(Entry& entry, std::string codec, EntryColumns columns) {
    Request request(entry, std::move(codec), std::move(columns));
    std::unique_lock lock(mutex_);
    if (stopping_) return Status::Unavailable("entry store is closing; retry on another server");
    queue_.push_back(&request);
    work_.notify_one();
    request.finished.wait(lock, [&] { return request.done; });
    return std::move(request.outcome);
}

void GroupCommitWriter::Run() {
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

// Transaction control runs once or twice per upload: prepared once, not re-parsed.
Status GroupCommitWriter::RunCached(const char* sql) {
    MKT_ASSIGN_OR_RETURN(Statement statement, db_->Prepare(sql));
    return statement.Run();
}

void GroupCommitWriter::CommitBatch(const std::vector<Request*>& batch) {
    Status begin = db_->CheckFileInPlace();  // one stat per batch, against an fsync
    if (begin.ok()) begin = RunCached("BEGIN IMMEDIATE");
    if (!begin.ok()) {
        for (Request* r : batch) r->outcome = begin;
        return;
    }
    std::vector<int64_t> seqs(batch.size(), 0);
    Status fatal;  // an error after which the transaction cannot continue
    for (size_t i = 0; i < batch.size(); ++i) {
        Request& r = *batch[i];
        if (fatal.ok()) fatal = RunCached("SAVEPOINT put");
        if (!fatal.ok()) {
            r.outcome = fatal;
            continue;
        }
        r.outcome = Apply(r, seqs[i]);
        const bool inserted = r.outcome.ok() && *r.outcome == PutOutcome::kInserted;
        if (!db_->InTransaction()) {
            // SQLite rolled the whole transaction back (I/O error, disk full...).
            fatal = r.outcome.ok() ? Status::Internal("write transaction was rolled back")
                                   : r.outcome.status();
            continue;
        }
        if (!inserted) fatal = RunCached("ROLLBACK TO put");
        if (fatal.ok()) fatal = RunCached("RELEASE put");
    }
    if (fatal.ok()) fatal = RunCached("COMMIT");
    if (!fatal.ok()) {
        if (db_->InTransaction()) (void)db_->Exec("ROLLBACK");
        for (Request* r : batch) {
            if (r->outcome.ok() && *r->outcome == PutOutcome::kInserted) r->outcome = fatal;
        }
        return;
    }
    transactions_.fetch_add(1);
    for (size_t i = 0; i < batch.size(); ++i) {
        if (batch[i]->outcome.ok() && *batch[i]->outcome == PutOutcome::kInserted) {
            batch[i]->entry->seq = seqs[i];
            inserted_.fetch_add(1);
        }
    }
}

Status GroupCommitWriter::ClearFlag(const char* sql, int64_t seq) {
    MKT_ASSIGN_OR_RETURN(Statement clear, db_->Prepare(sql));
    MKT_RETURN_IF_ERROR(clear.Bind(1, seq));
    return clear.Run();
}

// The new entry gets the greatest seq of the table (INTEGER PRIMARY KEY without
// AUTOINCREMENT takes max + 1 and rows are never deleted), so its (created, seq)
// is greater than the current newest's exactly when created >= the newest's.
// When the current newest is the (identifier, email)'s previous latest, whose
// is_latest was just cleared, the new entry is newer than it (checked above),
// so it takes over: the flag never stays on a row that lost is_latest.
Result<bool> GroupCommitWriter::TakeNewest(const std::string& identifier,
                                           const std::string& created) {
    std::optional<int64_t> current;
    {
        MKT_ASSIGN_OR_RETURN(Statement find, db_->Prepare(kFindNewest));
        MKT_RETURN_IF_ERROR(find.BindText(1, identifier));
        MKT_ASSIGN_OR_RETURN(bool found, find.Step());
        if (found && find.Text(1) > created) return false;
        if (found) current = find.Int(0);
    }
    if (current) MKT_RETURN_IF_ERROR(ClearFlag(kClearNewest, *current));
    return true;
}

Result<PutOutcome> GroupCommitWriter::Apply(const Request& r, int64_t& seq) {
    const Entry& e = *r.entry;
    {
        MKT_ASSIGN_OR_RETURN(Statement find, db_->Prepare(kFindKey));
        MKT_RETURN_IF_ERROR(find.BindText(1, e.key.identifier));
        MKT_RETURN_IF_ERROR(find.BindText(2, e.key.email));
        MKT_RETURN_IF_ERROR(find.BindText(3, r.created));
        MKT_ASSIGN_OR_RETURN(bool found, find.Step());
        if (found) {
            if (find.Blob(0) == e.document) return PutOutcome::kUnchanged;
            return EntryConflictError(e.key);
        }
    }
    std::optional<int64_t> previous;  // seq of the current latest entry
    {
        MKT_ASSIGN_OR_RETURN(Statement latest, db_->Prepare(kFindLatest));
        MKT_RETURN_IF_ERROR(latest.BindText(1, e.key.identifier));
        MKT_RETURN_IF_ERROR(latest.BindText(2, e.key.email));
        MKT_ASSIGN_OR_RETURN(bool found, latest.Step());
        if (found && latest.Text(1) > r.created) {
            return OlderThanLatestError(latest.Text(1));
        }
        if (found) previous = latest.Int(0);
    }
    if (previous) MKT_RETURN_IF_ERROR(ClearFlag(kClearLatest, *previous));
    MKT_ASSIGN_OR_RETURN(bool newest, TakeNewest(e.key.identifier, r.created));
    {
        MKT_ASSIGN_OR_RETURN(Statement insert, db_->Prepare(kInsertEntry));
        MKT_RETURN_IF_ERROR(BindEntry(insert, e, r.created, r.columns));
        MKT_RETURN_IF_ERROR(insert.Bind(kNewestParameter, newest ? 1 : 0));
        MKT_RETURN_IF_ERROR(insert.Run());
        seq = db_->LastInsertRowid();
    }
    MKT_ASSIGN_OR_RETURN(Statement payload, db_->Prepare(kInsertPayload));
    MKT_RETURN_IF_ERROR(payload.Bind(1, seq));
    MKT_RETURN_IF_ERROR(payload.BindText(2, r.codec));
    MKT_RETURN_IF_ERROR(payload.BindBlob(3, e.document));
    MKT_RETURN_IF_ERROR(payload.Run());
    return PutOutcome::kInserted;
}

}  // namespace mkt::store::sqlite
