// TrustStore: the CAs, CRLs and endorser bindings that strict trust mode checks
// signer certificates against.
//
// CA directory: the OpenSSL/IGTF "hashed" layout, as shipped by the IGTF
// distribution or made by `openssl rehash` (and scripts/make-test-pki):
//   <8 hex>.<n>    PEM certificate(s) of a CA       (<hash>.0, <hash>.1, ...)
//   <8 hex>.r<n>   CRL of a CA, PEM or DER         (<hash>.r0, ...)
//   *.pem          PEM certificate(s) of a CA
//   *.crl          CRL, PEM or DER
// Every other file (IGTF .info, .signing_policy, .namespaces, .crl_url, ...) is
// ignored; duplicates (IGTF's symlinks) are harmless. Every CRL is loaded and
// every certificate of a chain is checked against its CA's CRL, so a CA without
// a CRL makes its certificates fail ("no CRL for CA ...").
//
// Endorser list (optional): binds endorser emails to certificate subjects for
// certificates without an email subjectAltName. UTF-8 text, one binding a line:
//     <email><spaces or tabs><subject DN, Java RFC 2253 form, to the end of line>
// e.g. "bob@example.org CN=Bob Endorser,OU=Endorsers,O=Marketplace Test,C=EU".
// Blank lines and lines starting with '#' (after leading blanks) are ignored;
// the DN is compared by exact string equality (trailing blanks trimmed); an
// email may appear on several lines (several certificates).
//
// Reloading: at most every `reload_check_seconds` (steady clock), one calling
// thread compares the names, sizes and modification times of the directory's
// files and of the endorser list with the loaded ones and reloads on change;
// the others keep using the loaded snapshot. A reload that fails keeps the
// previous snapshot (see last_reload_status()).
//
// Verdict cache: chain verdicts (success or failure) are kept per (certificate
// SHA-256, intermediates' SHA-256s) for `verdict_cache_seconds` of the time
// passed to VerifyChain, never past the chain's earliest notAfter, and are
// dropped on every reload; bulk uploads by one endorser do the chain work once.
//
// Thread-safety: all const methods may be called concurrently; Reload may run
// concurrently with them.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <openssl/types.h>

#include "registry/result.hpp"
#include "registry/timestamp.hpp"

namespace mkt::xmlsec {

struct TrustStoreOptions {
    std::filesystem::path ca_dir;          // required
    std::filesystem::path endorsers_file;  // empty: no endorser list
    int64_t reload_check_seconds = 60;     // 0: check on every VerifyChain
    int64_t verdict_cache_seconds = 60;    // 0: no verdict cache
    size_t verdict_cache_entries = 4096;   // the cache is emptied when it grows past this
};

class TrustStore {
  public:
    /// Loads the directory and the endorser list. Errors (kInvalidArgument, naming
    /// the path): directory missing or unreadable, no CA certificate in it, a
    /// certificate or CRL file that does not parse, an endorser list line that is
    /// not "<email> <DN>" or has an invalid email.
    static Result<std::unique_ptr<TrustStore>> Open(TrustStoreOptions options);
    ~TrustStore();
    TrustStore(const TrustStore&) = delete;
    TrustStore& operator=(const TrustStore&) = delete;

    /// Verifies that `leaf` chains to a CA of the directory through `intermediates`
    /// (untrusted helpers, e.g. KeyInfo's further certificates) at time `now`,
    /// with every certificate inside its validity, none revoked by its CA's CRL,
    /// each CRL current, and the leaf's key usage (when present) allowing
    /// digitalSignature or nonRepudiation. Errors: kPermissionDenied with the
    /// reason, e.g. "certificate CN=x,O=y has expired (notAfter 2021-01-01T00:00:00Z)",
    /// "certificate ... is revoked (CRL of CN=...)", "certificate ... is not issued
    /// by a trusted CA (issuer CN=...)", "no CRL for CA CN=... (needed to check
    /// certificate ...)".
    Status VerifyChain(X509* leaf, const std::vector<X509*>& intermediates, Timestamp now) const;

    /// True when the endorser list binds `email` to `subject` (exact strings).
    bool EndorserListBinds(std::string_view email, std::string_view subject) const;

    /// Reloads now, whatever the modification times say. Errors: as Open; the
    /// previous content stays in use.
    Status Reload();
    /// Compares modification times and reloads on change (ignores the interval).
    Status ReloadIfChanged();
    /// OK, or the error of the last failed automatic reload.
    Status last_reload_status() const;

    struct Stats {
        size_t ca_certificates = 0;
        size_t crls = 0;
        size_t endorser_bindings = 0;
        uint64_t generation = 0;    // +1 per successful load
        uint64_t verdict_hits = 0;  // verdicts answered from the cache
    };
    Stats stats() const;

    struct Snapshot;  // loaded content (defined in the .cpp)

  private:
    struct Verdict {
        Status status;
        Timestamp computed_at;  // the `now` it was computed for
        Timestamp valid_until;  // reusable for now in [computed_at, valid_until]
    };
    explicit TrustStore(TrustStoreOptions options);
    std::shared_ptr<const Snapshot> Current() const;
    void MaybeReload() const;
    Status LoadAndSwap(bool only_if_changed) const;
    Status VerifyUncached(const Snapshot& snap, X509* leaf, const std::vector<X509*>& intermediates,
                          Timestamp now, Timestamp* valid_until) const;

    const TrustStoreOptions options_;
    mutable std::mutex mutex_;  // guards snapshot_, reload_status_, verdicts_
    mutable std::shared_ptr<const Snapshot> snapshot_;
    mutable Status reload_status_;
    mutable std::unordered_map<std::string, Verdict> verdicts_;
    mutable std::mutex reload_mutex_;  // one reload at a time
    mutable std::atomic<int64_t> next_check_{0};
    mutable std::atomic<uint64_t> verdict_hits_{0};
};

}  // namespace mkt::xmlsec
