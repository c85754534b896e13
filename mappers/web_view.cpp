#include "mappers/web_view.hpp"

#include "mappers/url.hpp"

namespace mkt::mappers::web {
namespace {

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != prefix[i]) return false;
    }
    return true;
}

std::string TimeText(const std::optional<Timestamp>& t) { return t ? t->ToString() : ""; }

std::string Join(const std::vector<uint32_t>& values) {
    std::string out;
    for (uint32_t v : values) out += (out.empty() ? "" : ", ") + std::to_string(v);
    return out;
}

void AddField(std::vector<Field>& fields, std::string label, std::string value) {
    if (!value.empty()) fields.push_back({std::move(label), std::move(value)});
}

std::vector<Field> MetadataFields(const EntryMetadata& m) {
    std::vector<Field> f;
    AddField(f, "Identifier", m.identifier);
    AddField(f, "Title", m.title);
    AddField(f, "Description", m.description);
    AddField(f, "Operating system", m.os);
    AddField(f, "OS version", m.os_version);
    AddField(f, "Architecture", m.os_arch);
    AddField(f, "Kind", m.kind);
    AddField(f, "Type", m.type);
    AddField(f, "Image version", m.version);
    AddField(f, "Tag", m.tag);
    AddField(f, "Format", m.format);
    AddField(f, "Compression", m.compression);
    AddField(f, "Hypervisor", m.hypervisor);
    AddField(f, "Disks bus", m.disks_bus);
    AddField(f, "Size (bytes)", std::to_string(m.bytes));
    AddField(f, "Serial number", m.serial_number ? std::to_string(*m.serial_number) : "");
    AddField(f, "Creator", m.creator);
    AddField(f, "Publisher", m.publisher);
    AddField(f, "Image created", TimeText(m.image_created));
    AddField(f, "Valid until", m.valid ? m.valid->ToString() : "no end date (never expires)");
    AddField(f, "Inbound ports", Join(m.inbound_ports));
    AddField(f, "Outbound ports", Join(m.outbound_ports));
    AddField(f, "ICMP types", Join(m.icmp));
    AddField(f, "Replaces", m.replaces);
    AddField(f, "Is replaced by", m.is_replaced_by);
    AddField(f, "Is version of", m.is_version_of);
    return f;
}

std::string CertificateState(const SignerInfo& s, Timestamp now) {
    if (s.not_after && *s.not_after < now) return "expired on " + s.not_after->ToString();
    if (s.not_before && now < *s.not_before)
        return "not yet valid (from " + s.not_before->ToString() + ")";
    if (!s.not_before && !s.not_after) return "validity dates unknown";
    return "valid on " + now.ToString();
}

std::string Verdict(const Entry& e) {
    const SignerInfo& s = e.signer;
    if (s.trust_mode == TrustMode::kStrict) {
        return "Signature verified: the signing certificate chains to a trusted CA, was valid "
               "and not revoked when the entry was accepted (" +
               e.received.ToString() + "), and is bound to " + e.key.email + ".";
    }
    return "Signature self-consistent only (compat trust mode): the document was signed by the "
           "certificate it carries, whose subject and issuer match the endorsement; the "
           "certificate was not chained to a trusted CA nor checked for expiry or revocation.";
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

bool IsDownloadLink(std::string_view location) {
    if (!StartsWithIgnoreCase(location, "http://") && !StartsWithIgnoreCase(location, "https://") &&
        !StartsWithIgnoreCase(location, "ftp://")) {
        return false;
    }
    for (char c : location) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
    }
    return true;
}

std::string EndorserUrl(std::string_view email, std::string_view base_url) {
    return std::string(base_url) + "endorsers/" + PercentEncode(email, true);
}

EntryRow ToEntryRow(const Entry& e, const LinkContext& ctx) {
    const EntryMetadata& m = e.metadata;
    EntryRow row{e.key.identifier,
                 e.key.email,
                 e.key.created.ToString(),
                 m.os,
                 m.os_version,
                 m.os_arch,
                 m.kind,
                 m.title,
                 std::string(EntryStatusName(e.StatusAt(ctx.now))),
                 EntryUrl(e.key, ctx.base_url),
                 EndorserUrl(e.key.email, ctx.base_url),
                 {}};
    for (const auto& location : m.locations) {
        if (IsDownloadLink(location)) {
            row.download_url = location;
            break;
        }
    }
    return row;
}

SignatureView ToSignatureView(const Entry& e, Timestamp now) {
    const SignerInfo& s = e.signer;
    const Endorsement& en = e.metadata.endorsement;
    return {std::string(TrustModeName(s.trust_mode)),
            Verdict(e),
            s.subject,
            s.issuer,
            s.serial,
            s.certificate_sha256,
            TimeText(s.not_before),
            TimeText(s.not_after),
            CertificateState(s, now),
            s.email_binding,
            s.signature_method,
            s.canonicalization,
            en.email,
            en.subject,
            en.created.ToString(),
            en.issuers};
}

EntryView ToEntryView(const Entry& e, const LinkContext& ctx) {
    EntryView v;
    v.row = ToEntryRow(e, ctx);
    v.description = e.metadata.description;
    v.deprecated = e.metadata.deprecated;
    v.fields = MetadataFields(e.metadata);
    v.checksums = e.metadata.checksums;
    for (const auto& location : e.metadata.locations)
        v.locations.push_back({location, IsDownloadLink(location)});
    v.signature = ToSignatureView(e, ctx.now);
    const std::string url = EntryUrl(e.key, ctx.base_url);
    const std::string id = PercentEncode(e.key.identifier, true);
    v.links = {url + "?media=rdf", url + "?media=json", ctx.base_url + "cimi/machineImages/" + id,
               ctx.base_url + "storage/" + id,
               ctx.base_url + "metadata?identifier=" + PercentEncode(e.key.identifier, false) +
                   "&status=all"};
    v.received = e.received.ToString();
    return v;
}

EndorserRow ToEndorserRow(const EndorserSummary& s, std::string_view base_url) {
    return {s.email,
            s.subject,
            s.issuer,
            std::to_string(s.entries),
            s.latest_created.ToString(),
            EndorserUrl(s.email, base_url)};
}

}  // namespace mkt::mappers::web
