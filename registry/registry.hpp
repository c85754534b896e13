// Registry: the domain service, the only orchestrator of the write path.
//
// Submit runs the upload rules in this order, each rejection naming its reason:
//   parse (safe XML, limits) -> constraints -> RDF well-formedness -> signature
//   and trust -> not older than this endorser's latest entry for the image
//   (same key + same bytes = idempotent re-upload) -> endorsement `created`
//   inside the window around the clock (direct uploads only) -> the upload hold
//   (direct uploads only, when one is set: e-mail confirmation may keep the
//   entry pending instead, email_confirmation.hpp) -> store.
// Nothing is written unless every check passed. Reads go straight to the store.
// The store repeats the "same key" and "not older" checks inside its write
// transaction, so concurrent uploads cannot both win; inside the time window the
// Registry leaves those checks to it alone (one database round trip less).
// It knows nothing of HTTP; front-ends turn its Status into protocol errors.
// Thread-safe: one instance serves every request thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/clock.hpp"
#include "registry/document.hpp"
#include "registry/entry_store.hpp"
#include "registry/registry_options.hpp"
#include "registry/status_counts.hpp"

namespace mkt {

/// Where a document comes from: a direct upload is windowed in time (and may be
/// held for e-mail confirmation); an entry replicated from a federation peer is
/// re-verified but not windowed; a held upload published when its endorser
/// confirmed the address (email_confirmation.hpp) is re-verified, not windowed
/// again (its window was checked when it was uploaded) and never held.
enum class SubmitOrigin { kDirectUpload, kReplication, kConfirmation };

/// A direct upload that passed every check and was held, not stored, until its
/// endorser confirms the e-mail address (email_confirmation.hpp).
struct HeldUpload {
    std::string email;  // where the confirmation message was sent
    Timestamp expires;  // the link (and the held upload) expire then
};

struct SubmitResult {
    Entry entry;          // when held: seq 0, not stored
    bool created = true;  // false: identical re-upload of a stored entry, or held
    std::optional<HeldUpload> held = std::nullopt;
};

/// Decides, after every upload rule passed, whether a direct upload is held
/// instead of stored. The e-mail confirmation (email_confirmation.hpp) is the
/// one implementation; the decision sits in the upload path only, never in the
/// store, so entries that do not arrive as direct uploads are never held.
class UploadHold {
  public:
    virtual ~UploadHold() = default;
    /// nullopt: store `entry` as usual. A HeldUpload: `entry` was kept pending.
    /// Errors are the upload's answer (kUnavailable when the message could not
    /// be sent; nothing is then kept).
    virtual Result<std::optional<HeldUpload>> MaybeHold(const Entry& entry) = 0;
};

class Registry {
  public:
    /// All references must outlive the Registry.
    Registry(RegistryOptions options, const DocumentParser& parser, const RdfChecker& rdf,
             const SignatureVerifier& verifier, EntryStore& store, const Clock& clock);

    /// Errors: those of the pipeline steps (see document.hpp), kInvalidArgument
    /// "older than latest entry (...)" or "endorsement created ... is ... window",
    /// kAlreadyExists for the same key with other bytes, kPermissionDenied when
    /// read-only, store errors.
    Result<SubmitResult> Submit(std::string_view document,
                                SubmitOrigin origin = SubmitOrigin::kDirectUpload);

    /// Direct uploads that pass every rule go through `hold` before they are
    /// stored (null: none, the default). Set once by server/ before serving.
    void SetUploadHold(UploadHold* hold) { hold_ = hold; }

    /// Errors: kNotFound.
    Result<Entry> Get(const EntryKey& key) const;
    /// As Get, without copying an entry the store holds in memory.
    Result<std::shared_ptr<const Entry>> GetShared(const EntryKey& key) const;

    /// Lists with `query.now` set from the clock and the page size clamped to
    /// 1..max_page_size. Errors: kInvalidArgument for a bad cursor.
    Result<EntryPage> Search(EntryQuery query) const;

    /// The newest entry of `email` tagged `tag` (dcterms:alternative), skipping
    /// images whose latest entry by that endorser is deprecated. Errors: kNotFound.
    Result<Entry> FindByTag(const std::string& email, const std::string& tag) const;

    Result<std::vector<EndorserSummary>> Endorsers() const;
    Result<std::vector<std::string>> Tags(const std::string& email) const;
    Result<std::vector<Entry>> ChangesSince(int64_t after_seq, size_t limit) const;
    Result<StoreStats> Stats() const;

    /// Outcomes of Submit since start, per origin (operational figures): a new
    /// entry, an identical re-upload, or a refusal counted under its StatusCode.
    struct SubmitCounts {
        std::atomic<uint64_t> created{0}, unchanged{0}, held{0};
        StatusCounts refused;
    };
    const SubmitCounts& submit_counts(SubmitOrigin origin) const {
        return submit_counts_[static_cast<size_t>(origin)];
    }

    const Clock& clock() const { return clock_; }
    const RegistryOptions& options() const { return options_; }

  private:
    Result<SubmitResult> SubmitUncounted(std::string_view document, SubmitOrigin origin);
    Status CheckTimeWindow(const EntryKey& key) const;
    /// Older-than-latest and same-key checks: the stored entry for an identical
    /// re-upload, nothing for a new entry, an error otherwise.
    Result<std::optional<Entry>> FindSameOrNewer(const EntryKey& key, std::string_view bytes) const;
    /// Store::Put, its refusals worded for the uploader.
    Result<PutOutcome> Store(Entry& entry);
    /// Store, then the stored entry for an identical re-upload.
    Result<SubmitResult> Commit(Entry& entry);

    RegistryOptions options_;
    const DocumentParser& parser_;
    const RdfChecker& rdf_;
    const SignatureVerifier& verifier_;
    EntryStore& store_;
    const Clock& clock_;
    UploadHold* hold_ = nullptr;
    SubmitCounts submit_counts_[3];  // indexed by SubmitOrigin
};

}  // namespace mkt
