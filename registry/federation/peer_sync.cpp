#include "registry/federation/peer_sync.hpp"

#include <future>

namespace mkt::federation {
namespace {

/// Failures of this instance, not verdicts on the entry: retried, never skipped.
bool IsTemporary(StatusCode code) {
    return code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded ||
           code == StatusCode::kInternal;
}

Status Prefixed(const std::string& name, const Status& status) {
    return Status(status.code(), "peer " + name + ": " + status.message());
}

}  // namespace

PeerSync::PeerSync(std::string name, Registry& registry, ChangeFeedSource& source,
                   CursorStore& cursor, PeerSyncOptions options, Log log)
    : registry_(registry),
      source_(source),
      cursor_store_(cursor),
      options_(options),
      log_(std::move(log)) {
    state_.name = std::move(name);
}

PeerState PeerSync::Snapshot() const {
    std::lock_guard lock(mutex_);
    return state_;
}

void PeerSync::Record(const std::function<void(PeerState&)>& update) {
    std::lock_guard lock(mutex_);
    update(state_);
}

Status PeerSync::PullUntilCaughtUp(const std::atomic<bool>* stop) {
    Status status = Pull(stop);
    if (!status.ok()) {
        const Status named = Prefixed(state_.name, status);
        Record([&](PeerState& s) { s.last_error = named.message(); });
        if (log_) log_("federation: " + named.message());
        return named;
    }
    return Status::Ok();
}

Status PeerSync::Pull(const std::atomic<bool>* stop) {
    if (!cursor_loaded_) {
        MKT_ASSIGN_OR_RETURN(int64_t saved, cursor_store_.Load());
        Record([&](PeerState& s) { s.cursor = saved; });
        cursor_loaded_ = true;
    }
    // The next page is fetched while this one is submitted (the peer and the
    // network work while this instance verifies); one fetch at a time, so the
    // source is never used by two threads at once.
    auto fetch = [this](int64_t after) {
        return std::async(std::launch::async,
                          [this, after] { return source_.Fetch(after, options_.page_size); });
    };
    Result<FeedPage> current = source_.Fetch(Snapshot().cursor, options_.page_size);
    while (true) {
        MKT_RETURN_IF_ERROR(current.status());
        FeedPage page = std::move(current).value();
        Record([&](PeerState& s) { s.peer_last_seq = page.last_seq; });
        if (page.changes.empty()) {
            const Timestamp now = registry_.clock().Now();
            Record([&](PeerState& s) {
                s.last_error.clear();
                s.last_success = now;
            });
            return Status::Ok();
        }
        std::future<Result<FeedPage>> next = fetch(page.changes.back().seq);
        Status status = Submit(page);
        if (!status.ok() || (stop && stop->load())) {
            next.wait();  // the fetch uses `source_`: let it end before returning
            return status;
        }
        if (options_.on_page) options_.on_page(Snapshot());
        current = next.get();
    }
}

Status PeerSync::Submit(const FeedPage& page) {
    int64_t handled = Snapshot().cursor;
    for (const FeedChange& change : page.changes) {
        if (change.seq <= handled) {
            return Status::InvalidArgument("the page repeats seq " + std::to_string(change.seq) +
                                           " at or below the cursor " + std::to_string(handled));
        }
        Status error;
        if (!Apply(change, error)) {
            MKT_RETURN_IF_ERROR(SaveCursor(handled));
            return error;
        }
        handled = change.seq;
    }
    return SaveCursor(handled);
}

bool PeerSync::Apply(const FeedChange& change, Status& error) {
    Result<SubmitResult> result = registry_.Submit(change.document, SubmitOrigin::kReplication);
    if (result.ok()) {
        Record([&](PeerState& s) { ++(result->created ? s.totals.stored : s.totals.present); });
        return true;
    }
    const Status& status = result.status();
    if (IsTemporary(status.code())) {
        error = Status(status.code(), "seq " + std::to_string(change.seq) +
                                          " not stored yet: " + status.message());
        return false;
    }
    const std::string reason(StatusCodeName(status.code()));
    Record([&](PeerState& s) {
        ++s.totals.refused;
        ++s.totals.refused_by_reason[reason];
    });
    if (log_) {
        log_("federation: peer " + state_.name + ": refused seq " + std::to_string(change.seq) +
             " (the peer calls it " + change.identifier + "/" + change.email + "/" +
             change.created + "): " + reason + ": " + status.message());
    }
    return true;
}

Status PeerSync::SaveCursor(int64_t seq) {
    if (seq == Snapshot().cursor) return Status::Ok();
    MKT_RETURN_IF_ERROR(cursor_store_.Save(seq));
    Record([&](PeerState& s) { s.cursor = seq; });
    return Status::Ok();
}

std::string SummaryLine(const PeerTotals& totals) {
    std::string line = "stored " + std::to_string(totals.stored) + ", already present " +
                       std::to_string(totals.present) + ", refused " +
                       std::to_string(totals.refused);
    if (!totals.refused_by_reason.empty()) {
        line += " (";
        bool first = true;
        for (const auto& [reason, count] : totals.refused_by_reason) {
            line += (first ? "" : ", ") + reason + " " + std::to_string(count);
            first = false;
        }
        line += ")";
    }
    return line;
}

}  // namespace mkt::federation
