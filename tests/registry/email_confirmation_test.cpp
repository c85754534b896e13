// EmailConfirmation on the real upload pipeline (strict trust over the test PKI,
// memory stores, a manual clock, a mailer that records or fails): what is held,
// what the message carries, what a link publishes and in which order, and every
// refused link.
#include "registry/email_confirmation.hpp"

#include <gtest/gtest.h>

#include "registry/redland/rdfxml_checker.hpp"
#include "registry/store/memory_confirmation_store.hpp"
#include "registry/store/memory_store.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "registry/xmlsec/random_tokens.hpp"
#include "registry/xmlsec/trust_store.hpp"
#include "registry/xmlsec/xmldsig_verifier.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/rdf_world.hpp"
#include "tests/support/test_trust.hpp"

namespace mkt {
namespace {

class RecordingMailer final : public ConfirmationMailer {
  public:
    std::vector<ConfirmationMessage> sent;
    bool down = false;
    Status Send(const ConfirmationMessage& message) override {
        if (down) return Status::Unavailable("mail server 127.0.0.1:1: Connection refused");
        sent.push_back(message);
        return Status::Ok();
    }
};

constexpr int64_t kLifetime = 3 * 86400;
constexpr const char* kBase = "https://marketplace.example.org/";

class EmailConfirmationTest : public ::testing::Test {
  protected:
    EmailConfirmationTest()
        : rdf_(testing::RdfWorld()),
          trust_(testing::OpenTestPkiTrust()),
          verifier_({TrustMode::kStrict, trust_.get()}),
          registry_({}, parser_, rdf_, verifier_, store_, clock_),
          confirmation_({kLifetime, kBase}, registry_, held_, mailer_, tokens_, clock_) {
        registry_.SetUploadHold(&confirmation_);
    }

    std::string Signed(const std::string& who, const std::string& image, int64_t age = 60,
                       const std::string& title = "Test image") {
        return testing::SignedDocument(who, {.image = image, .title = title}, clock_.Now() - age);
    }

    /// The token of the link in message `i`.
    std::string TokenOf(size_t i) const {
        const std::string& link = mailer_.sent.at(i).link;
        const std::string prefix = std::string(kBase) + "confirm/";
        EXPECT_TRUE(link.starts_with(prefix)) << link;
        return link.substr(prefix.size());
    }

    uint64_t Stored() { return store_.Stats()->entries; }

