// ConfirmationStore: durable home of e-mail confirmation state (issue 17 part 3):
// uploads held until their endorser confirms the e-mail address, the hashes of
// the confirmation tokens sent, and the confirmed addresses. It lives in the
// same database as the entries (SQLite file, PostgreSQL schema), so it survives
// restarts and every replica sees the same state; a memory implementation
// serves the unit tests and store.type = memory.
//
// Held uploads are not entries: no EntryStore method ever returns them, so they
// are invisible in every listing, entry GET, SPARQL, CIMI, OCCI, web and feed
// until EmailConfirmation publishes them through Registry::Submit.
//
// Only SHA-256 hashes of tokens are stored (never the token). Thread-safe; the
// SQLite and PostgreSQL implementations are safe across processes too (a token
// is claimed in one IMMEDIATE transaction in SQLite, by one conditional UPDATE
// in PostgreSQL). The typed conformance suite is
// tests/registry/store/confirmation_store_conformance.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "registry/entry.hpp"
#include "registry/result.hpp"
#include "registry/timestamp.hpp"

namespace mkt {

/// An upload held until its endorser's e-mail address is confirmed.
struct PendingUpload {
    int64_t id = 0;        // assigned by AddPending, increasing in upload order
    EntryKey key;          // key.email is the address to confirm
    std::string document;  // the signed bytes, untouched
    Timestamp received;    // when it was uploaded
    Timestamp expires;     // dropped after this
    friend bool operator==(const PendingUpload&, const PendingUpload&) = default;
};

/// What a successful ClaimToken hands over.
struct TokenClaim {
    std::string email;
    std::vector<PendingUpload> pending;  // the address's unexpired uploads, in upload order
};

class ConfirmationStore {
  public:
    virtual ~ConfirmationStore() = default;

    /// Whether `email` has been confirmed (CompleteConfirmation).
    virtual Result<bool> IsConfirmed(const std::string& email) const = 0;

    /// Stores `upload` (its id is assigned and returned) and the token hash sent
    /// for it, valid until upload.expires, in one transaction.
    virtual Result<int64_t> AddPending(const PendingUpload& upload,
                                       const std::string& token_hash) = 0;

    /// Removes a held upload and its token (the message could not be sent).
    virtual Status RemovePending(int64_t id, const std::string& token_hash) = 0;

    /// Atomically marks the token used at `now` and returns its address with the
    /// address's held uploads that have not expired at `now`. Errors, nothing
    /// changed: kNotFound for an unknown token ("no such confirmation link"), a
    /// used one ("... already used at <time>") or an expired one ("... expired
    /// at <time>").
    virtual Result<TokenClaim> ClaimToken(const std::string& token_hash, Timestamp now) = 0;

    /// Makes a claimed token usable again (publishing failed for a temporary
    /// reason, so the endorser can follow the link again).
    virtual Status ReleaseToken(const std::string& token_hash) = 0;

    /// Records `email` as confirmed at `now`, removes its held uploads and marks
    /// its other tokens used, in one transaction.
    virtual Status CompleteConfirmation(const std::string& email, Timestamp now) = 0;

    /// Removes held uploads that expired at or before `now`, and tokens whose
    /// expiry is more than 30 days before `now` (until then an expired token
    /// still gets its own answer). Returns the uploads removed.
    virtual Result<size_t> DropExpired(Timestamp now) = 0;

    /// Held uploads of `email` (every address when empty), in upload order,
    /// expired ones included until DropExpired removed them.
    virtual Result<std::vector<PendingUpload>> Pending(const std::string& email) const = 0;

    /// How many uploads are held (every address, expired ones included until
    /// DropExpired removed them).
    virtual Result<size_t> CountPending() const = 0;
};

/// The messages every implementation words alike.
Status UnknownTokenError();
Status UsedTokenError(Timestamp used_at);
Status ExpiredTokenError(Timestamp expired_at);

/// Seconds after its expiry that an expired token is kept for its answer.
inline constexpr int64_t kExpiredTokenRetentionSeconds = 30 * 86400;

}  // namespace mkt
