// EmailConfirmation: holds the first uploads of an endorser e-mail address that
// is not confirmed yet, and publishes them when the endorser follows the link
// sent to that address (issue 17 part 3; StratusLab reference section 5.3).
//
//   upload (Registry::Submit, direct upload, every rule passed)
//     -> MaybeHold: address confirmed, or already has entries in the store?
//          yes: stored as usual (201)
//          no:  kept pending (ConfirmationStore), a single-use link
//               <base_url>confirm/<token> sent to the address (ConfirmationMailer),
//               answered 202; a message that cannot be sent keeps nothing and
//               the upload fails with kUnavailable naming the SMTP problem
//   link followed -> Confirm(token): the token is claimed (atomically: one
//          follower wins across replicas), every pending upload of the address
//          goes through Registry::Submit (SubmitOrigin::kConfirmation) in upload
//          order, so they get seqs in that order and are then visible everywhere;
//          the address is recorded as confirmed and its other links are used up.
//          A temporary failure while publishing releases the claim (the link
//          works again; what was published stays, a retry sees it unchanged).
//
// Expiry: pending uploads and their links expire expiry_seconds after the upload.
// Expired pending uploads are dropped by DropExpired, which the server calls
// every minute and MaybeHold calls at each upload (they are invisible and
// unpublishable from their expiry on anyway).
//
// Tokens: 32 bytes from a CSPRNG (ConfirmationTokens), base64url without
// padding (43 characters); the store keeps only their SHA-256 hash.
// Thread-safe. Knows nothing of HTTP or SMTP.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "registry/clock.hpp"
#include "registry/confirmation_store.hpp"
#include "registry/registry.hpp"

namespace mkt {

/// What the endorser is told (client/smtp_mailer.hpp writes the e-mail).
struct ConfirmationMessage {
    std::string to;    // the endorser e-mail address
    std::string link;  // <base_url>confirm/<token>
    Timestamp expires;
    EntryKey key;              // the upload that caused the message
    bool deprecation = false;  // the upload deprecates the image
};

class ConfirmationMailer {
  public:
    virtual ~ConfirmationMailer() = default;
    /// Errors: kUnavailable naming the mail server's problem.
    virtual Status Send(const ConfirmationMessage& message) = 0;
};

/// Token source: random tokens and their hash (registry/xmlsec/random_tokens.hpp
/// is the OpenSSL one).
class ConfirmationTokens {
  public:
    virtual ~ConfirmationTokens() = default;
    /// A fresh url-safe token of at least 128 random bits. Errors: kInternal.
    virtual Result<std::string> NewToken() = 0;
    /// The hex SHA-256 of `token`, the only form that is stored.
    virtual std::string Hash(std::string_view token) const = 0;
};

struct EmailConfirmationOptions {
    int64_t expiry_seconds = 72 * 3600;
    /// Absolute URL ending in '/', before "confirm/<token>".
    std::string base_url = "http://localhost:8080/";
};

/// The result of following a link.
struct ConfirmOutcome {
    std::string email;
    std::vector<Entry> published;  // stored now, in upload (and seq) order
    /// Held uploads that were stored already (an identical upload came in by
    /// another way, e.g. replication, or an earlier attempt of this link).
    std::vector<EntryKey> already_stored;
    /// Pending uploads a rule refused at publication (e.g. an entry of the
    /// same image replicated meanwhile is newer), with the reason.
    std::vector<std::pair<EntryKey, Status>> refused;
};

/// What the uploader is told when an upload is held (the 202 of the native API
/// and the web upload page say the same).
std::string HeldUploadExplanation(const HeldUpload& held);

/// Operational figures since start (exported on /metrics).
struct ConfirmationCounts {
    std::atomic<uint64_t> held{0};           // uploads kept pending
    std::atomic<uint64_t> mail_failures{0};  // messages that could not be sent
    std::atomic<uint64_t> confirmed{0};      // links followed successfully
    std::atomic<uint64_t> refused_links{0};  // malformed, unknown, used or expired links
    std::atomic<uint64_t> published{0};      // held uploads stored on confirmation
    std::atomic<uint64_t> dropped{0};        // held uploads dropped on expiry
};

class EmailConfirmation final : public UploadHold {
  public:
    /// All references must outlive this object. Call registry.SetUploadHold(this)
    /// to take effect.
    EmailConfirmation(EmailConfirmationOptions options, Registry& registry,
                      ConfirmationStore& store, ConfirmationMailer& mailer,
                      ConfirmationTokens& tokens, const Clock& clock);

    Result<std::optional<HeldUpload>> MaybeHold(const Entry& entry) override;

    /// Errors: kNotFound for a malformed, unknown, used or expired token (the
    /// message says which; nothing changes); store errors; kUnavailable when
    /// publishing failed for a temporary reason (the link stays usable).
    Result<ConfirmOutcome> Confirm(std::string_view token);

    /// Drops the held uploads that expired (the server calls it periodically;
    /// each upload that may be held calls it too). Returns how many were dropped.
    Result<size_t> DropExpired();

    /// Uploads held now (every address), for /metrics.
    Result<size_t> PendingCount() const;

    const EmailConfirmationOptions& options() const { return options_; }
    const ConfirmationCounts& counts() const { return counts_; }

  private:
    Result<ConfirmOutcome> ConfirmUncounted(std::string_view token);

    EmailConfirmationOptions options_;
    Registry& registry_;
    ConfirmationStore& store_;
    ConfirmationMailer& mailer_;
    ConfirmationTokens& tokens_;
    const Clock& clock_;
    ConfirmationCounts counts_;
};

/// True for a string of the token alphabet (A-Z a-z 0-9 - _) and length 16..128.
bool LooksLikeToken(std::string_view token);

}  // namespace mkt
