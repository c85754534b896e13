// CopyEntries: moves a site from one store to another (SQLite to PostgreSQL,
// `marketplace-server --copy-store`), every entry in seq order, byte for byte.
//
// Resumable: `to` must be empty or hold a prefix of `from`'s feed (what an
// interrupted copy leaves: entries are Put one at a time, in seq order). The
// prefix is checked entry by entry (same key, same bytes) and the copy goes on
// after it; anything else in `to` stops the copy before it writes. The rules of
// the store (one latest per endorser and image, not older than the latest) hold
// in `to` as they held in `from`, so every Put is accepted; one that is not
// stops the copy with the reason and the key.
#pragma once

#include <cstdint>
#include <functional>

#include "registry/entry_store.hpp"

namespace mkt {

struct CopyReport {
    uint64_t copied = 0;          // entries Put into `to` by this run
    uint64_t already_there = 0;   // the prefix found in `to` (an earlier, interrupted run)
    int64_t source_last_seq = 0;  // `from`'s last seq when the copy ended
};

/// Called after each batch with the entries done so far (copied + already there).
using CopyProgress = std::function<void(uint64_t done, uint64_t total)>;

/// Errors: `from`'s and `to`'s own; kFailedPrecondition when `to` holds entries
/// that are not a prefix of `from`'s feed (names the first that differs); a
/// refused Put as the store gave it, prefixed with the entry's key.
Result<CopyReport> CopyEntries(const EntryStore& from, EntryStore& to,
                               const CopyProgress& progress = {});

}  // namespace mkt
