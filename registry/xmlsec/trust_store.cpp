#include "registry/xmlsec/trust_store.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <system_error>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "registry/text.hpp"
#include "registry/xmlsec/dn.hpp"
#include "registry/xmlsec/x509_internal.hpp"

namespace mkt::xmlsec {

struct X509StoreFree {
    void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};

struct TrustStore::Snapshot {
    std::unique_ptr<X509_STORE, X509StoreFree> store;
    std::unordered_map<std::string, std::vector<std::string>> endorsers;  // email -> DNs
    std::string fingerprint;  // names, sizes and mtimes of the inputs
    size_t ca_certificates = 0;
    size_t crls = 0;
    size_t endorser_bindings = 0;
    uint64_t generation = 0;
};

namespace {

namespace fs = std::filesystem;
using internal::BioPtr;
using internal::X509CrlPtr;
using internal::X509Ptr;

struct StoreCtxFree {
    void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};
struct X509StackFree {
    void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};

int64_t SteadySeconds() {
    using namespace std::chrono;
    return duration_cast<seconds>(steady_clock::now().time_since_epoch()).count();
}

bool IsHex8(std::string_view s) {
    return s.size() == 8 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
           });
}
bool AllDigits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

enum class FileKind { kCertificates, kCrl, kOther };

FileKind KindOfFile(const std::string& name) {
    const size_t dot = name.find('.');
    if (dot != std::string::npos && IsHex8(std::string_view(name).substr(0, dot))) {
        const std::string_view ext = std::string_view(name).substr(dot + 1);
        if (AllDigits(ext)) return FileKind::kCertificates;
        if (ext.size() > 1 && ext[0] == 'r' && AllDigits(ext.substr(1))) return FileKind::kCrl;
    }
    const std::string ext = fs::path(name).extension().string();
    if (ext == ".pem") return FileKind::kCertificates;
    if (ext == ".crl") return FileKind::kCrl;
    return FileKind::kOther;
}

std::string Subject(const X509* cert) { return JavaRfc2253(X509_get_subject_name(cert)); }
std::string Issuer(const X509* cert) { return JavaRfc2253(X509_get_issuer_name(cert)); }

std::string TimeText(const ASN1_TIME* t) {
    const auto ts = internal::ToTimestamp(t);
    return ts ? ts->ToString() : "unknown";
}

// Sorted "name size mtime" lines of the directory plus the endorser list.
Result<std::string> Fingerprint(const TrustStoreOptions& options) {
    std::error_code ec;
    std::vector<std::string> lines;
    fs::directory_iterator it(options.ca_dir, ec);
    if (ec) {
        return Status::InvalidArgument("trust store: cannot read CA directory " +
                                       options.ca_dir.string() + ": " + ec.message());
    }
    for (const auto& entry : it) {
        const std::string name = entry.path().filename().string();
        if (KindOfFile(name) == FileKind::kOther) continue;
        std::error_code e1, e2;
        const auto size = fs::file_size(entry.path(), e1);  // follows symlinks
        const auto mtime = fs::last_write_time(entry.path(), e2);
        lines.push_back(name + ' ' + std::to_string(e1 ? 0 : size) + ' ' +
                        std::to_string(e2 ? 0 : mtime.time_since_epoch().count()));
    }
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& l : lines) out += l + '\n';
    if (!options.endorsers_file.empty()) {
        std::error_code e1, e2;
        const auto size = fs::file_size(options.endorsers_file, e1);
        const auto mtime = fs::last_write_time(options.endorsers_file, e2);
        out += "endorsers " + std::to_string(e1 ? 0 : size) + ' ' +
               std::to_string(e2 ? 0 : mtime.time_since_epoch().count()) + '\n';
    }
    return out;
}

Status AddCertificates(X509_STORE* store, const fs::path& path, size_t& count) {
    BioPtr bio(BIO_new_file(path.c_str(), "r"));
    if (!bio) {
        ERR_clear_error();
        return Status::InvalidArgument("trust store: cannot read " + path.string());
    }
    size_t here = 0;
    while (X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
        X509_STORE_add_cert(store, cert.get());  // duplicates are fine
        ++here;
    }
    ERR_clear_error();  // the read loop ends with "no start line"
    if (here == 0) {
        return Status::InvalidArgument("trust store: " + path.string() +
                                       " holds no PEM certificate");
    }
    count += here;
    return Status::Ok();
}

