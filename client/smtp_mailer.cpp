#include "client/smtp_mailer.hpp"

#include <algorithm>
#include <atomic>
#include <ctime>
#include <memory>

#include <curl/curl.h>

#include "registry/xmlsec/random_tokens.hpp"

namespace mkt::client {
namespace {

/// RFC 5322 date-time in UTC, e.g. "Fri, 04 Dec 2026 19:12:02 +0000".
std::string MailDate(Timestamp t) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t seconds = static_cast<std::time_t>(t.unix_seconds());
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                  tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buffer;
}

/// The message on its way out (CURLOPT_READFUNCTION's user data).
struct MessageReader {
    std::string_view rest;
};

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
    auto* reader = static_cast<MessageReader*>(user);
    const size_t n = std::min(reader->rest.size(), size * count);
    std::copy_n(reader->rest.data(), n, buffer);
    reader->rest.remove_prefix(n);
    return n;
}

std::string Where(const SmtpOptions& o) { return o.host + ":" + std::to_string(o.port); }

}  // namespace

Status CheckMailAddress(std::string_view address) {
    const bool printable = std::all_of(address.begin(), address.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u != 0x7f && c != '<' && c != '>' && c != '"' && c != ',';
    });
    if (address.empty() || !printable || address.find('@') == std::string_view::npos ||
        address.find('@') == 0 || address.back() == '@') {
        return Status::InvalidArgument("cannot send mail to '" + std::string(address) +
                                       "': not a plain e-mail address");
    }
    return Status::Ok();
}

std::string FormatConfirmationMail(const ConfirmationMessage& m, const SmtpOptions& o,
                                   Timestamp date, const std::string& message_id) {
    const std::string where = o.marketplace_url.empty() ? "the Marketplace" : o.marketplace_url;
    std::string mail;
    mail += "Date: " + MailDate(date) + "\r\n";
    mail += "From: Marketplace <" + o.from + ">\r\n";
    mail += "To: <" + m.to + ">\r\n";
    mail += "Subject: Confirm your e-mail address to publish image " + m.key.identifier + "\r\n";
    mail += "Message-ID: <" + message_id + ">\r\n";
    mail += "MIME-Version: 1.0\r\n";
    mail += "Content-Type: text/plain; charset=utf-8\r\n";
    mail += "Content-Transfer-Encoding: 8bit\r\n";
    mail += "Auto-Submitted: auto-generated\r\n";
    mail += "\r\n";
    mail += "A metadata entry signed with a certificate for " + m.to + "\r\n";
    mail += "was uploaded to " + where + ":\r\n\r\n";
    mail += "  image     " + m.key.identifier + "\r\n";
    mail += "  endorsed  " + m.key.created.ToString() + "\r\n";
    if (m.deprecation) mail += "  (the entry deprecates the image)\r\n";
    mail += "\r\n";
    mail += "This address is not confirmed on this Marketplace yet, so the entry is\r\n";
    mail += "held: nobody sees it. To confirm the address and publish every entry\r\n";
    mail += "held for it, open this link before " + m.expires.ToString() + ":\r\n\r\n";
    mail += "  " + m.link + "\r\n\r\n";
    mail += "The link works once. Once the address is confirmed, entries signed\r\n";
    mail += "for it are published as soon as they are uploaded.\r\n\r\n";
    mail += "If you did not upload this entry, ignore this message: what is held\r\n";
    mail += "for this address is dropped at " + m.expires.ToString() + ".\r\n";
    return mail;
}

Status SmtpMailer::Send(const ConfirmationMessage& message) {
    MKT_RETURN_IF_ERROR(CheckMailAddress(message.to));
    MKT_RETURN_IF_ERROR(CheckMailAddress(options_.from));
    static std::atomic<uint64_t> sequence{0};
    xmlsec::OpenSslConfirmationTokens random;
    MKT_ASSIGN_OR_RETURN(std::string unique, random.NewToken());
    const std::string domain = options_.from.substr(options_.from.find('@') + 1);
    const std::string message_id =
        std::to_string(sequence.fetch_add(1)) + "." + unique.substr(0, 16) + "@" + domain;
    const std::string text = FormatConfirmationMail(
        message, options_, Timestamp::FromUnixSeconds(std::time(nullptr)), message_id);

    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return Status::Internal("cannot start an SMTP transfer (curl_easy_init failed)");
    CURL* c = curl.get();
    const std::string scheme = options_.tls == SmtpTls::kImplicit ? "smtps://" : "smtp://";
    const std::string url =
        scheme + options_.host + ":" + std::to_string(options_.port) + "/" + domain;
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_USE_SSL,
                     options_.tls == SmtpTls::kOpportunistic ? static_cast<long>(CURLUSESSL_TRY)
                                                             : static_cast<long>(CURLUSESSL_ALL));
    if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
    if (!options_.username.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, options_.username.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
    }
    const std::string from = "<" + options_.from + ">";
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    const std::string to = "<" + message.to + ">";
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt(
        curl_slist_append(nullptr, to.c_str()), curl_slist_free_all);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
    MessageReader reader{text};
    curl_easy_setopt(c, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(c, CURLOPT_READDATA, &reader);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout_seconds));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);

    const CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        long reply = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
        std::string why = error[0] != 0 ? error : curl_easy_strerror(rc);
        if (reply != 0) why += " (last reply " + std::to_string(reply) + ")";
        return Status::Unavailable("mail server " + Where(options_) + ": " + why);
    }
    return Status::Ok();
}

}  // namespace mkt::client
