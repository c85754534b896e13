// EntryCodec: the compact text form of an entry's typed fields (EntryMetadata and
// SignerInfo), private to registry/store/.
//
// SQL stores keep, per entry, the signed bytes untouched in their own column plus
// this string, so reading an entry never re-parses XML or re-verifies anything.
// Format: one JSON object (nlohmann::json) with short keys (table in the .cpp),
// fields that are empty or absent omitted, timestamps as Unix seconds, and a
// format version "v". Decode(Encode(m, s)) == (m, s) for every value (lossless:
// an optional that is present but empty stays present).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "registry/entry.hpp"
#include "registry/result.hpp"

namespace mkt::store {

/// Format version written by EncodeEntryFields; Decode refuses newer ones.
inline constexpr int kEntryCodecVersion = 1;

/// Errors: kInvalidArgument "entry field <name> is not valid UTF-8" when a text
/// field holds bytes JSON cannot carry (documents parsed by libxml2 never do).
Result<std::string> EncodeEntryFields(const EntryMetadata& metadata, const SignerInfo& signer);

/// Fills `metadata` and `signer` (overwriting them) from `text`.
/// Errors: kInternal "stored entry fields are corrupt: <detail>" when `text` is
/// not what EncodeEntryFields writes, or has a newer format version.
Status DecodeEntryFields(std::string_view text, EntryMetadata& metadata, SignerInfo& signer);

}  // namespace mkt::store
