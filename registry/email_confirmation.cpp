#include "registry/email_confirmation.hpp"

namespace mkt {

Status UnknownTokenError() {
    return Status::NotFound(
        "no such confirmation link: the token is unknown (check that the whole link was "
        "copied)");
}

Status UsedTokenError(Timestamp used_at) {
    return Status::NotFound("confirmation link already used at " + used_at.ToString() +
                            ": each link works once, and the address it was sent to has been "
                            "confirmed (its held entries were published then)");
}

Status ExpiredTokenError(Timestamp expired_at) {
    return Status::NotFound("confirmation link expired at " + expired_at.ToString() +
                            ": the pending upload was dropped; upload the document again to "
                            "get a new link");
}

bool LooksLikeToken(std::string_view token) {
    if (token.size() < 16 || token.size() > 128) return false;
    for (char c : token) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

EmailConfirmation::EmailConfirmation(EmailConfirmationOptions options, Registry& registry,
                                     ConfirmationStore& store, ConfirmationMailer& mailer,
                                     ConfirmationTokens& tokens, const Clock& clock)
    : options_(std::move(options)),
      registry_(registry),
      store_(store),
      mailer_(mailer),
      tokens_(tokens),
      clock_(clock) {}

std::string HeldUploadExplanation(const HeldUpload& held) {
    return "confirmation e-mail sent to " + held.email +
           ": this address is not confirmed on this Marketplace yet, so the entry is held "
           "and nobody sees it; open the link in the message before " +
           held.expires.ToString() +
           " to confirm the address and publish the entries held for it (after that, entries "
           "signed for " +
           held.email + " are published at once); unconfirmed, they are dropped then";
}

Result<std::optional<HeldUpload>> EmailConfirmation::MaybeHold(const Entry& entry) {
    const Timestamp now = clock_.Now();
    const std::string& email = entry.key.email;
    MKT_RETURN_IF_ERROR(DropExpired().status());
    MKT_ASSIGN_OR_RETURN(bool confirmed, store_.IsConfirmed(email));
    if (confirmed) return std::optional<HeldUpload>();
    // An address that already has entries (stored before confirmation was
    // switched on, or replicated from a peer that vouched for it) counts as
    // confirmed.
    EntryQuery query;
    query.email = email;
    query.latest_only = false;
    query.statuses = StatusSet::All();
    query.limit = 1;
    MKT_ASSIGN_OR_RETURN(EntryPage page, registry_.Search(query));
    if (page.total > 0) return std::optional<HeldUpload>();

    // The same key held already: other bytes are the conflict a stored entry
    // would be; the same bytes replace the held copy (a new link is sent, the
    // older link still confirms the address).
    MKT_ASSIGN_OR_RETURN(std::vector<PendingUpload> held, store_.Pending(email));
    for (const PendingUpload& p : held) {
        if (p.key != entry.key) continue;
        if (p.document != entry.document) return EntryConflictError(entry.key);
        MKT_RETURN_IF_ERROR(store_.RemovePending(p.id, ""));
    }

    MKT_ASSIGN_OR_RETURN(std::string token, tokens_.NewToken());
    const std::string hash = tokens_.Hash(token);
    PendingUpload pending{0, entry.key, entry.document, now, now + options_.expiry_seconds};
    MKT_ASSIGN_OR_RETURN(int64_t id, store_.AddPending(pending, hash));
    ConfirmationMessage message{email, options_.base_url + "confirm/" + token, pending.expires,
                                entry.key, entry.metadata.deprecated.has_value()};
    if (Status sent = mailer_.Send(message); !sent.ok()) {
        counts_.mail_failures.fetch_add(1, std::memory_order_relaxed);
        Status removed = store_.RemovePending(id, hash);
        std::string text = "the confirmation e-mail to " + email + " could not be sent (" +
                           sent.message() +
                           "); the entry was not kept: upload the document again later";
        if (!removed.ok()) {
            text += " (removing the held copy failed too: " + removed.message() + ")";
        }
        return Status::Unavailable(std::move(text));
    }
    counts_.held.fetch_add(1, std::memory_order_relaxed);
    return std::optional<HeldUpload>(HeldUpload{email, pending.expires});
}

Result<ConfirmOutcome> EmailConfirmation::Confirm(std::string_view token) {
    Result<ConfirmOutcome> outcome = ConfirmUncounted(token);
    if (outcome.ok()) {
        counts_.confirmed.fetch_add(1, std::memory_order_relaxed);
        counts_.published.fetch_add(outcome->published.size(), std::memory_order_relaxed);
    } else if (outcome.status().code() == StatusCode::kNotFound) {
        counts_.refused_links.fetch_add(1, std::memory_order_relaxed);
    }
    return outcome;
}

Result<ConfirmOutcome> EmailConfirmation::ConfirmUncounted(std::string_view token) {
    if (!LooksLikeToken(token)) return UnknownTokenError();
    const Timestamp now = clock_.Now();
    const std::string hash = tokens_.Hash(token);
    MKT_ASSIGN_OR_RETURN(TokenClaim claim, store_.ClaimToken(hash, now));
    ConfirmOutcome outcome;
    outcome.email = claim.email;
    for (const PendingUpload& p : claim.pending) {
        Result<SubmitResult> r = registry_.Submit(p.document, SubmitOrigin::kConfirmation);
        if (r.ok()) {
            if (r->created) {
                outcome.published.push_back(std::move(r->entry));
            } else {
                outcome.already_stored.push_back(p.key);
            }
            continue;
        }
        const StatusCode code = r.status().code();
        if (code == StatusCode::kUnavailable || code == StatusCode::kInternal ||
            code == StatusCode::kDeadlineExceeded) {
            // What was published stays; the link works again for the rest.
            (void)store_.ReleaseToken(hash);
            return Status::Unavailable("publishing the held entries of " + claim.email +
                                       " failed: " + r.status().message() +
                                       "; follow the link again later");
        }
        outcome.refused.emplace_back(p.key, r.status());
    }
    if (Status done = store_.CompleteConfirmation(claim.email, now); !done.ok()) {
        (void)store_.ReleaseToken(hash);
        return done;
    }
    return outcome;
}

Result<size_t> EmailConfirmation::DropExpired() {
    MKT_ASSIGN_OR_RETURN(size_t dropped, store_.DropExpired(clock_.Now()));
    counts_.dropped.fetch_add(dropped, std::memory_order_relaxed);
    return dropped;
}

Result<size_t> EmailConfirmation::PendingCount() const { return store_.CountPending(); }

}  // namespace mkt
