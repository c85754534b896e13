#include "registry/store/memory_confirmation_store.hpp"

namespace mkt::store {

Result<bool> MemoryConfirmationStore::IsConfirmed(const std::string& email) const {
    std::lock_guard lock(mutex_);
    return confirmed_.contains(email);
}

Result<int64_t> MemoryConfirmationStore::AddPending(const PendingUpload& upload,
                                                    const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    if (tokens_.contains(token_hash)) return Status::Internal("confirmation token hash collision");
    PendingUpload stored = upload;
    stored.id = next_id_++;
    pending_[stored.id] = stored;
    tokens_[token_hash] = Token{upload.key.email, upload.expires, std::nullopt};
    return stored.id;
}

Status MemoryConfirmationStore::RemovePending(int64_t id, const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    pending_.erase(id);
    tokens_.erase(token_hash);
    return Status::Ok();
}

Result<TokenClaim> MemoryConfirmationStore::ClaimToken(const std::string& token_hash,
                                                       Timestamp now) {
    std::lock_guard lock(mutex_);
    auto it = tokens_.find(token_hash);
    if (it == tokens_.end()) return UnknownTokenError();
    Token& t = it->second;
    if (t.used_at) return UsedTokenError(*t.used_at);
    if (t.expires <= now) return ExpiredTokenError(t.expires);
    t.used_at = now;
    TokenClaim claim{t.email, {}};
    for (const auto& [id, p] : pending_) {
        if (p.key.email == t.email && p.expires > now) claim.pending.push_back(p);
    }
    return claim;
}

Status MemoryConfirmationStore::ReleaseToken(const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    if (auto it = tokens_.find(token_hash); it != tokens_.end()) it->second.used_at.reset();
    return Status::Ok();
}

Status MemoryConfirmationStore::CompleteConfirmation(const std::string& email, Timestamp now) {
    std::lock_guard lock(mutex_);
    confirmed_.insert(email);
    std::erase_if(pending_, [&](const auto& item) { return item.second.key.email == email; });
    for (auto& [hash, t] : tokens_) {
        if (t.email == email && !t.used_at) t.used_at = now;
    }
    return Status::Ok();
}

Result<size_t> MemoryConfirmationStore::DropExpired(Timestamp now) {
    std::lock_guard lock(mutex_);
    const size_t dropped =
        std::erase_if(pending_, [&](const auto& item) { return item.second.expires <= now; });
    std::erase_if(tokens_, [&](const auto& item) {
        return item.second.expires + kExpiredTokenRetentionSeconds < now;
    });
    return dropped;
}

Result<std::vector<PendingUpload>> MemoryConfirmationStore::Pending(
    const std::string& email) const {
    std::lock_guard lock(mutex_);
    std::vector<PendingUpload> out;
    for (const auto& [id, p] : pending_) {
        if (email.empty() || p.key.email == email) out.push_back(p);
    }
    return out;
}

Result<size_t> MemoryConfirmationStore::CountPending() const {
    std::lock_guard lock(mutex_);
    return pending_.size();
}

}  // namespace mkt::store
