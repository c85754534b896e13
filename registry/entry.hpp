// Entry: one accepted, signed metadata document and what the registry knows of it.
//
// An entry is identified by EntryKey (image identifier, endorser email,
// endorsement created). Entries are immutable and never deleted; deprecation is
// a newer entry carrying slterms:deprecated. `document` holds the signed bytes
// exactly as uploaded: every read of the original returns them unchanged, so
// anyone can re-verify the signature.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "registry/timestamp.hpp"

namespace mkt {

struct EntryKey {
    std::string identifier;  // 27-char image identifier
    std::string email;       // endorser email (slreq:email)
    Timestamp created;       // endorsement dcterms:created

    /// "<identifier>/<email>/<created>", the path under /metadata/.
    std::string ToPath() const;
    friend bool operator==(const EntryKey&, const EntryKey&) = default;
};

struct Checksum {
    std::string algorithm;  // "MD5", "SHA-1", "SHA-256", "SHA-512" (Java names)
    std::string value;      // hex as written in the document
    friend bool operator==(const Checksum&, const Checksum&) = default;
};

/// The slreq:endorsement block as written in the document.
struct Endorsement {
    Timestamp created;
    std::string email;
    std::string subject;               // RFC 2253 DN (Java X500Principal form)
    std::vector<std::string> issuers;  // one or more; the first is bound to the certificate
    friend bool operator==(const Endorsement&, const Endorsement&) = default;
};

/// Typed view of the metadata fields (reference stratuslab-marketplace.md 2.3).
/// Optional text fields are empty when absent; `present` flags are kept only where
/// absence and emptiness mean different things.
struct EntryMetadata {
    std::string identifier;
    uint64_t bytes = 0;
    std::vector<Checksum> checksums;
    Endorsement endorsement;
    std::string type;                        // dcterms:type (exactly one)
    std::optional<Timestamp> valid;          // dcterms:valid: end of the endorsement
    std::optional<Timestamp> image_created;  // top-level dcterms:created
    std::optional<std::string> deprecated;   // slterms:deprecated reason; present = deprecated
    std::string title, description, tag /* dcterms:alternative */, creator, publisher;
    std::string format, compression, hypervisor, kind, disks_bus;
    std::string os, os_version, os_arch, version /* slterms:version */;
    std::optional<uint64_t> serial_number;
    std::vector<std::string> locations;
    std::vector<uint32_t> inbound_ports, outbound_ports, icmp;
    std::string replaces, is_replaced_by, is_version_of;  // identifiers, when given

    /// The value of the checksum with this algorithm, or empty.
    std::string ChecksumValue(std::string_view algorithm) const;
    friend bool operator==(const EntryMetadata&, const EntryMetadata&) = default;
};

/// How far the signer was checked; stored with the entry and shown in every view.
enum class TrustMode {
    kStrict,  // chain to a configured CA, validity dates, CRLs, email binding
    kCompat,  // StratusLab's self-consistency only (signature + DN equality); legacy data
};
std::string_view TrustModeName(TrustMode mode);  // "strict" / "compat"

/// What signature verification established about the signer.
struct SignerInfo {
    TrustMode trust_mode = TrustMode::kStrict;
    std::string subject;             // RFC 2253, Java form
    std::string issuer;              // RFC 2253, Java form
    std::string serial;              // certificate serial, hex
    std::string certificate_sha256;  // fingerprint of the signing certificate, hex
    std::optional<Timestamp> not_before, not_after;
    std::string email_binding;     // "san", "endorser-list" or "unbound" (compat only)
    std::string signature_method;  // algorithm URI, e.g. ...xmldsig-more#rsa-sha256
    std::string canonicalization;  // C14N algorithm URI
    friend bool operator==(const SignerInfo&, const SignerInfo&) = default;
};

/// Listing status of an entry at a given time.
enum class EntryStatus { kValid, kExpired, kDeprecated };
std::string_view EntryStatusName(EntryStatus status);  // "valid" / "expired" / "deprecated"

struct Entry {
    EntryKey key;
    EntryMetadata metadata;
    SignerInfo signer;
    std::string document;  // the signed bytes, exactly as received
    int64_t seq = 0;       // change sequence: assigned by the store, strictly increasing
    Timestamp received;    // server time of acceptance

    /// Deprecated if slterms:deprecated is present; else expired when dcterms:valid
    /// is at or before `now`; else valid (an entry without dcterms:valid never expires).
    EntryStatus StatusAt(Timestamp now) const;
};

}  // namespace mkt