Status AddCrl(X509_STORE* store, const fs::path& path, size_t& count) {
    BioPtr bio(BIO_new_file(path.c_str(), "r"));
    if (!bio) {
        ERR_clear_error();
        return Status::InvalidArgument("trust store: cannot read " + path.string());
    }
    X509CrlPtr crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
    if (!crl) {
        BIO_reset(bio.get());
        crl.reset(d2i_X509_CRL_bio(bio.get(), nullptr));
    }
    ERR_clear_error();
    if (!crl) {
        return Status::InvalidArgument("trust store: " + path.string() +
                                       " is not a CRL (PEM or DER)");
    }
    X509_STORE_add_crl(store, crl.get());
    ERR_clear_error();
    ++count;
    return Status::Ok();
}

Status LoadEndorsers(const fs::path& path, TrustStore::Snapshot& snap) {
    std::ifstream in(path);
    if (!in) {
        return Status::InvalidArgument("trust store: cannot read endorser list " + path.string());
    }
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        const std::string text(mkt::text::TrimWhitespace(line));
        if (text.empty() || text[0] == '#') continue;
        const size_t blank = text.find_first_of(" \t");
        const std::string where =
            "endorser list " + path.string() + " line " + std::to_string(number);
        if (blank == std::string::npos) {
            return Status::InvalidArgument(where + ": expected '<email> <subject DN>', found '" +
                                           text + "'");
        }
        const std::string email = text.substr(0, blank);
        const std::string dn(mkt::text::TrimWhitespace(std::string_view(text).substr(blank)));
        if (!internal::IsValidEmail(email)) {
            return Status::InvalidArgument(where + ": invalid email address: " + email);
        }
        snap.endorsers[email].push_back(dn);
        ++snap.endorser_bindings;
    }
    return Status::Ok();
}

Result<std::shared_ptr<TrustStore::Snapshot>> LoadSnapshot(const TrustStoreOptions& options,
                                                           std::string fingerprint) {
    auto snap = std::make_shared<TrustStore::Snapshot>();
    snap->fingerprint = std::move(fingerprint);
    snap->store.reset(X509_STORE_new());
    if (!snap->store) return Status::Internal("trust store: cannot allocate an X509_STORE");
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(options.ca_dir, ec)) {
        if (KindOfFile(entry.path().filename().string()) != FileKind::kOther) {
            files.push_back(entry.path());
        }
    }
    if (ec) {
        return Status::InvalidArgument("trust store: cannot read CA directory " +
                                       options.ca_dir.string() + ": " + ec.message());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        if (KindOfFile(file.filename().string()) == FileKind::kCrl) {
            MKT_RETURN_IF_ERROR(AddCrl(snap->store.get(), file, snap->crls));
        } else {
            MKT_RETURN_IF_ERROR(AddCertificates(snap->store.get(), file, snap->ca_certificates));
        }
    }
    if (snap->ca_certificates == 0) {
        return Status::InvalidArgument("trust store: no CA certificate in " +
                                       options.ca_dir.string() +
                                       " (expected <hash>.0 or *.pem files)");
    }
    if (!options.endorsers_file.empty()) {
        MKT_RETURN_IF_ERROR(LoadEndorsers(options.endorsers_file, *snap));
    }
    return snap;
}

// How much a verification error tells the user: the most telling one is
// reported when several apply (OpenSSL checks CRLs before dates, so an
// expired certificate would otherwise read "the CRL ... is not yet valid").
int Priority(int err) {
    switch (err) {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            return 0;
        case X509_V_ERR_CERT_REVOKED:
            return 1;
        case X509_V_ERR_CERT_HAS_EXPIRED:
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return 2;
        case X509_V_ERR_UNABLE_TO_GET_CRL:
        case X509_V_ERR_CRL_HAS_EXPIRED:
        case X509_V_ERR_CRL_NOT_YET_VALID:
            return 4;
        default:
            return 3;
    }
}

