// The ConfirmationStore conformance suite: every sentence of
// registry/confirmation_store.hpp as a typed GoogleTest, run against each store
// (memory, SQLite, PostgreSQL).
//
//   struct MyFactory {
//       // A fresh, empty store keeping its files (if any) under `dir`; on
//       // failure report with ADD_FAILURE() and return nullptr.
//       static std::unique_ptr<mkt::ConfirmationStore> Make(const std::filesystem::path& dir);
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(My, ConfirmationStoreConformance, ::testing::Types<MyFactory>);
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "registry/confirmation_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::testing {

template <typename Factory>
class ConfirmationStoreConformance : public ::testing::Test {
  protected:
    void SetUp() override {
        store_ = Factory::Make(dir_.path());
        ASSERT_NE(store_, nullptr);
    }

    ConfirmationStore& store() { return *store_; }

    static constexpr Timestamp kNow = Timestamp::FromUnixSeconds(1800000000);

    /// A held upload of `email` for image `image`, uploaded at kNow + `offset`,
    /// living `lifetime` seconds.
    static PendingUpload Upload(const std::string& email, const std::string& image,
                                int64_t offset = 0, int64_t lifetime = 3600) {
        PendingUpload p;
        p.key = EntryKey{image, email, kNow + offset - 60};
        // Bytes a text column would mangle: a NUL, a non-UTF-8 byte, CRLF.
        p.document = std::string("<rdf:RDF>") + image + std::string("\0\xff\r\n", 4) + email;
        p.received = kNow + offset;
        p.expires = kNow + offset + lifetime;
        return p;
    }

    int64_t Add(const PendingUpload& p, const std::string& hash) {
        Result<int64_t> id = store_->AddPending(p, hash);
        EXPECT_TRUE(id.ok()) << id.status().ToString();
        return id.ok() ? *id : 0;
    }

    static void ExpectRefused(const Result<TokenClaim>& claim, std::string_view words) {
        ASSERT_FALSE(claim.ok());
        EXPECT_EQ(claim.status().code(), StatusCode::kNotFound);
        EXPECT_NE(claim.status().message().find(words), std::string::npos)
            << claim.status().message();
    }

    TempDir dir_;
    std::unique_ptr<ConfirmationStore> store_;
};

TYPED_TEST_SUITE_P(ConfirmationStoreConformance);

TYPED_TEST_P(ConfirmationStoreConformance, HeldUploadsComeBackByteForByteInUploadOrder) {
    const PendingUpload a1 = this->Upload("a@example.org", "one");
    const PendingUpload b1 = this->Upload("b@example.org", "two", 1);
    const PendingUpload a2 = this->Upload("a@example.org", "three", 2);
    const int64_t id1 = this->Add(a1, "h1"), id2 = this->Add(b1, "h2"), id3 = this->Add(a2, "h3");
    EXPECT_LT(id1, id2);
    EXPECT_LT(id2, id3);

    Result<std::vector<PendingUpload>> of_a = this->store().Pending("a@example.org");
    ASSERT_TRUE(of_a.ok()) << of_a.status().ToString();
    ASSERT_EQ(of_a->size(), 2u);
    PendingUpload want1 = a1, want3 = a2;
    want1.id = id1;
    want3.id = id3;
    EXPECT_EQ((*of_a)[0], want1);
    EXPECT_EQ((*of_a)[1], want3);
    EXPECT_EQ(this->store().Pending("")->size(), 3u);
    EXPECT_EQ(*this->store().CountPending(), 3u);
    EXPECT_FALSE(*this->store().IsConfirmed("a@example.org"));
}

TYPED_TEST_P(ConfirmationStoreConformance, ATokenIsClaimedOnceAndHandsOverOnlyItsAddress) {
    this->Add(this->Upload("a@example.org", "one"), "ha");
    this->Add(this->Upload("b@example.org", "two"), "hb");
    this->Add(this->Upload("a@example.org", "three", 5), "ha2");

    Result<TokenClaim> claim = this->store().ClaimToken("ha", this->kNow + 10);
    ASSERT_TRUE(claim.ok()) << claim.status().ToString();
    EXPECT_EQ(claim->email, "a@example.org");
    ASSERT_EQ(claim->pending.size(), 2u);
    EXPECT_EQ(claim->pending[0].key.identifier, "one");
    EXPECT_EQ(claim->pending[1].key.identifier, "three");

    this->ExpectRefused(this->store().ClaimToken("ha", this->kNow + 11),
                        "already used at " + (this->kNow + 10).ToString());
    this->ExpectRefused(this->store().ClaimToken("no-such-hash", this->kNow), "unknown");
    // Released (publishing failed for a passing reason): usable again.
    ASSERT_TRUE(this->store().ReleaseToken("ha").ok());
    EXPECT_TRUE(this->store().ClaimToken("ha", this->kNow + 12).ok());
    // The refusals changed nothing held.
    EXPECT_EQ(*this->store().CountPending(), 3u);
}

