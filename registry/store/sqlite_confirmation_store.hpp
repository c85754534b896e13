// SqliteConfirmationStore: ConfirmationStore in the tables pending_uploads,
// confirmation_tokens and confirmed_emails of the entry store's SQLite file
// (schema version 3, sqlite_schema.hpp). One connection of its own, serialised
// by a mutex; each operation is one IMMEDIATE transaction, so several processes
// on the same file stay correct (a token is claimed once).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "registry/confirmation_store.hpp"

namespace mkt::store {

namespace sqlite {
class Connection;
}

class SqliteConfirmationStore final : public ConfirmationStore {
  public:
    /// Opens the store file at `path` (created with the schema when missing, as
    /// SqliteEntryStore::Open does; the same errors).
    static Result<std::unique_ptr<SqliteConfirmationStore>> Open(const std::filesystem::path& path,
                                                                 int busy_timeout_ms = 5000);
    ~SqliteConfirmationStore() override;

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
    explicit SqliteConfirmationStore(std::unique_ptr<sqlite::Connection> db);
    mutable std::mutex mutex_;
    std::unique_ptr<sqlite::Connection> db_;
};

}  // namespace mkt::store