// The reason of a verification error, in words a user can act on.
Status Describe(X509_STORE_CTX* ctx, int err, X509* leaf) {
    X509* cert = X509_STORE_CTX_get_current_cert(ctx);
    if (!cert) cert = leaf;
    const std::string who = "certificate " + Subject(cert);
    switch (err) {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return Status::PermissionDenied(who + " has expired (notAfter " +
                                            TimeText(X509_get0_notAfter(cert)) + ")");
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return Status::PermissionDenied(who + " is not yet valid (notBefore " +
                                            TimeText(X509_get0_notBefore(cert)) + ")");
        case X509_V_ERR_CERT_REVOKED:
            return Status::PermissionDenied(who + " is revoked (CRL of " + Issuer(cert) + ")");
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            return Status::PermissionDenied(who + " is not issued by a trusted CA (issuer " +
                                            Issuer(cert) + ")");
        case X509_V_ERR_UNABLE_TO_GET_CRL:
            return Status::PermissionDenied("no CRL for CA " + Issuer(cert) + " (needed to check " +
                                            who + ")");
        case X509_V_ERR_CRL_HAS_EXPIRED: {
            const X509_CRL* crl = X509_STORE_CTX_get0_current_crl(ctx);
            return Status::PermissionDenied(
                "the CRL of CA " + Issuer(cert) + " has expired (nextUpdate " +
                (crl ? TimeText(X509_CRL_get0_nextUpdate(crl)) : "unknown") + ")");
        }
        case X509_V_ERR_CRL_NOT_YET_VALID:
            return Status::PermissionDenied("the CRL of CA " + Issuer(cert) + " is not yet valid");
        default:
            return Status::PermissionDenied(who + ": " + X509_verify_cert_error_string(err));
    }
}

// Collects every error of one X509_verify_cert run (the callback lets it go on).
struct VerifyErrors {
    X509* leaf = nullptr;
    int best_priority = 100;
    Status best;
};

int CollectError(int ok, X509_STORE_CTX* ctx) {
    if (ok == 1) return 1;
    auto* errors = static_cast<VerifyErrors*>(X509_STORE_CTX_get_app_data(ctx));
    const int err = X509_STORE_CTX_get_error(ctx);
    if (errors && Priority(err) < errors->best_priority) {
        errors->best_priority = Priority(err);
        errors->best = Describe(ctx, err, errors->leaf);
    }
    // Chain building cannot go on without an issuer; everything else can.
    return Priority(err) == 0 ? 0 : 1;
}

Status CheckLeafKeyUsage(X509* leaf) {
    const uint32_t usage = X509_get_key_usage(leaf);  // UINT32_MAX when absent
    if (usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) return Status::Ok();
    return Status::PermissionDenied("certificate " + Subject(leaf) +
                                    " may not sign: its key usage has neither digitalSignature "
                                    "nor nonRepudiation");
}

// Earliest notAfter over the verified chain: a positive verdict must not be
// reused past it.
Timestamp EarliestNotAfter(X509_STORE_CTX* ctx, Timestamp fallback) {
    Timestamp earliest = fallback;
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx);
    for (int i = 0; chain && i < sk_X509_num(chain); ++i) {
        const auto t = internal::ToTimestamp(X509_get0_notAfter(sk_X509_value(chain, i)));
        if (t && *t < earliest) earliest = *t;
    }
    return earliest;
}

}  // namespace

TrustStore::TrustStore(TrustStoreOptions options) : options_(std::move(options)) {}
TrustStore::~TrustStore() = default;

Result<std::unique_ptr<TrustStore>> TrustStore::Open(TrustStoreOptions options) {
    std::unique_ptr<TrustStore> store(new TrustStore(std::move(options)));
    MKT_RETURN_IF_ERROR(store->LoadAndSwap(/*only_if_changed=*/false));
    store->next_check_.store(SteadySeconds() + store->options_.reload_check_seconds);
    return store;
}

std::shared_ptr<const TrustStore::Snapshot> TrustStore::Current() const {
    std::lock_guard lock(mutex_);
    return snapshot_;
}

Status TrustStore::LoadAndSwap(bool only_if_changed) const {
    std::lock_guard reload_lock(reload_mutex_);
    MKT_ASSIGN_OR_RETURN(std::string fingerprint, Fingerprint(options_));
    const auto current = Current();
    if (only_if_changed && current && current->fingerprint == fingerprint) return Status::Ok();
    MKT_ASSIGN_OR_RETURN(auto snap, LoadSnapshot(options_, std::move(fingerprint)));
    snap->generation = current ? current->generation + 1 : 1;
    std::lock_guard lock(mutex_);
    snapshot_ = std::move(snap);
    verdicts_.clear();
    return Status::Ok();
}

