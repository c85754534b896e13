// SmtpMailer: the ConfirmationMailer of the server (registry/email_confirmation.hpp)
// over SMTP with libcurl. One connection per message (confirmation messages are
// rare: one per held upload); the call returns once the server accepted the
// message or refused it.
//
// Transport security (SmtpOptions::tls):
//   kOpportunistic  STARTTLS when the server offers it (the default), plain
//                   otherwise; when offered, the certificate must verify
//   kStartTls       STARTTLS required: a server that does not offer it fails
//   kImplicit       TLS from the first byte (smtps, usually port 465)
// With a username, AUTH is used (the password from SmtpOptions::password).
#pragma once

#include <string>

#include "registry/email_confirmation.hpp"

namespace mkt::client {

enum class SmtpTls { kOpportunistic, kStartTls, kImplicit };

struct SmtpOptions {
    std::string host = "localhost";
    int port = 25;
    SmtpTls tls = SmtpTls::kOpportunistic;
    std::string from;      // envelope sender and From: address
    std::string username;  // empty: no AUTH
    std::string password;
    std::string ca_file;  // empty: the system's CAs
    int timeout_seconds = 30;
    /// Named in the message: where the entries were uploaded.
    std::string marketplace_url;
};

/// The RFC 5322 text of the confirmation message (CRLF line ends, UTF-8 body,
/// lines of at most 998 octets). `date` fills the Date header, `message_id`
/// the Message-ID (without angle brackets). Pure.
std::string FormatConfirmationMail(const ConfirmationMessage& message, const SmtpOptions& options,
                                   Timestamp date, const std::string& message_id);

/// kInvalidArgument when `address` cannot be put in an SMTP command or a header
/// as it is (empty, spaces, control characters, angle brackets, no '@').
Status CheckMailAddress(std::string_view address);

class SmtpMailer final : public ConfirmationMailer {
  public:
    explicit SmtpMailer(SmtpOptions options) : options_(std::move(options)) {}
    /// Errors: kInvalidArgument for an address that cannot be mailed;
    /// kUnavailable naming the server and its answer (connection refused,
    /// TLS failure, recipient refused, timeout).
    Status Send(const ConfirmationMessage& message) override;

  private:
    SmtpOptions options_;
};

}  // namespace mkt::client
