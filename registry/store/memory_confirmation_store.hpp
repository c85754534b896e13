// MemoryConfirmationStore: ConfirmationStore in process memory (unit tests,
// store.type = memory). Nothing survives the process.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "registry/confirmation_store.hpp"

namespace mkt::store {

class MemoryConfirmationStore final : public ConfirmationStore {
  public:
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
    struct Token {
        std::string email;
        Timestamp expires;
        std::optional<Timestamp> used_at;
    };
    mutable std::mutex mutex_;
    int64_t next_id_ = 1;
    std::map<int64_t, PendingUpload> pending_;  // by id: upload order
    std::map<std::string, Token> tokens_;       // by hash
    std::set<std::string> confirmed_;
};

}  // namespace mkt::store
