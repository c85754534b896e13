#include "registry/store_copy.hpp"

namespace mkt {
namespace {

constexpr size_t kBatch = 500;

/// Whether `to` holds `e` byte for byte; an error names what it holds instead.
Status CheckCopied(const EntryStore& to, const Entry& e, uint64_t position, uint64_t in_to) {
    Result<Entry> there = to.Get(e.key);
    const std::string prefix = "the destination holds " + std::to_string(in_to) +
                               " entries but is not an earlier copy of this source: ";
    if (!there.ok()) {
        if (there.status().code() != StatusCode::kNotFound) return there.status();
        return Status::FailedPrecondition(prefix + "entry " + std::to_string(position) +
                                          " of the source (" + e.key.ToPath() +
                                          ") is not in it; copy into an empty store");
    }
    if (there->document != e.document) {
        return Status::FailedPrecondition(prefix + "it holds other bytes for " + e.key.ToPath());
    }
    return Status::Ok();
}

}  // namespace

Result<CopyReport> CopyEntries(const EntryStore& from, EntryStore& to,
                               const CopyProgress& progress) {
    MKT_ASSIGN_OR_RETURN(const StoreStats source, from.Stats());
    MKT_ASSIGN_OR_RETURN(const StoreStats destination, to.Stats());
    CopyReport report;
    int64_t cursor = 0;
    for (;;) {
        MKT_ASSIGN_OR_RETURN(std::vector<Entry> batch, from.ChangesSince(cursor, kBatch));
        for (Entry& e : batch) {
            cursor = e.seq;
            const uint64_t done = report.copied + report.already_there;
            if (done < destination.entries) {
                MKT_RETURN_IF_ERROR(CheckCopied(to, e, done + 1, destination.entries));
                ++report.already_there;
                continue;
            }
            const std::string key = e.key.ToPath();
            e.seq = 0;  // the destination gives its own, in the same order
            Result<PutOutcome> put = to.Put(e);
            if (!put.ok()) return put.status().WithPrefix("copying " + key + ": ");
            ++(*put == PutOutcome::kInserted ? report.copied : report.already_there);
        }
        if (progress) progress(report.copied + report.already_there, source.entries);
        if (batch.size() < kBatch) break;
    }
    if (report.already_there < destination.entries) {
        return Status::FailedPrecondition(
            "the destination holds " + std::to_string(destination.entries) +
            " entries, more than the source's " + std::to_string(report.already_there) +
            ": it is not an earlier copy of this source; copy into an empty store");
    }
    report.source_last_seq = cursor;
    return report;
}

}  // namespace mkt
