// TrustStore against the generated test PKI (scripts/make-test-pki).
#include "registry/xmlsec/trust_store.hpp"

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <gtest/gtest.h>

#include "registry/clock.hpp"
#include "registry/xmlsec/x509_internal.hpp"
#include "tests/registry/xmlsec/xmlsec_test_support.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::xmlsec {
namespace {

namespace fs = std::filesystem;
using internal::X509Ptr;
using testing::Pki;

const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new testing::XmlSecEnvironment);

constexpr const char* kRootDn = "CN=Marketplace Test CA,O=Marketplace Test,C=EU";
constexpr const char* kBobDn = "CN=Bob Endorser,OU=Endorsers,O=Marketplace Test,C=EU";

X509Ptr LoadCert(const std::string& name) {
    internal::BioPtr bio(BIO_new_file(Pki(name).c_str(), "r"));
    EXPECT_TRUE(bio) << name;
    return X509Ptr(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

Timestamp Now() { return SystemClock().Now(); }

TrustStoreOptions Opts(fs::path ca_dir, fs::path endorsers = {}, int64_t reload_seconds = 60,
                       int64_t cache_seconds = 60) {
    TrustStoreOptions options;
    options.ca_dir = std::move(ca_dir);
    options.endorsers_file = std::move(endorsers);
    options.reload_check_seconds = reload_seconds;
    options.verdict_cache_seconds = cache_seconds;
    return options;
}

std::unique_ptr<TrustStore> Open(TrustStoreOptions options) {
    auto store = TrustStore::Open(std::move(options));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
}

std::unique_ptr<TrustStore> OpenPki() { return Open(Opts(Pki("ca"), Pki("endorsers"))); }

// A copy of ca/, with or without the root's and the intermediate's CRLs.
void CopyCaDir(const fs::path& to, bool with_root_crl, bool with_intermediate_crl) {
    fs::create_directories(to);
    X509Ptr root = LoadCert("ca.pem");
    char hash[16];
    std::snprintf(hash, sizeof hash, "%08lx", X509_subject_name_hash(root.get()));
    for (const auto& entry : fs::directory_iterator(Pki("ca"))) {
        const std::string name = entry.path().filename().string();
        const bool is_crl = name.find(".r") != std::string::npos;
        const bool is_root = name.rfind(hash, 0) == 0;
        if (is_crl && is_root && !with_root_crl) continue;
        if (is_crl && !is_root && !with_intermediate_crl) continue;
        fs::copy_file(entry.path(), to / name);
    }
}

Status Verify(const TrustStore& store, const std::string& name, Timestamp now,
              const std::vector<std::string>& chain = {}) {
    X509Ptr leaf = LoadCert(name + ".pem");
    std::vector<X509Ptr> owned;
    std::vector<X509*> intermediates;
    for (const auto& c : chain) {
        owned.push_back(LoadCert(c));
        intermediates.push_back(owned.back().get());
    }
    return store.VerifyChain(leaf.get(), intermediates, now);
}

TEST(TrustStoreTest, LoadsTheHashedDirectoryWithItsCrlsAndTheEndorserList) {
    auto store = OpenPki();
    ASSERT_TRUE(store);
    const auto stats = store->stats();
    EXPECT_EQ(stats.ca_certificates, 1u);
    EXPECT_EQ(stats.crls, 2u);
    EXPECT_EQ(stats.endorser_bindings, 1u);
    EXPECT_EQ(stats.generation, 1u);
}

TEST(TrustStoreTest, AcceptsACertificateIssuedByTheCa) {
    auto store = OpenPki();
    ASSERT_TRUE(store);
    EXPECT_EQ(Verify(*store, "alice", Now()), Status::Ok());
    EXPECT_EQ(Verify(*store, "erin", Now()), Status::Ok());
}

TEST(TrustStoreTest, AcceptsAnIntermediateOnlyWhenThePresenterSendsIt) {
    auto store = OpenPki();
    ASSERT_TRUE(store);
    EXPECT_EQ(Verify(*store, "carol", Now(), {"intermediate.pem"}), Status::Ok());
    EXPECT_EQ(Verify(*store, "carol", Now()),
              Status::PermissionDenied(
                  "certificate CN=Carol Endorser,OU=Endorsers,O=Marketplace Test,C=EU is not "
                  "issued by a trusted CA (issuer CN=Marketplace Test Intermediate CA,"
                  "O=Marketplace Test,C=EU)"));
}

TEST(TrustStoreTest, RefusesAnExpiredCertificateNamingItsEndDate) {
    auto store = OpenPki();
    ASSERT_TRUE(store);
    EXPECT_EQ(Verify(*store, "expired", Now()),
              Status::PermissionDenied("certificate CN=Expired Endorser,OU=Endorsers,O=Marketplace "
                                       "Test,C=EU has expired (notAfter 2021-01-01T00:00:00Z)"));
}

TEST(TrustStoreTest, ChecksDatesAtTheTimeItIsGiven) {
    auto store = OpenPki();
    ASSERT_TRUE(store);
    const Timestamp in_2020 = Timestamp::Parse("2020-06-01T00:00:00Z").value();
    const Status early = Verify(*store, "alice", in_2020);
    EXPECT_EQ(early.code(), StatusCode::kPermissionDenied);
    EXPECT_NE(early.message().find("is not yet valid (notBefore "), std::string::npos)
        << early.message();
    const Status late = Verify(*store, "alice", Now() + 20LL * 365 * 86400);
    EXPECT_NE(late.message().find("has expired"), std::string::npos) << late.message();
}

TEST(TrustStoreTest, RefusesARevokedCertificateNamingTheCrl) {
    auto store = OpenPki();
    ASSERT_TRUE(store);
    EXPECT_EQ(Verify(*store, "revoked", Now()),
              Status::PermissionDenied("certificate CN=Revoked Endorser,OU=Endorsers,O=Marketplace "
                                       "Test,C=EU is revoked (CRL of " +
                                       std::string(kRootDn) + ")"));
}

TEST(TrustStoreTest, RefusesACertificateOfAnUntrustedCa) {
    auto store = OpenPki();
    ASSERT_TRUE(store);
    EXPECT_EQ(Verify(*store, "mallory", Now()),
              Status::PermissionDenied("certificate CN=Mallory,O=Nobody,C=EU is not issued by a "
                                       "trusted CA (issuer CN=Untrusted CA,O=Nobody,C=EU)"));
    // Even when the presenter sends the untrusted CA along.
    EXPECT_EQ(Verify(*store, "mallory", Now(), {"untrusted-ca.pem"}).code(),
              StatusCode::kPermissionDenied);
}

TEST(TrustStoreTest, RefusesEveryCertificateOfACaWithoutCrl) {
    mkt::testing::TempDir dir;
    CopyCaDir(dir / "ca", /*with_root_crl=*/false, /*with_intermediate_crl=*/true);
    auto store = Open(Opts(dir / "ca"));
    ASSERT_TRUE(store);
    EXPECT_EQ(Verify(*store, "alice", Now()),
              Status::PermissionDenied(
                  "no CRL for CA " + std::string(kRootDn) +
                  " (needed to check certificate CN=Alice Endorser,OU=Endorsers,O=Marketplace "
                  "Test,C=EU)"));
}

TEST(TrustStoreTest, BindsEmailsToSubjectsThroughTheEndorserList) {
    auto store = OpenPki();
    ASSERT_TRUE(store);
    EXPECT_TRUE(store->EndorserListBinds("bob@example.org", kBobDn));
    EXPECT_FALSE(store->EndorserListBinds("bob@example.org", "CN=Bob Endorser"));
    EXPECT_FALSE(store->EndorserListBinds("alice@example.org", kBobDn));
    auto without = Open(Opts(Pki("ca")));
    ASSERT_TRUE(without);
    EXPECT_FALSE(without->EndorserListBinds("bob@example.org", kBobDn));
}

TEST(TrustStoreTest, ReadsCommentsBlankLinesAndSeveralBindingsPerEmail) {
    mkt::testing::TempDir dir;
    mkt::testing::WriteFile(dir / "endorsers", "# comment\n\n  bob@example.org\t" +
                                                   std::string(kBobDn) +
                                                   "  \r\nbob@example.org CN=Bob Old,O=X\n");
    auto store = Open(Opts(Pki("ca"), dir / "endorsers"));
    ASSERT_TRUE(store);
    EXPECT_EQ(store->stats().endorser_bindings, 2u);
    EXPECT_TRUE(store->EndorserListBinds("bob@example.org", kBobDn));
    EXPECT_TRUE(store->EndorserListBinds("bob@example.org", "CN=Bob Old,O=X"));
}

TEST(TrustStoreTest, RefusesAMalformedEndorserList) {
    mkt::testing::TempDir dir;
    mkt::testing::WriteFile(dir / "endorsers", "# ok\nbob@example.org\n");
    auto missing_dn = TrustStore::Open(Opts(Pki("ca"), dir / "endorsers"));
    EXPECT_EQ(missing_dn.status(),
              Status::InvalidArgument("endorser list " + (dir / "endorsers").string() +
                                      " line 2: expected '<email> <subject DN>', found "
                                      "'bob@example.org'"));
    mkt::testing::WriteFile(dir / "endorsers", "bob(at)example.org CN=Bob\n");
    auto bad_email = TrustStore::Open(Opts(Pki("ca"), dir / "endorsers"));
    EXPECT_EQ(bad_email.status(),
              Status::InvalidArgument("endorser list " + (dir / "endorsers").string() +
                                      " line 1: invalid email address: bob(at)example.org"));
}

TEST(TrustStoreTest, RefusesMissingEmptyOrCorruptDirectories) {
    mkt::testing::TempDir dir;
    const auto missing = TrustStore::Open(Opts(dir / "nope"));
    EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(missing.status().message().find("cannot read CA directory"), std::string::npos);
    fs::create_directories(dir / "empty");
    mkt::testing::WriteFile(dir / "empty" / "README.info", "not a certificate");
    const auto empty = TrustStore::Open(Opts(dir / "empty"));
    EXPECT_EQ(empty.status(), Status::InvalidArgument("trust store: no CA certificate in " +
                                                      (dir / "empty").string() +
                                                      " (expected <hash>.0 or *.pem files)"));
    fs::create_directories(dir / "corrupt");
    mkt::testing::WriteFile(dir / "corrupt" / "0123abcd.0", "garbage");
    const auto corrupt = TrustStore::Open(Opts(dir / "corrupt"));
    EXPECT_EQ(corrupt.status(),
              Status::InvalidArgument("trust store: " + (dir / "corrupt" / "0123abcd.0").string() +
                                      " holds no PEM certificate"));
}

TEST(TrustStoreTest, ReloadsWhenTheDirectoryChanges) {
    mkt::testing::TempDir dir;
    CopyCaDir(dir / "ca", /*with_root_crl=*/true, /*with_intermediate_crl=*/false);
    auto store = Open(Opts(dir / "ca", {}, 0));
    ASSERT_TRUE(store);
    EXPECT_NE(Verify(*store, "carol", Now(), {"intermediate.pem"}).message().find("no CRL for CA"),
              std::string::npos);
    // The IGTF updater drops the intermediate's CRL in: picked up on the next call.
    fs::remove_all(dir / "ca");
    CopyCaDir(dir / "ca", true, true);
    EXPECT_EQ(Verify(*store, "carol", Now(), {"intermediate.pem"}), Status::Ok());
    EXPECT_EQ(store->stats().generation, 2u);
    EXPECT_EQ(store->last_reload_status(), Status::Ok());
}

TEST(TrustStoreTest, KeepsTheLoadedContentWhenAReloadFails) {
    mkt::testing::TempDir dir;
    CopyCaDir(dir / "ca", true, true);
    auto store = Open(Opts(dir / "ca", {}, 0));
    ASSERT_TRUE(store);
    mkt::testing::WriteFile(dir / "ca" / "0123abcd.0", "garbage");
    EXPECT_EQ(Verify(*store, "alice", Now()), Status::Ok());
    EXPECT_EQ(store->last_reload_status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store->ReloadIfChanged().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store->stats().generation, 1u);
}

TEST(TrustStoreTest, DoesNotReloadBeforeTheCheckInterval) {
    mkt::testing::TempDir dir;
    CopyCaDir(dir / "ca", true, false);
    auto store = Open(Opts(dir / "ca", {}, 3600));
    ASSERT_TRUE(store);
    fs::remove_all(dir / "ca");
    CopyCaDir(dir / "ca", true, true);
    EXPECT_NE(Verify(*store, "carol", Now(), {"intermediate.pem"}), Status::Ok());
    EXPECT_EQ(store->ReloadIfChanged(), Status::Ok());
    EXPECT_EQ(Verify(*store, "carol", Now(), {"intermediate.pem"}), Status::Ok());
}

TEST(TrustStoreTest, CachesChainVerdictsForAShortTime) {
    auto store = Open(Opts(Pki("ca"), {}, 60, 60));
    ASSERT_TRUE(store);
    const Timestamp now = Now();
    EXPECT_EQ(Verify(*store, "alice", now), Status::Ok());
    EXPECT_EQ(Verify(*store, "alice", now + 30), Status::Ok());
    EXPECT_EQ(store->stats().verdict_hits, 1u);
    EXPECT_EQ(Verify(*store, "alice", now + 61), Status::Ok());  // past the cache time
    EXPECT_EQ(Verify(*store, "alice", now - 1), Status::Ok());   // before it was computed
    EXPECT_EQ(store->stats().verdict_hits, 1u);
    // Negative verdicts are cached too; a different chain is a different entry.
    EXPECT_NE(Verify(*store, "carol", now), Status::Ok());
    EXPECT_EQ(Verify(*store, "carol", now, {"intermediate.pem"}), Status::Ok());
    EXPECT_NE(Verify(*store, "carol", now), Status::Ok());
    EXPECT_EQ(store->stats().verdict_hits, 2u);
}

TEST(TrustStoreTest, NeverServesACachedVerdictPastTheCertificateEnd) {
    auto store = Open(Opts(Pki("ca"), {}, 60, 60));
    ASSERT_TRUE(store);
    X509Ptr alice = LoadCert("alice.pem");
    const Timestamp end = internal::ToTimestamp(X509_get0_notAfter(alice.get())).value();
    EXPECT_EQ(Verify(*store, "alice", end - 10), Status::Ok());
    EXPECT_NE(Verify(*store, "alice", end + 10).message().find("has expired"), std::string::npos);
}

TEST(TrustStoreTest, VerifiesFromManyThreadsWhileReloading) {
    auto store = Open(Opts(Pki("ca"), Pki("endorsers"), 0, 1));
    ASSERT_TRUE(store);
    X509Ptr alice = LoadCert("alice.pem");
    X509Ptr revoked = LoadCert("revoked.pem");
    std::atomic<int> failures{0};
    std::atomic<bool> stop{false};
    std::thread reloader([&] {
        while (!stop) {
            if (!store->Reload().ok()) ++failures;
        }
    });
    std::vector<std::thread> workers;
    const Timestamp now = Now();
    for (int t = 0; t < 4; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                const Timestamp at = now + (i % 5);
                if (!store->VerifyChain(alice.get(), {}, at).ok()) ++failures;
                if (store->VerifyChain(revoked.get(), {}, at).ok()) ++failures;
                if (!store->EndorserListBinds("bob@example.org", kBobDn)) ++failures;
            }
            (void)t;
        });
    }
    for (auto& w : workers) w.join();
    stop = true;
    reloader.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_GT(store->stats().generation, 1u);
}

}  // namespace
}  // namespace mkt::xmlsec