    xmlsec::XmlMetadataParser parser_;
    redland::RaptorRdfChecker rdf_;
    std::unique_ptr<xmlsec::TrustStore> trust_;
    xmlsec::XmldsigVerifier verifier_;
    store::MemoryEntryStore store_;
    store::MemoryConfirmationStore held_;
    RecordingMailer mailer_;
    xmlsec::OpenSslConfirmationTokens tokens_;
    ManualClock clock_{SystemClock().Now()};
    Registry registry_;
    EmailConfirmation confirmation_;
};

TEST_F(EmailConfirmationTest, TheFirstUploadOfAnUnconfirmedAddressIsHeldAndMailed) {
    Result<SubmitResult> r = registry_.Submit(Signed("alice", "one"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(r->held.has_value());
    EXPECT_FALSE(r->created);
    EXPECT_EQ(r->held->email, "alice@example.org");
    EXPECT_EQ(r->held->expires, clock_.Now() + kLifetime);
    EXPECT_EQ(Stored(), 0u);
    EXPECT_EQ(*held_.CountPending(), 1u);
    EXPECT_EQ(registry_.submit_counts(SubmitOrigin::kDirectUpload).held.load(), 1u);

    ASSERT_EQ(mailer_.sent.size(), 1u);
    const ConfirmationMessage& m = mailer_.sent[0];
    EXPECT_EQ(m.to, "alice@example.org");
    EXPECT_EQ(m.key, r->entry.key);
    EXPECT_EQ(m.expires, r->held->expires);
    EXPECT_FALSE(m.deprecation);
    const std::string token = TokenOf(0);
    EXPECT_EQ(token.size(), 43u);  // 256 bits, base64url without padding
    EXPECT_TRUE(LooksLikeToken(token));
    // Only the token's hash is kept: the token itself is nowhere in the held state.
    const PendingUpload held = held_.Pending("alice@example.org")->front();
    EXPECT_EQ(held.document.find(token), std::string::npos);
    EXPECT_NE(tokens_.Hash(token), token);
    EXPECT_EQ(tokens_.Hash(token).size(), 64u);

    const std::string words = HeldUploadExplanation(*r->held);
    EXPECT_NE(words.find("alice@example.org"), std::string::npos) << words;
    EXPECT_NE(words.find(r->held->expires.ToString()), std::string::npos) << words;
}

TEST_F(EmailConfirmationTest, TheLinkPublishesEveryHeldEntryInUploadOrderThenUploadsGoStraightIn) {
    const std::string first = Signed("alice", "one", 120);
    const std::string second = Signed("alice", "two", 90);
    ASSERT_TRUE(registry_.Submit(first)->held);
    ASSERT_TRUE(registry_.Submit(second)->held);
    ASSERT_EQ(mailer_.sent.size(), 2u);
    EXPECT_NE(TokenOf(0), TokenOf(1));

    Result<ConfirmOutcome> outcome = confirmation_.Confirm(TokenOf(0));
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    EXPECT_EQ(outcome->email, "alice@example.org");
    ASSERT_EQ(outcome->published.size(), 2u);
    EXPECT_TRUE(outcome->refused.empty());
    EXPECT_EQ(outcome->published[0].document, first);
    EXPECT_EQ(outcome->published[1].document, second);
    EXPECT_EQ(outcome->published[0].seq, 1);
    EXPECT_EQ(outcome->published[1].seq, 2);
    EXPECT_EQ(Stored(), 2u);
    EXPECT_EQ(*held_.CountPending(), 0u);
    EXPECT_TRUE(*held_.IsConfirmed("alice@example.org"));

    Result<SubmitResult> third = registry_.Submit(Signed("alice", "three"));
    ASSERT_TRUE(third.ok()) << third.status().ToString();
    EXPECT_TRUE(third->created);
    EXPECT_FALSE(third->held);
    EXPECT_EQ(mailer_.sent.size(), 2u);  // no message for a confirmed address
    // The second message's link was used up by the confirmation.
    Result<ConfirmOutcome> again = confirmation_.Confirm(TokenOf(1));
    ASSERT_FALSE(again.ok());
    EXPECT_NE(again.status().message().find("already used"), std::string::npos);
    EXPECT_EQ(confirmation_.counts().confirmed.load(), 1u);
    EXPECT_EQ(confirmation_.counts().published.load(), 2u);
}

TEST_F(EmailConfirmationTest, ReusedWrongMalformedAndExpiredLinksAreRefusedAndChangeNothing) {
    ASSERT_TRUE(registry_.Submit(Signed("alice", "one"))->held);
    const std::string alice = TokenOf(0);
    ASSERT_TRUE(confirmation_.Confirm(alice).ok());
    const uint64_t stored = Stored();

    auto expect_refused = [&](const std::string& token, std::string_view words) {
        Result<ConfirmOutcome> r = confirmation_.Confirm(token);
        ASSERT_FALSE(r.ok()) << token;
        EXPECT_EQ(r.status().code(), StatusCode::kNotFound) << token;
        EXPECT_NE(r.status().message().find(words), std::string::npos) << r.status().message();
        EXPECT_EQ(Stored(), stored);
    };
    expect_refused(alice, "already used");
    expect_refused(*tokens_.NewToken(), "unknown");
    expect_refused("../../etc/passwd", "unknown");
    expect_refused("", "unknown");
    expect_refused(std::string(4096, 'A'), "unknown");

    ASSERT_TRUE(registry_.Submit(Signed("erin", "two"))->held);
    const std::string erin = TokenOf(1);
    clock_.Advance(kLifetime);
    expect_refused(erin, "expired at");
    EXPECT_FALSE(*held_.IsConfirmed("erin@example.org"));
    EXPECT_EQ(*confirmation_.DropExpired(), 1u);
    EXPECT_EQ(*held_.CountPending(), 0u);
    EXPECT_EQ(confirmation_.counts().refused_links.load(), 6u);
    EXPECT_EQ(confirmation_.counts().dropped.load(), 1u);
}

TEST_F(EmailConfirmationTest, ReplicatedEntriesAreNotHeldAndTheirAddressCountsAsConfirmed) {
    Result<SubmitResult> replicated =
        registry_.Submit(Signed("carol", "one"), SubmitOrigin::kReplication);
    ASSERT_TRUE(replicated.ok()) << replicated.status().ToString();
    EXPECT_TRUE(replicated->created);
    EXPECT_FALSE(replicated->held);
    // carol has an entry here (a peer vouched for her): her uploads go straight in.
    Result<SubmitResult> direct = registry_.Submit(Signed("carol", "two"));
    ASSERT_TRUE(direct.ok()) << direct.status().ToString();
    EXPECT_TRUE(direct->created);
    EXPECT_TRUE(mailer_.sent.empty());
}

TEST_F(EmailConfirmationTest, AMessageThatCannotBeSentKeepsNothingAndSaysWhy) {
    mailer_.down = true;
    Result<SubmitResult> r = registry_.Submit(Signed("alice", "one"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
    EXPECT_NE(r.status().message().find("could not be sent"), std::string::npos)
        << r.status().message();
    EXPECT_NE(r.status().message().find("Connection refused"), std::string::npos);
    EXPECT_EQ(*held_.CountPending(), 0u);
    EXPECT_EQ(confirmation_.counts().mail_failures.load(), 1u);
    mailer_.down = false;
    EXPECT_TRUE(registry_.Submit(Signed("alice", "one"))->held);
}

TEST_F(EmailConfirmationTest, TheSameDocumentAgainIsHeldOnceAndOtherBytesUnderItsKeyConflict) {
    const std::string doc = Signed("alice", "one", 60);
    ASSERT_TRUE(registry_.Submit(doc)->held);
    ASSERT_TRUE(registry_.Submit(doc)->held);  // the endorser lost the message: a new one
    EXPECT_EQ(mailer_.sent.size(), 2u);
    EXPECT_EQ(*held_.CountPending(), 1u);

    const std::string other = Signed("alice", "one", 60, "Another title");  // same key
    Result<SubmitResult> conflict = registry_.Submit(other);
    ASSERT_FALSE(conflict.ok());
    EXPECT_EQ(conflict.status().code(), StatusCode::kAlreadyExists);

    // Either link confirms the address; the one held copy is published once.
    Result<ConfirmOutcome> outcome = confirmation_.Confirm(TokenOf(0));
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    EXPECT_EQ(outcome->published.size(), 1u);
    EXPECT_EQ(Stored(), 1u);
}

TEST_F(EmailConfirmationTest, AHeldEntryOvertakenMeanwhileIsReportedNotPublished) {
    ASSERT_TRUE(registry_.Submit(Signed("alice", "one", 600))->held);
    // A newer entry for the same image arrives from a peer before the link is followed.
    ASSERT_TRUE(registry_.Submit(Signed("alice", "one", 60), SubmitOrigin::kReplication)->created);
    Result<ConfirmOutcome> outcome = confirmation_.Confirm(TokenOf(0));
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    EXPECT_TRUE(outcome->published.empty());
    ASSERT_EQ(outcome->refused.size(), 1u);
    EXPECT_EQ(outcome->refused[0].second.code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(outcome->refused[0].second.message().find("older than latest"), std::string::npos);
    EXPECT_EQ(Stored(), 1u);
}

TEST_F(EmailConfirmationTest, AHeldEntryIsPublishedAfterTheUploadWindowHasPassed) {
    // Uploaded 6 days after signing (inside the 7-day window), confirmed 2 days later.
    ASSERT_TRUE(registry_.Submit(Signed("alice", "one", 6 * 86400))->held);
    clock_.Advance(2 * 86400);
    Result<ConfirmOutcome> outcome = confirmation_.Confirm(TokenOf(0));
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    EXPECT_EQ(outcome->published.size(), 1u);
    EXPECT_TRUE(outcome->refused.empty());
}

}  // namespace
}  // namespace mkt
