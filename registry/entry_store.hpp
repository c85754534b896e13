// EntryStore: durable home of entries (the signed bytes plus indexed fields).
//
// Semantics every implementation must share (tests/registry/store/ holds the typed
// conformance suite that checks them against memory, SQLite and later PostgreSQL):
//  * Entries are never updated or deleted. Put either inserts a new entry or
//    recognises an identical re-upload.
//  * Each inserted entry gets the next value of one strictly increasing change
//    sequence (`Entry::seq`), so ChangesSince() is an ordered feed.
//  * For each (identifier, email) the entry with the greatest `created` is the
//    "latest"; default listings show latest entries only.
//  * All methods are thread-safe. Put is durable when it returns OK.
// No method exposes a database type; SQL stays portable (SQLite and PostgreSQL).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "registry/entry.hpp"
#include "registry/result.hpp"

namespace mkt {

/// Which listing statuses to include (see Entry::StatusAt).
struct StatusSet {
    bool valid = true, expired = false, deprecated = false;
    static StatusSet All() { return {true, true, true}; }
    static StatusSet Only(EntryStatus s) {
        return {s == EntryStatus::kValid, s == EntryStatus::kExpired,
                s == EntryStatus::kDeprecated};
    }
    bool Contains(EntryStatus s) const {
        return s == EntryStatus::kValid ? valid : s == EntryStatus::kExpired ? expired : deprecated;
    }
    friend bool operator==(const StatusSet&, const StatusSet&) = default;
};

enum class SortField {
    kCreated,
    kIdentifier,
    kEmail,
    kOs,
    kOsVersion,
    kOsArch,
    kTitle,
    kValid,
    kSeq
};

/// A listing request. All filters combine with AND. Text comparisons of `os`,
/// `os_version`, `os_arch` are exact but case-insensitive (ASCII); `identifier`,
/// `email` and `tag` are exact.
struct EntryQuery {
    std::optional<std::string> identifier;
    std::optional<std::string> email;
    std::optional<Timestamp> created;        // exact endorsement time
    std::optional<Timestamp> created_after;  // strictly after (endorser history ranges)
    /// Only the latest entry of each (identifier, email). Stores ignore it when
    /// `created` is set (an exact date reaches history, as in StratusLab).
    bool latest_only = true;
    /// One entry per image: only the entry with the greatest (created, seq) among
    /// the latest entries of all endorsers of its identifier, chosen before any
    /// other filter applies (the other filters then apply to that entry), so
    /// `total` counts images. Implies latest_only; ignored when `created` is set.
    /// Used by the CIMI front-end (one MachineImage per identifier).
    bool newest_per_identifier = false;
    StatusSet statuses;  // default: valid only
    Timestamp now;       // reference time for valid/expired
    std::optional<std::string> os, os_version, os_arch;
    std::optional<std::string> endorser;  // case-insensitive substring of email or subject
    std::optional<std::string> tag;       // exact dcterms:alternative
    /// Free text: every whitespace-separated term must occur, case-insensitively,
    /// in at least one of identifier, title, description, os, os_version, os_arch,
    /// email, tag, kind or one location.
    std::optional<std::string> text;

    SortField sort = SortField::kCreated;
    bool descending = true;             // ties are broken by seq in the same direction
    size_t limit = 100;                 // 1..1000 (the Registry clamps)
    size_t offset = 0;                  // ignored when cursor is set
    std::optional<std::string> cursor;  // opaque, from EntryPage::next_cursor of the same query
};

struct EntryPage {
    std::vector<Entry> entries;
    uint64_t total = 0;                      // matches ignoring limit/offset/cursor
    std::optional<std::string> next_cursor;  // set when more entries follow
};

struct EndorserSummary {
    std::string email;
    std::string subject;  // of the endorser's most recent entry
    std::string issuer;
    uint64_t entries = 0;  // all entries, history included
    Timestamp latest_created;
    friend bool operator==(const EndorserSummary&, const EndorserSummary&) = default;
};

struct StoreStats {
    uint64_t entries = 0;
    int64_t last_seq = 0;
};

enum class PutOutcome { kInserted, kUnchanged };

/// The two refusals of EntryStore::Put, worded once for every store.
/// kAlreadyExists: "entry <path> already exists with different content; ...".
Status EntryConflictError(const EntryKey& key);
/// kFailedPrecondition: "older than latest entry (<latest_created>)"; Registry
/// recognises it by its code and words the detailed message.
Status OlderThanLatestError(std::string_view latest_created);

class EntryStore {
  public:
    virtual ~EntryStore() = default;

    /// Atomically: if an entry with the same key exists, kUnchanged when its
    /// document bytes are equal, else EntryConflictError(key); if (identifier,
    /// email) has an entry with a greater `created`, OlderThanLatestError(that
    /// created); otherwise assigns the next seq (written to entry.seq), inserts
    /// durably and returns kInserted. Other errors: kUnavailable, kInternal.
    virtual Result<PutOutcome> Put(Entry& entry) = 0;

    /// Errors: kNotFound "metadata entry not found: <path>".
    virtual Result<Entry> Get(const EntryKey& key) const = 0;

    /// As Get, but may share an entry the store already holds in memory instead
    /// of copying it (the entry cache does); entries are immutable, so sharing is
    /// safe. The default wraps Get.
    virtual Result<std::shared_ptr<const Entry>> GetShared(const EntryKey& key) const {
        MKT_ASSIGN_OR_RETURN(Entry entry, Get(key));
        return std::make_shared<const Entry>(std::move(entry));
    }

    /// Greatest endorsement `created` stored for (identifier, email), if any.
    virtual Result<std::optional<Timestamp>> LatestCreated(const std::string& identifier,
                                                           const std::string& email) const = 0;

    /// Errors: kInvalidArgument for a cursor that does not belong to this query.
    virtual Result<EntryPage> List(const EntryQuery& query) const = 0;

    /// Every endorser that has at least one entry, ordered by email.
    virtual Result<std::vector<EndorserSummary>> Endorsers() const = 0;

    /// Distinct non-empty tags (dcterms:alternative) used by `email`, sorted.
    virtual Result<std::vector<std::string>> Tags(const std::string& email) const = 0;

    /// Entries with seq > after_seq in seq order, at most `limit`.
    virtual Result<std::vector<Entry>> ChangesSince(int64_t after_seq, size_t limit) const = 0;

    virtual Result<StoreStats> Stats() const = 0;
};

}  // namespace mkt
