// The confirmation message's text (pure) and the address check that keeps
// header and SMTP command injection out. Delivery over a real SMTP server is
// tested in tests/server/confirmation_flow_test.cpp.
#include "client/smtp_mailer.hpp"

#include <gtest/gtest.h>

namespace mkt::client {
namespace {

ConfirmationMessage Message(bool deprecation = false) {
    return {"alice@example.org", "https://mp.example.org/confirm/TOKEN",
            Timestamp::FromUnixSeconds(1800000000),
            EntryKey{"IDENTIFIER", "alice@example.org", Timestamp::FromUnixSeconds(1799990000)},
            deprecation};
}

SmtpOptions Options() {
    SmtpOptions o;
    o.from = "marketplace@example.org";
    o.marketplace_url = "https://mp.example.org/";
    return o;
}

TEST(SmtpMailerTest, TheMessageIsValidInternetMailWithTheLinkAndTheDeadline) {
    const std::string mail = FormatConfirmationMail(
        Message(), Options(), Timestamp::FromUnixSeconds(1796400000), "1.abc@example.org");
    EXPECT_TRUE(mail.starts_with("Date: Fri, 04 Dec 2026 16:00:00 +0000\r\n")) << mail;
    for (const char* header :
         {"\r\nFrom: Marketplace <marketplace@example.org>\r\n", "\r\nTo: <alice@example.org>\r\n",
          "\r\nSubject: Confirm your e-mail address to publish image IDENTIFIER\r\n",
          "\r\nMessage-ID: <1.abc@example.org>\r\n", "\r\nMIME-Version: 1.0\r\n",
          "\r\nContent-Type: text/plain; charset=utf-8\r\n",
          "\r\nAuto-Submitted: auto-generated\r\n\r\n"}) {
        EXPECT_NE(mail.find(header), std::string::npos) << header;
    }
    EXPECT_NE(mail.find("  https://mp.example.org/confirm/TOKEN\r\n"), std::string::npos);
    EXPECT_NE(mail.find("before 2027-01-15T08:00:00Z"), std::string::npos) << mail;
    EXPECT_NE(mail.find("was uploaded to https://mp.example.org/"), std::string::npos);
    EXPECT_EQ(mail.find("deprecates"), std::string::npos);
    // Every line ends in CRLF (no bare LF or CR) and is at most 998 octets.
    size_t start = 0;
    for (size_t at = mail.find('\n'); at != std::string::npos; at = mail.find('\n', start)) {
        ASSERT_GT(at, 0u);
        EXPECT_EQ(mail[at - 1], '\r') << "bare LF at " << at;
        EXPECT_LE(at - start, 999u);
        start = at + 1;
    }
    EXPECT_EQ(start, mail.size());
    EXPECT_NE(FormatConfirmationMail(Message(true), Options(), Timestamp(), "x@y")
                  .find("(the entry deprecates the image)"),
              std::string::npos);
}

TEST(SmtpMailerTest, AddressesThatCouldInjectHeadersOrCommandsAreRefused) {
    EXPECT_TRUE(CheckMailAddress("alice@example.org").ok());
    EXPECT_TRUE(CheckMailAddress("a.b+tag@sub.example.org").ok());
    for (const char* bad : {"", "alice", "@example.org", "alice@", "alice@example.org\r\nBcc: x@y",
                            "<alice@example.org>", "alice@example.org>\r\nRCPT TO:<x@y",
                            "a lice@example.org", "a,b@example.org", "\"a\"@example.org"}) {
        Status s = CheckMailAddress(bad);
        EXPECT_FALSE(s.ok()) << bad;
        EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    }
    // Send refuses them before connecting anywhere.
    SmtpOptions o = Options();
    o.host = "127.0.0.1";
    o.port = 1;
    ConfirmationMessage m = Message();
    m.to = "alice@example.org\r\nBcc: everyone@example.org";
    EXPECT_EQ(SmtpMailer(o).Send(m).code(), StatusCode::kInvalidArgument);
}

TEST(SmtpMailerTest, AnUnreachableMailServerIsATemporaryFailureNamingIt) {
    SmtpOptions o = Options();
    o.host = "127.0.0.1";
    o.port = 1;  // nothing listens there
    o.timeout_seconds = 5;
    Status s = SmtpMailer(o).Send(Message());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), StatusCode::kUnavailable);
    EXPECT_NE(s.message().find("mail server 127.0.0.1:1"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace mkt::client