TYPED_TEST_P(ConfirmationStoreConformance, AnExpiredTokenIsRefusedAndHandsOverNoExpiredUpload) {
    this->Add(this->Upload("a@example.org", "old", 0, 100), "h-old");
    this->Add(this->Upload("a@example.org", "new", 50, 1000), "h-new");
    this->ExpectRefused(this->store().ClaimToken("h-old", this->kNow + 100),
                        "expired at " + (this->kNow + 100).ToString());
    EXPECT_EQ(*this->store().CountPending(), 2u);

    Result<TokenClaim> claim = this->store().ClaimToken("h-new", this->kNow + 100);
    ASSERT_TRUE(claim.ok()) << claim.status().ToString();
    ASSERT_EQ(claim->pending.size(), 1u);
    EXPECT_EQ(claim->pending[0].key.identifier, "new");
}

TYPED_TEST_P(ConfirmationStoreConformance, CompletingConfirmsTheAddressAndUsesUpItsLinks) {
    this->Add(this->Upload("a@example.org", "one"), "ha");
    this->Add(this->Upload("a@example.org", "two"), "ha2");
    this->Add(this->Upload("b@example.org", "three"), "hb");
    ASSERT_TRUE(this->store().ClaimToken("ha", this->kNow).ok());
    ASSERT_TRUE(this->store().CompleteConfirmation("a@example.org", this->kNow + 1).ok());

    EXPECT_TRUE(*this->store().IsConfirmed("a@example.org"));
    EXPECT_FALSE(*this->store().IsConfirmed("b@example.org"));
    EXPECT_TRUE(this->store().Pending("a@example.org")->empty());
    EXPECT_EQ(this->store().Pending("b@example.org")->size(), 1u);
    this->ExpectRefused(this->store().ClaimToken("ha2", this->kNow + 2), "already used");
    // Completing again (a retry) is harmless.
    EXPECT_TRUE(this->store().CompleteConfirmation("a@example.org", this->kNow + 3).ok());
    EXPECT_TRUE(*this->store().IsConfirmed("a@example.org"));
}

TYPED_TEST_P(ConfirmationStoreConformance, DroppingRemovesExpiredUploadsAndLaterTheirTokens) {
    this->Add(this->Upload("a@example.org", "short", 0, 100), "h-short");
    this->Add(this->Upload("a@example.org", "long", 0, 10000), "h-long");
    Result<size_t> dropped = this->store().DropExpired(this->kNow + 100);
    ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
    EXPECT_EQ(*dropped, 1u);
    ASSERT_EQ(this->store().Pending("a@example.org")->size(), 1u);
    EXPECT_EQ(this->store().Pending("a@example.org")->front().key.identifier, "long");
    EXPECT_EQ(*this->store().DropExpired(this->kNow + 100), 0u);
    // The expired token keeps its own answer for a while, then is forgotten.
    this->ExpectRefused(this->store().ClaimToken("h-short", this->kNow + 200), "expired");
    ASSERT_TRUE(this->store().DropExpired(this->kNow + 101 + kExpiredTokenRetentionSeconds).ok());
    this->ExpectRefused(
        this->store().ClaimToken("h-short", this->kNow + 102 + kExpiredTokenRetentionSeconds),
        "unknown");
}

TYPED_TEST_P(ConfirmationStoreConformance, RemovingTakesTheUploadAndItsTokenAway) {
    const int64_t id = this->Add(this->Upload("a@example.org", "one"), "ha");
    this->Add(this->Upload("a@example.org", "two"), "ha2");
    ASSERT_TRUE(this->store().RemovePending(id, "ha").ok());
    this->ExpectRefused(this->store().ClaimToken("ha", this->kNow), "unknown");
    ASSERT_EQ(this->store().Pending("a@example.org")->size(), 1u);
    EXPECT_EQ(this->store().Pending("a@example.org")->front().key.identifier, "two");
}

TYPED_TEST_P(ConfirmationStoreConformance, OfConcurrentClaimsOfOneTokenExactlyOneWins) {
    this->Add(this->Upload("a@example.org", "one"), "ha");
    std::atomic<int> wins{0}, used{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&] {
            Result<TokenClaim> c = this->store().ClaimToken("ha", this->kNow);
            if (c.ok()) {
                ++wins;
            } else if (c.status().message().find("already used") != std::string::npos) {
                ++used;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(wins.load(), 1);
    EXPECT_EQ(used.load(), 7);
}

REGISTER_TYPED_TEST_SUITE_P(ConfirmationStoreConformance,
                            HeldUploadsComeBackByteForByteInUploadOrder,
                            ATokenIsClaimedOnceAndHandsOverOnlyItsAddress,
                            AnExpiredTokenIsRefusedAndHandsOverNoExpiredUpload,
                            CompletingConfirmsTheAddressAndUsesUpItsLinks,
                            DroppingRemovesExpiredUploadsAndLaterTheirTokens,
                            RemovingTakesTheUploadAndItsTokenAway,
                            OfConcurrentClaimsOfOneTokenExactlyOneWins);

}  // namespace mkt::testing
