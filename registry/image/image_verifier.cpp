#include "registry/image/image_verifier.hpp"

#include <cctype>

#include "registry/text.hpp"

namespace mkt::image {
namespace {

enum class Algorithm { kMd5, kSha1, kSha256, kSha512, kUnknown };

Algorithm ParseAlgorithm(std::string_view name) {
    std::string n;
    for (char c : name) {
        if (c != '-') n.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    if (n == "MD5") return Algorithm::kMd5;
    if (n == "SHA1") return Algorithm::kSha1;
    if (n == "SHA256") return Algorithm::kSha256;
    if (n == "SHA512") return Algorithm::kSha512;
    return Algorithm::kUnknown;
}

// Checksums compare by value, as StratusLab compared them.
std::string Normalized(std::string_view hex) { return text::HexByValue(hex); }

}  // namespace

std::string DigestFor(const ImageDigests& digests, std::string_view algorithm) {
    switch (ParseAlgorithm(algorithm)) {
        case Algorithm::kMd5:
            return digests.md5;
        case Algorithm::kSha1:
            return digests.sha1;
        case Algorithm::kSha256:
            return digests.sha256;
        case Algorithm::kSha512:
            return digests.sha512;
        case Algorithm::kUnknown:
            break;
    }
    return {};
}

Result<DigestSelection> SelectionFor(const EntryMetadata& metadata) {
    if (metadata.checksums.empty()) {
        return Status::InvalidArgument("the entry lists no checksum: the image cannot be verified");
    }
    DigestSelection s{false, false, false, false};
    for (const Checksum& c : metadata.checksums) {
        switch (ParseAlgorithm(c.algorithm)) {
            case Algorithm::kMd5:
                s.md5 = true;
                break;
            case Algorithm::kSha1:
                s.sha1 = true;
                break;
            case Algorithm::kSha256:
                s.sha256 = true;
                break;
            case Algorithm::kSha512:
                s.sha512 = true;
                break;
            case Algorithm::kUnknown:
                return Status::InvalidArgument("checksum algorithm '" + c.algorithm +
                                               "' is not supported (MD5, SHA-1, SHA-256, SHA-512)");
        }
    }
    return s;
}

Status VerifyDigests(const ImageDigests& digests, const EntryMetadata& metadata) {
    MKT_RETURN_IF_ERROR(SelectionFor(metadata).status());
    if (digests.bytes != metadata.bytes) {
        return Status::InvalidArgument("size mismatch: the entry says " +
                                       std::to_string(metadata.bytes) + " bytes, the image has " +
                                       std::to_string(digests.bytes) + " bytes");
    }
    for (const Checksum& c : metadata.checksums) {
        const std::string computed = DigestFor(digests, c.algorithm);
        if (computed.empty()) {
            return Status::Internal(c.algorithm + " was not computed for this image");
        }
        if (Normalized(computed) != Normalized(c.value)) {
            return Status::InvalidArgument(c.algorithm + " mismatch: the entry says " + c.value +
                                           ", the image has " + computed);
        }
    }
    return Status::Ok();
}

}  // namespace mkt::image
