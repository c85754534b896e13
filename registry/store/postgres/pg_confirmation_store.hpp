// PostgresConfirmationStore: ConfirmationStore in the tables pending_uploads,
// confirmation_tokens and confirmed_emails of the entry store's PostgreSQL
// schema (schema version 2, pg_schema.hpp), so every replica sharing the
// database sees the same held uploads and links. One connection of its own,
// serialised by a mutex and opened again when it was lost. A token is claimed by
// one conditional UPDATE, so of two replicas following the same link at once one
// wins and the other is told the link was used.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "registry/confirmation_store.hpp"

namespace mkt::store {

namespace pg {
class Connection;
}

class PostgresConfirmationStore final : public ConfirmationStore {
  public:
    /// Connects with `conninfo` and creates or migrates the schema as
    /// PostgresEntryStore::Open does (the same errors).
    static Result<std::unique_ptr<PostgresConfirmationStore>> Open(std::string conninfo,
                                                                   int connect_timeout_seconds = 5);
    ~PostgresConfirmationStore() override;

    Result<bool> IsConfirmed(const std::string& email) const override;
    Result<int64_t> AddPending(const PendingUpload& upload, const std::string& token_hash) override;
    Status RemovePending(int64_t id, const std::string& token_hash) override;
    Result<TokenClaim> ClaimToken(const std::string& token_hash, Timestamp now) override;
    Status ReleaseToken(const std::string& token_hash) override;
    Status CompleteConfirmation(const std::string& email, Timestamp now) override;
    Result<size_t> DropExpired(Timestamp now) override;
    Result<std::vector<PendingUpload>> Pending(const std::string& email) const override;
    Result<size_t> CountPending() const override;

  private:
    PostgresConfirmationStore(std::string conninfo, int connect_timeout_seconds,
                              std::unique_ptr<pg::Connection> db);
    /// The connection, opened again when the last one broke. Caller holds mutex_.
    Result<pg::Connection*> Db() const;
    /// Runs `sql` statements in one transaction (BEGIN ... COMMIT, ROLLBACK on error).
    Status InTransaction(pg::Connection& db, const std::function<Status()>& body) const;

    std::string conninfo_;
    int connect_timeout_seconds_;
    mutable std::mutex mutex_;
    mutable std::unique_ptr<pg::Connection> db_;
};

}  // namespace mkt::store
