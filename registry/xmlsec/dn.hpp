// Distinguished names exactly as Java's X500Principal.getName() writes them.
//
// StratusLab binds a certificate to a document by exact string equality of the
// certificate's subject/issuer with slreq:subject/slreq:issuer, and those strings
// were produced by Java (reference/stratuslab-marketplace.md 4.1-4.2). So this
// is Java's RFC 2253 form, not OpenSSL's:
//  * RDNs in reverse order of the encoding, separated by ',' (no spaces);
//    the AVAs of a multi-valued RDN joined by '+' in encoding order;
//  * attribute keywords only for CN C L ST O OU STREET DC UID; every other type
//    (e.g. emailAddress) as its dotted OID followed by "=#" and the lowercase hex
//    of the value's DER encoding (tag, length, content);
//  * keyword values of string types (UTF8String, PrintableString, TeletexString,
//    IA5String, GeneralString, BMPString) as UTF-8 (Teletex and the like read as
//    ISO-8859-1, BMP as UTF-16BE, as Java does); other value types as "#hex";
//  * a backslash before each of , = + < > # ; " \ (Java also escapes = and #
//    anywhere), NUL as \00, and before each leading or trailing space or CR.
// Functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <openssl/types.h>

#include "registry/result.hpp"

namespace mkt::xmlsec {

/// The Java RFC 2253 string of `name` ("" for an empty name).
std::string JavaRfc2253(const X509_NAME* name);

/// As JavaRfc2253, for a DER-encoded Name. Errors: kInvalidArgument
/// "not a DER-encoded X.500 name" when the bytes do not decode.
Result<std::string> JavaRfc2253FromDer(std::string_view der);

}  // namespace mkt::xmlsec