Status TrustStore::Reload() { return LoadAndSwap(false); }
Status TrustStore::ReloadIfChanged() { return LoadAndSwap(true); }

Status TrustStore::last_reload_status() const {
    std::lock_guard lock(mutex_);
    return reload_status_;
}

void TrustStore::MaybeReload() const {
    const int64_t now = SteadySeconds();
    int64_t due = next_check_.load();
    if (now < due) return;
    if (!next_check_.compare_exchange_strong(due, now + options_.reload_check_seconds)) return;
    Status status = LoadAndSwap(true);
    std::lock_guard lock(mutex_);
    reload_status_ = std::move(status);
}

Status TrustStore::VerifyUncached(const Snapshot& snap, X509* leaf,
                                  const std::vector<X509*>& intermediates, Timestamp now,
                                  Timestamp* valid_until) const {
    std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
    std::unique_ptr<STACK_OF(X509), X509StackFree> untrusted(sk_X509_new_null());
    if (!ctx || !untrusted) return Status::Internal("trust store: out of memory");
    for (X509* cert : intermediates) sk_X509_push(untrusted.get(), cert);
    if (X509_STORE_CTX_init(ctx.get(), snap.store.get(), leaf, untrusted.get()) != 1) {
        return Status::Internal("trust store: X509_STORE_CTX_init failed" +
                                internal::TakeOpenSslError());
    }
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(now.unix_seconds()));
    VerifyErrors errors;
    errors.leaf = leaf;
    X509_STORE_CTX_set_app_data(ctx.get(), &errors);
    X509_STORE_CTX_set_verify_cb(ctx.get(), &CollectError);
    const int ok = X509_verify_cert(ctx.get());
    ERR_clear_error();
    if (!errors.best.ok()) return errors.best;
    if (ok != 1) return Describe(ctx.get(), X509_STORE_CTX_get_error(ctx.get()), leaf);
    *valid_until = EarliestNotAfter(ctx.get(), *valid_until);
    return CheckLeafKeyUsage(leaf);
}

Status TrustStore::VerifyChain(X509* leaf, const std::vector<X509*>& intermediates,
                               Timestamp now) const {
    if (!leaf) return Status::Internal("trust store: no certificate to verify");
    MaybeReload();
    const auto snap = Current();
    const bool cache = options_.verdict_cache_seconds > 0;
    std::string key;
    if (cache) {
        key = internal::Sha256Fingerprint(leaf);
        for (X509* cert : intermediates) key += '/' + internal::Sha256Fingerprint(cert);
        std::lock_guard lock(mutex_);
        const auto it = verdicts_.find(key);
        if (snapshot_ == snap && it != verdicts_.end() && it->second.computed_at <= now &&
            now <= it->second.valid_until) {
            verdict_hits_.fetch_add(1, std::memory_order_relaxed);
            return it->second.status;
        }
    }
    Timestamp valid_until = now + options_.verdict_cache_seconds;
    Status status = VerifyUncached(*snap, leaf, intermediates, now, &valid_until);
    if (cache) {
        std::lock_guard lock(mutex_);
        if (snapshot_ == snap) {  // not reloaded meanwhile
            if (verdicts_.size() >= options_.verdict_cache_entries) verdicts_.clear();
            verdicts_[key] = Verdict{status, now, valid_until};
        }
    }
    return status;
}

bool TrustStore::EndorserListBinds(std::string_view email, std::string_view subject) const {
    const auto snap = Current();
    const auto it = snap->endorsers.find(std::string(email));
    if (it == snap->endorsers.end()) return false;
    return std::find(it->second.begin(), it->second.end(), subject) != it->second.end();
}

TrustStore::Stats TrustStore::stats() const {
    const auto snap = Current();
    Stats s;
    s.ca_certificates = snap->ca_certificates;
    s.crls = snap->crls;
    s.endorser_bindings = snap->endorser_bindings;
    s.generation = snap->generation;
    s.verdict_hits = verdict_hits_.load();
    return s;
}

}  // namespace mkt::xmlsec
