#include "mappers/native_json.hpp"

#include <nlohmann/json.hpp>

#include "mappers/url.hpp"

namespace mkt::mappers {
namespace {

using nlohmann::json;

json TextOrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json TimeOrNull(const std::optional<Timestamp>& t) {
    return t ? json(t->ToString()) : json(nullptr);
}

std::string Dump(const json& j) {
    // Documents may hold invalid UTF-8 in theory; never throw at the edge.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json SignerJson(const SignerInfo& s) {
    return {{"trust_mode", TrustModeName(s.trust_mode)},
            {"subject", s.subject},
            {"issuer", s.issuer},
            {"serial", TextOrNull(s.serial)},
            {"certificate_sha256", TextOrNull(s.certificate_sha256)},
            {"not_before", TimeOrNull(s.not_before)},
            {"not_after", TimeOrNull(s.not_after)},
            {"email_binding", TextOrNull(s.email_binding)},
            {"signature_method", TextOrNull(s.signature_method)},
            {"canonicalization", TextOrNull(s.canonicalization)}};
}

json EntryJson(const Entry& e, const LinkContext& ctx) {
    const EntryMetadata& m = e.metadata;
    json checksums = json::object();
    for (const auto& c : m.checksums) checksums[c.algorithm] = c.value;
    return {
        {"identifier", e.key.identifier},
        {"endorser",
         {{"email", m.endorsement.email},
          {"subject", m.endorsement.subject},
          {"issuer",
           m.endorsement.issuers.empty() ? json(nullptr) : json(m.endorsement.issuers.front())}}},
        {"created", e.key.created.ToString()},
        {"url", EntryUrl(e.key, ctx.base_url)},
        {"status", EntryStatusName(e.StatusAt(ctx.now))},
        {"deprecated", m.deprecated ? json(*m.deprecated) : json(nullptr)},
        {"valid", TimeOrNull(m.valid)},
        {"seq", e.seq},
        {"received", e.received.ToString()},
        {"title", TextOrNull(m.title)},
        {"description", TextOrNull(m.description)},
        {"tag", TextOrNull(m.tag)},
        {"type", TextOrNull(m.type)},
        {"kind", TextOrNull(m.kind)},
        {"os", TextOrNull(m.os)},
        {"os_version", TextOrNull(m.os_version)},
        {"os_arch", TextOrNull(m.os_arch)},
        {"version", TextOrNull(m.version)},
        {"serial_number", m.serial_number ? json(*m.serial_number) : json(nullptr)},
        {"format", TextOrNull(m.format)},
        {"compression", TextOrNull(m.compression)},
        {"hypervisor", TextOrNull(m.hypervisor)},
        {"disks_bus", TextOrNull(m.disks_bus)},
        {"creator", TextOrNull(m.creator)},
        {"publisher", TextOrNull(m.publisher)},
        {"image_created", TimeOrNull(m.image_created)},
        {"bytes", m.bytes},
        {"checksums", checksums},
        {"locations", m.locations},
        {"inbound_ports", m.inbound_ports},
        {"outbound_ports", m.outbound_ports},
        {"icmp", m.icmp},
        {"replaces", TextOrNull(m.replaces)},
        {"is_replaced_by", TextOrNull(m.is_replaced_by)},
        {"is_version_of", TextOrNull(m.is_version_of)},
        {"signature", SignerJson(e.signer)},
    };
}

}  // namespace

std::string EntryUrl(const EntryKey& key, std::string_view base_url) {
    return std::string(base_url) + "metadata/" + PercentEncode(key.identifier, true) + "/" +
           PercentEncode(key.email, true) + "/" + PercentEncode(key.created.ToString(), true);
}

std::string EntryToJson(const Entry& entry, const LinkContext& context) {
    return Dump(EntryJson(entry, context)) + "\n";
}

std::string EntryToJson(const Entry& entry, const LinkContext& context,
                        const std::vector<ProviderHolding>& available_at) {
    json body = EntryJson(entry, context);
    json list = json::array();
    for (const ProviderHolding& a : available_at) {
        list.push_back({{"provider", a.provider},
                        {"occi_endpoint", a.occi_endpoint},
                        {"state", a.state},
                        {"glance_id", a.glance_id},
                        {"os_tpl", {{"scheme", kOpenStackOsTplScheme}, {"term", a.glance_id}}}});
    }
    body["available_at"] = std::move(list);
    return Dump(body) + "\n";
}

std::string PageToJson(const EntryPage& page, size_t offset, size_t limit,
                       std::string_view next_url, const LinkContext& context) {
    json entries = json::array();
    for (const Entry& e : page.entries) entries.push_back(EntryJson(e, context));
    json body = {{"total", page.total},
                 {"count", page.entries.size()},
                 {"offset", offset},
                 {"limit", limit},
                 {"next_cursor", page.next_cursor ? json(*page.next_cursor) : json(nullptr)},
                 {"next", next_url.empty() ? json(nullptr) : json(std::string(next_url))},
                 {"entries", std::move(entries)}};
    return Dump(body) + "\n";
}

std::string EndorsersToJson(const std::vector<EndorserSummary>& endorsers,
                            const LinkContext& context) {
    json list = json::array();
    for (const auto& e : endorsers) {
        list.push_back({{"email", e.email},
                        {"subject", e.subject},
                        {"issuer", e.issuer},
                        {"entries", e.entries},
                        {"latest_created", e.latest_created.ToString()},
                        {"url", context.base_url + "endorsers/" + PercentEncode(e.email, true)}});
    }
    return Dump(json{{"count", endorsers.size()}, {"endorsers", std::move(list)}}) + "\n";
}

std::string TagsToJson(std::string_view email, const std::vector<std::string>& tags) {
    return Dump(json{{"email", std::string(email)}, {"tags", tags}}) + "\n";
}

std::string ErrorToJson(const Status& status, int http_status, std::string_view request_id) {
    return Dump(json{{"error",
                      {{"status", http_status},
                       {"code", StatusCodeName(status.code())},
                       {"message", status.message()},
                       {"request_id", std::string(request_id)}}}}) +
           "\n";
}

std::string SubmitToJson(const Entry& entry, bool created, const LinkContext& context) {
    return Dump(json{{"created", created},
                     {"url", EntryUrl(entry.key, context.base_url)},
                     {"identifier", entry.key.identifier},
                     {"email", entry.key.email},
                     {"endorsement_created", entry.key.created.ToString()},
                     {"seq", entry.seq},
                     {"status", EntryStatusName(entry.StatusAt(context.now))},
                     {"trust_mode", TrustModeName(entry.signer.trust_mode)}}) +
           "\n";
}

std::string HeldToJson(const EntryKey& key, const HeldUpload& held) {
    return Dump(json{{"created", false},
                     {"held", true},
                     {"identifier", key.identifier},
                     {"email", key.email},
                     {"endorsement_created", key.created.ToString()},
                     {"confirmation_sent_to", held.email},
                     {"expires", held.expires.ToString()},
                     {"message", HeldUploadExplanation(held)}}) +
           "\n";
}

std::string ConfirmOutcomeToJson(const ConfirmOutcome& outcome, const LinkContext& context) {
    json published = json::array(), already = json::array(), refused = json::array();
    for (const Entry& e : outcome.published) {
        published.push_back({{"url", EntryUrl(e.key, context.base_url)},
                             {"identifier", e.key.identifier},
                             {"endorsement_created", e.key.created.ToString()},
                             {"seq", e.seq}});
    }
    for (const EntryKey& k : outcome.already_stored) {
        already.push_back({{"url", EntryUrl(k, context.base_url)},
                           {"identifier", k.identifier},
                           {"endorsement_created", k.created.ToString()}});
    }
    for (const auto& [k, status] : outcome.refused) {
        refused.push_back({{"identifier", k.identifier},
                           {"endorsement_created", k.created.ToString()},
                           {"code", StatusCodeName(status.code())},
                           {"message", status.message()}});
    }
    return Dump(json{{"email", outcome.email},
                     {"confirmed", true},
                     {"published", std::move(published)},
                     {"already_stored", std::move(already)},
                     {"refused", std::move(refused)}}) +
           "\n";
}

}  // namespace mkt::mappers
