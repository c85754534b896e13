#include "registry/registry.hpp"

#include <algorithm>

namespace mkt {

Registry::Registry(RegistryOptions options, const DocumentParser& parser, const RdfChecker& rdf,
                   const SignatureVerifier& verifier, EntryStore& store, const Clock& clock)
    : options_(options),
      parser_(parser),
      rdf_(rdf),
      verifier_(verifier),
      store_(store),
      clock_(clock) {}

Result<SubmitResult> Registry::Submit(std::string_view document, SubmitOrigin origin) {
    Result<SubmitResult> result = SubmitUncounted(document, origin);
    SubmitCounts& counts = submit_counts_[static_cast<size_t>(origin)];
    if (!result.ok()) {
        counts.refused.Count(result.status().code());
    } else if (result->held) {
        counts.held.fetch_add(1, std::memory_order_relaxed);
    } else {
        (result->created ? counts.created : counts.unchanged)
            .fetch_add(1, std::memory_order_relaxed);
    }
    return result;
}

Result<SubmitResult> Registry::SubmitUncounted(std::string_view document, SubmitOrigin origin) {
    if (options_.read_only) {
        return Status::PermissionDenied("read-only repository: this Marketplace is a replica");
    }
    MKT_ASSIGN_OR_RETURN(auto parsed, parser_.Parse(document));
    MKT_RETURN_IF_ERROR(rdf_.Check(parsed->UnsignedXml()));
    const Timestamp now = clock_.Now();
    MKT_ASSIGN_OR_RETURN(SignerInfo signer, verifier_.Verify(*parsed, now));

    const EntryMetadata& md = parsed->metadata();
    EntryKey key{md.identifier, md.endorsement.email, md.endorsement.created};
    if (origin == SubmitOrigin::kDirectUpload) {
        if (Status window = CheckTimeWindow(key); !window.ok()) {
            // Outside the window, an identical re-upload or an older entry still
            // gets its own answer (the rules' order: not older, then the window).
            MKT_ASSIGN_OR_RETURN(std::optional<Entry> same, FindSameOrNewer(key, document));
            if (same) return SubmitResult{std::move(*same), false};
            return window;
        }
    }
    if (origin == SubmitOrigin::kDirectUpload && hold_ != nullptr) {
        // A held upload is answered before the store sees it, so its refusals
        // (same key with other bytes, older than latest) are checked here, with
        // the words the store's refusals get; an identical re-upload of a stored
        // entry is answered as always.
        MKT_ASSIGN_OR_RETURN(std::optional<Entry> same, FindSameOrNewer(key, document));
        if (same) return SubmitResult{std::move(*same), false};
        Entry entry{std::move(key), md, std::move(signer), std::string(document), 0, now};
        MKT_ASSIGN_OR_RETURN(std::optional<HeldUpload> held, hold_->MaybeHold(entry));
        if (held) return SubmitResult{std::move(entry), false, std::move(held)};
        return Commit(entry);
    }
    // The store checks "same key" and "not older" atomically with the insert,
    // so concurrent uploads (and replicas sharing a database) stay correct.
    Entry entry{std::move(key), md, std::move(signer), std::string(document), 0, now};
    return Commit(entry);
}

Result<SubmitResult> Registry::Commit(Entry& entry) {
    MKT_ASSIGN_OR_RETURN(PutOutcome outcome, Store(entry));
    if (outcome == PutOutcome::kUnchanged) {
        MKT_ASSIGN_OR_RETURN(Entry stored, store_.Get(entry.key));
        return SubmitResult{std::move(stored), false};
    }
    return SubmitResult{std::move(entry), true};
}

Result<PutOutcome> Registry::Store(Entry& entry) {
    Result<PutOutcome> outcome = store_.Put(entry);
    if (outcome.ok()) return outcome;
    const Status& s = outcome.status();
    if (s.code() == StatusCode::kFailedPrecondition) {
        // Say which entry is newer, as the pre-check does.
        if (auto detailed = FindSameOrNewer(entry.key, entry.document); !detailed.ok()) {
            return detailed.status();
        }
    }
    return s;
}

Result<std::optional<Entry>> Registry::FindSameOrNewer(const EntryKey& key,
                                                       std::string_view bytes) const {
    MKT_ASSIGN_OR_RETURN(std::optional<Timestamp> latest,
                         store_.LatestCreated(key.identifier, key.email));
    if (!latest) return std::optional<Entry>();
    if (key.created < *latest) {
        return Status::FailedPrecondition(
            "older than latest entry: this endorser's latest entry for " + key.identifier +
            " was created " + latest->ToString() + ", this one " + key.created.ToString());
    }
    if (key.created > *latest) return std::optional<Entry>();
    MKT_ASSIGN_OR_RETURN(Entry stored, store_.Get(key));
    if (stored.document != bytes) {
        return EntryConflictError(key);
    }
    return std::optional<Entry>(std::move(stored));
}

Status Registry::CheckTimeWindow(const EntryKey& key) const {
    const Timestamp now = clock_.Now();
    if (key.created > now + options_.max_future_seconds) {
        return Status::InvalidArgument(
            "endorsement created " + key.created.ToString() + " is in the future (server time " +
            now.ToString() + ", allowed skew " + std::to_string(options_.max_future_seconds) +
            " s); check the signer's clock");
    }
    if (key.created < now - options_.max_age_seconds) {
        return Status::InvalidArgument(
            "endorsement created " + key.created.ToString() + " is too old (server time " +
            now.ToString() + ", uploads must be signed within " +
            std::to_string(options_.max_age_seconds) + " s); sign the document again");
    }
    return Status::Ok();
}

Result<Entry> Registry::Get(const EntryKey& key) const { return store_.Get(key); }

Result<std::shared_ptr<const Entry>> Registry::GetShared(const EntryKey& key) const {
    return store_.GetShared(key);
}

Result<EntryPage> Registry::Search(EntryQuery query) const {
    query.now = clock_.Now();
    query.limit = std::clamp<size_t>(query.limit, 1, options_.max_page_size);
    return store_.List(query);
}

Result<Entry> Registry::FindByTag(const std::string& email, const std::string& tag) const {
    EntryQuery query;
    query.email = email;
    query.tag = tag;
    query.latest_only = true;
    query.statuses = StatusSet{true, true, false};
    query.sort = SortField::kCreated;
    query.descending = true;
    query.limit = 1;
    MKT_ASSIGN_OR_RETURN(EntryPage page, Search(std::move(query)));
    if (page.entries.empty()) {
        return Status::NotFound("no entry of " + email + " is tagged '" + tag + "'");
    }
    return std::move(page.entries.front());
}

Result<std::vector<EndorserSummary>> Registry::Endorsers() const { return store_.Endorsers(); }

Result<std::vector<std::string>> Registry::Tags(const std::string& email) const {
    return store_.Tags(email);
}

Result<std::vector<Entry>> Registry::ChangesSince(int64_t after_seq, size_t limit) const {
    return store_.ChangesSince(after_seq, std::clamp<size_t>(limit, 1, options_.max_page_size));
}

Result<StoreStats> Registry::Stats() const { return store_.Stats(); }

}  // namespace mkt
