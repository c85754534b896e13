// Entries for store tests, built field by field (no XML involved: stores never
// parse documents). Each builder fills every field the store indexes with values
// derived from its arguments, so tests change only what they are about.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "registry/entry.hpp"
#include "registry/identifier.hpp"

namespace mkt::testing {

/// 2024-01-01T00:00:00Z: the reference instant of store tests.
inline constexpr Timestamp kT0 = Timestamp::FromUnixSeconds(1704067200);

/// A syntactically valid identifier, distinct for each n.
inline std::string TestIdentifier(uint64_t n) {
    char hex[41];
    std::snprintf(hex, sizeof hex, "%040llx", static_cast<unsigned long long>(n * 7919 + 1));
    return identifier::FromSha1Hex(hex).value();
}

/// ASCII lower case (the tests' own, independent of the stores').
inline std::string AsciiLowerForTest(std::string s) {
    for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    return s;
}

/// An ordinary valid entry of image `image` by `email`, endorsed at `created`:
/// valid for a year, Ubuntu 22.04 x86_64, one location, a document naming its key.
inline Entry TestEntry(uint64_t image, const std::string& email, Timestamp created) {
    Entry e;
    const std::string id = TestIdentifier(image);
    e.key = {id, email, created};
    EntryMetadata& m = e.metadata;
    m.identifier = id;
    m.bytes = 1024 * (image + 1);
    m.checksums = {{"SHA-1", "00ff"}};
    m.endorsement = {created,
                     email,
                     "CN=" + email.substr(0, email.find('@')) + ",O=Test",
                     {"CN=Test CA,O=Test"}};
    m.type = "machine";
    m.valid = created + 365 * 86400;
    m.title = "Image " + std::to_string(image);
    m.os = "Ubuntu";
    m.os_version = "22.04";
    m.os_arch = "x86_64";
    m.kind = "cloud";
    m.locations = {"http://images.example.org/" + std::to_string(image) + ".img"};
    e.signer.subject = m.endorsement.subject;
    e.signer.issuer = m.endorsement.issuers.front();
    e.document = "<signed doc " + e.key.ToPath() + ">";
    e.received = created + 5;
    return e;
}

/// Every field set, optionals present (one present but empty), bytes that are
/// neither text nor UTF-8 in the document.
inline Entry FullyPopulatedEntry() {
    Entry e = TestEntry(42, "jane.tester@example.org", kT0 + 3600);
    EntryMetadata& m = e.metadata;
    m.bytes = 10737418240ULL;
    m.checksums = {{"MD5", "d41d8cd98f00b204e9800998ecf8427e"},
                   {"SHA-1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
                   {"SHA-256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}};
    m.endorsement.issuers = {"CN=Test CA,O=Test", "CN=Other CA,O=Test"};
    m.valid = kT0 + 86400 * 30;
    m.image_created = kT0 - 86400;
    m.deprecated = "";  // present though empty: still deprecated
    m.title = "Ubuntu \xC3\xA9t\xC3\xA9 \"quoted\" \\ <tag>";
    m.description = "multi\nline\tdescription \xE2\x9C\x93";
    m.tag = "ubuntu-lts";
    m.creator = "Jane Tester";
    m.publisher = "Example Org";
    m.format = "qcow2";
    m.compression = "gz";
    m.hypervisor = "kvm";
    m.kind = "cloud";
    m.disks_bus = "virtio";
    m.os = "Ubuntu";
    m.os_version = "22.04";
    m.os_arch = "x86_64";
    m.version = "1.2";
    m.serial_number = 18446744073709551615ULL;
    m.locations = {"http://a.example.org/x.img.gz", "pdisk:host:1234/abcd"};
    m.inbound_ports = {22, 80, 443};
    m.outbound_ports = {0, 65535};
    m.icmp = {0, 8};
    m.replaces = TestIdentifier(41);
    m.is_replaced_by = TestIdentifier(43);
    m.is_version_of = TestIdentifier(40);
    e.signer.trust_mode = TrustMode::kCompat;
    e.signer.serial = "0a1b";
    e.signer.certificate_sha256 = std::string(64, 'f');
    e.signer.not_before = kT0 - 86400 * 100;
    e.signer.not_after = kT0 + 86400 * 265;
    e.signer.email_binding = "unbound";
    e.signer.signature_method = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    e.signer.canonicalization = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
    static constexpr char kDocument[] = "<?xml?>\0binary\xff\xfe tail";
    e.document = std::string(kDocument, sizeof kDocument - 1);
    e.received = kT0 + 3601;
    return e;
}

}  // namespace mkt::testing
