// ImageDigester and DigestImage against the real tools: every digest must equal
// what md5sum, sha1sum, sha256sum and sha512sum print for the uncompressed bytes;
// archives are made with the gzip, bzip2 and xz commands; damaged archives must
// be errors with messages, never checksums.
#include "registry/image/image_digester.hpp"

#include <filesystem>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/registry/image/image_test_support.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::image {
namespace {

using testing::CompressWith;
using testing::DigestsByTools;
using testing::ImageBytes;
using testing::ReadFile;
using testing::RunShell;
using testing::ShellQuote;
using testing::TempDir;
using testing::ToolDigests;
using testing::WriteFile;

constexpr size_t kMiB = 1 << 20;

void ExpectSameDigests(const ImageDigests& got, const ToolDigests& want, uint64_t bytes,
                       const std::string& what) {
    EXPECT_EQ(got.bytes, bytes) << what;
    EXPECT_EQ(got.md5, want.md5) << what;
    EXPECT_EQ(got.sha1, want.sha1) << what;
    EXPECT_EQ(got.sha256, want.sha256) << what;
    EXPECT_EQ(got.sha512, want.sha512) << what;
}

/// `status` is kInvalidArgument "<prefix>N: <reason>" for some offset N (decoders
/// report where they noticed the damage) and `reason` (any, when empty).
::testing::AssertionResult IsDamageAtSomeByte(const Status& status, const std::string& prefix,
                                              const std::string& reason = "") {
    const std::string& m = status.message();
    const size_t digits_end = m.find_first_not_of("0123456789", prefix.size());
    const bool ok = status.code() == StatusCode::kInvalidArgument && m.starts_with(prefix) &&
                    digits_end != std::string::npos && digits_end > prefix.size() &&
                    m.compare(digits_end, 2, ": ") == 0 && m.size() > digits_end + 2 &&
                    (reason.empty() || m.substr(digits_end + 2) == reason);
    if (ok) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << status.ToString() << " is not \"" << prefix
                                         << "N: " << (reason.empty() ? "<reason>" : reason) << "\"";
}

DigestOptions WithThreads(unsigned threads, Compression compression = Compression::kAuto) {
    DigestOptions options;
    options.threads = threads;
    options.compression = compression;
    return options;
}

/// The archive format of each parameterised test: the tool that makes it and
/// what DigestImage reports.
struct Format {
    const char* tool;  // "" = raw
    Compression compression;
};

class ImageDigestsOfEachFormat : public ::testing::TestWithParam<Format> {
  protected:
    /// Writes `bytes` as image.raw and, for an archive format, compresses it.
    std::filesystem::path MakeInput(const std::string& bytes) {
        const auto raw = dir_ / "image.raw";
        WriteFile(raw, bytes);
        if (std::string(GetParam().tool).empty()) return raw;
        return CompressWith(GetParam().tool, raw);
    }
    TempDir dir_;
};

TEST_P(ImageDigestsOfEachFormat, EqualTheCoreutilsDigestsOfTheUncompressedBytesForEverySize) {
    // 0 and 1 byte, around one buffer (1 MiB) and a multi-buffer size that is
    // not a multiple of it.
    for (const size_t size : {size_t{0}, size_t{1}, kMiB - 1, kMiB, kMiB + 1, 5 * kMiB + 12345}) {
        const std::string bytes = ImageBytes(size, static_cast<uint32_t>(size));
        const auto input = MakeInput(bytes);
        const ToolDigests want = DigestsByTools(dir_ / "image.raw");
        for (const unsigned threads : {1u, 2u}) {
            auto got = DigestImage(input, WithThreads(threads));
            ASSERT_TRUE(got.ok()) << got.status().ToString();
            ExpectSameDigests(*got, want, size,
                              input.filename().string() + " of " + std::to_string(size) +
                                  " bytes, threads=" + std::to_string(threads));
            EXPECT_EQ(got->compression, GetParam().compression);
            EXPECT_EQ(got->head, bytes.substr(0, kHeadBytes));
        }
    }
}

TEST_P(ImageDigestsOfEachFormat, AreTheSameWhenTheInputIsFedInPiecesOfAnySize) {
    const std::string bytes = ImageBytes(3 * kMiB + 777, 7);
    const auto input = MakeInput(bytes);
    const std::string file = ReadFile(input);
    const ToolDigests want = DigestsByTools(dir_ / "image.raw");
    // 1-byte pieces first (the magic number arrives one byte at a time), then odd sizes.
    for (const size_t piece : {size_t{1}, size_t{5}, size_t{4093}, size_t{100000}, file.size()}) {
        ImageDigester digester("fed", WithThreads(2));
        size_t pos = 0;
        const size_t first = piece == 1 ? 4096 : 0;  // 1-byte feeding of a whole file is slow
        for (; pos < first && pos < file.size(); ++pos) {
            ASSERT_TRUE(digester.Feed({file.data() + pos, 1}).ok());
        }
        while (pos < file.size()) {
            const size_t n = std::min(piece == 1 ? size_t{65536} : piece, file.size() - pos);
            ASSERT_TRUE(digester.Feed({file.data() + pos, n}).ok());
            pos += n;
        }
        auto got = digester.Finish();
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        ExpectSameDigests(*got, want, bytes.size(), "pieces of " + std::to_string(piece));
    }
}

INSTANTIATE_TEST_SUITE_P(
    , ImageDigestsOfEachFormat,
    ::testing::Values(Format{"", Compression::kNone}, Format{"gzip", Compression::kGzip},
                      Format{"bzip2", Compression::kBzip2}, Format{"xz", Compression::kXz}),
    [](const auto& param_info) {
        return std::string(*param_info.param.tool ? param_info.param.tool : "raw");
    });

/// The archive formats only: what a damaged archive must give.
class DamagedArchivesOfEachFormat : public ImageDigestsOfEachFormat {
  protected:
    /// "gzip", "bzip2", "xz": the format's name in messages.
    static std::string FormatName() { return GetParam().tool; }
};

TEST_P(DamagedArchivesOfEachFormat, ReportATruncatedArchiveAsAnErrorNamingTheFileAndTheSize) {
    const auto input = MakeInput(ImageBytes(2 * kMiB, 3));
    const std::string file = ReadFile(input);
    const std::string format = FormatName();
    for (const size_t keep : {file.size() / 2, file.size() - 1, size_t{0}}) {
        const auto cut = dir_ / ("cut" + std::to_string(keep));
        WriteFile(cut, file.substr(0, keep));
        auto got = DigestImage(cut, WithThreads(2, GetParam().compression));
        ASSERT_FALSE(got.ok()) << "truncated to " << keep << " bytes gave digests";
        EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
        EXPECT_EQ(got.status().message(), cut.string() + ": truncated " + format +
                                              " stream after " + std::to_string(keep) + " bytes");
    }
}

TEST_P(DamagedArchivesOfEachFormat, ReportACorruptedArchiveAsAnErrorWithTheOffset) {
    const auto input = MakeInput(ImageBytes(2 * kMiB, 4));
    std::string file = ReadFile(input);
    const std::string format = FormatName();
    // A flipped byte in the middle of the data, then one in the integrity check
    // at the end (gzip: CRC-32 and size; bzip2: stream CRC; xz: index and footer).
    for (const size_t at : {file.size() / 2, file.size() - 6}) {
        std::string damaged = file;
        damaged[at] = static_cast<char>(damaged[at] ^ 0x55);
        const auto path = dir_ / ("damaged" + std::to_string(at));
        WriteFile(path, damaged);
        auto got = DigestImage(path, WithThreads(2));
        ASSERT_FALSE(got.ok()) << "byte " << at << " flipped gave digests";
        EXPECT_TRUE(IsDamageAtSomeByte(got.status(),
                                       path.string() + ": corrupt " + format + " stream at byte "));
    }
}

INSTANTIATE_TEST_SUITE_P(, DamagedArchivesOfEachFormat,
                         ::testing::Values(Format{"gzip", Compression::kGzip},
                                           Format{"bzip2", Compression::kBzip2},
                                           Format{"xz", Compression::kXz}),
                         [](const auto& param_info) { return std::string(param_info.param.tool); });

class Digests : public ::testing::Test {
  protected:
    TempDir dir_;
};

TEST_F(Digests, OfSeveralConcatenatedArchiveMembersCoverAllOfThem) {
    const std::string a = ImageBytes(kMiB + 3, 11), b = ImageBytes(700000, 12);
    WriteFile(dir_ / "a", a);
    WriteFile(dir_ / "b", b);
    WriteFile(dir_ / "ab", a + b);
    const ToolDigests want = DigestsByTools(dir_ / "ab");
    for (const std::string tool : {"gzip", "bzip2", "xz"}) {
        const auto pa = CompressWith(tool, dir_ / "a"), pb = CompressWith(tool, dir_ / "b");
        const auto both = dir_ / ("ab" + testing::SuffixOf(tool));
        WriteFile(both, ReadFile(pa) + ReadFile(pb));
        auto got = DigestImage(both, WithThreads(2));
        ASSERT_TRUE(got.ok()) << tool << ": " << got.status().ToString();
        ExpectSameDigests(*got, want, a.size() + b.size(), "concatenated " + tool);
        // The tools agree that this is one archive of a + b.
        EXPECT_EQ(RunShell(tool + " -dc " + ShellQuote(both) + " | md5sum").substr(0, 32),
                  want.md5);
    }
}

TEST_F(Digests, AcceptZeroPaddingAfterTheLastMemberAndRefuseOtherTrailingData) {
    const std::string bytes = ImageBytes(300000, 21);
    WriteFile(dir_ / "img", bytes);
    const ToolDigests want = DigestsByTools(dir_ / "img");
    for (const std::string tool : {"gzip", "bzip2", "xz"}) {
        const std::string archive = ReadFile(CompressWith(tool, dir_ / "img"));
        const auto padded = dir_ / ("padded" + testing::SuffixOf(tool));
        WriteFile(padded, archive + std::string(512, '\0'));  // xz: a multiple of 4
        auto got = DigestImage(padded, WithThreads(2));
        ASSERT_TRUE(got.ok()) << tool << ": " << got.status().ToString();
        ExpectSameDigests(*got, want, bytes.size(), "zero-padded " + tool);

        const auto garbage = dir_ / ("garbage" + testing::SuffixOf(tool));
        WriteFile(garbage, archive + std::string(8, '\0') + "garbage!");
        auto refused = DigestImage(garbage, WithThreads(2));
        ASSERT_FALSE(refused.ok()) << tool << " with trailing garbage gave digests";
        EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
        EXPECT_EQ(refused.status().message(),
                  garbage.string() + ": unexpected data after the end of the " + tool +
                      " stream at byte " + std::to_string(archive.size() + 8));
    }
}

TEST_F(Digests, OfAGzipFileReadWithCompressionNoneAreThoseOfTheCompressedBytes) {
    WriteFile(dir_ / "img", ImageBytes(2 * kMiB + 5, 31));
    const auto gz = CompressWith("gzip", dir_ / "img");
    auto got = DigestImage(gz, WithThreads(2, Compression::kNone));
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ExpectSameDigests(*got, DigestsByTools(gz), std::filesystem::file_size(gz), "gz as raw");
    EXPECT_EQ(got->compression, Compression::kNone);
}

TEST_F(Digests, OfARawFileReadAsAnArchiveAreAnErrorNotChecksums) {
    const auto raw = dir_ / "img.raw";
    WriteFile(raw, ImageBytes(10000, 41));
    EXPECT_TRUE(IsDamageAtSomeByte(DigestImage(raw, WithThreads(2, Compression::kGzip)).status(),
                                   raw.string() + ": corrupt gzip stream at byte ",
                                   "incorrect header check"));
    EXPECT_TRUE(IsDamageAtSomeByte(DigestImage(raw, WithThreads(2, Compression::kBzip2)).status(),
                                   raw.string() + ": corrupt bzip2 stream at byte ",
                                   "not bzip2 data (bad magic number)"));
    EXPECT_TRUE(IsDamageAtSomeByte(DigestImage(raw, WithThreads(2, Compression::kXz)).status(),
                                   raw.string() + ": corrupt xz stream at byte ",
                                   "not xz data (file format not recognized)"));
}

TEST_F(Digests, AreIndependentOfTheNumberOfThreadsAcrossManyRingTurns) {
    // 20 MiB: the ring of 8 buffers is reused several times.
    const std::string bytes = ImageBytes(20 * kMiB + 4321, 51);
    WriteFile(dir_ / "img", bytes);
    const ToolDigests want = DigestsByTools(dir_ / "img");
    for (const unsigned threads : {0u, 1u, 2u, 3u, 4u, 16u}) {
        auto got = DigestImage(dir_ / "img", WithThreads(threads));
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        ExpectSameDigests(*got, want, bytes.size(), "threads=" + std::to_string(threads));
    }
}

TEST_F(Digests, ReportProgressUpToTheInputSize) {
    WriteFile(dir_ / "img", ImageBytes(4 * kMiB + 100, 61));
    const auto gz = CompressWith("gzip", dir_ / "img");
    const uint64_t gz_size = std::filesystem::file_size(gz);
    std::vector<DigestProgress> seen;
    DigestOptions options = WithThreads(2);
    options.progress = [&seen](const DigestProgress& p) { seen.push_back(p); };
    auto got = DigestImage(gz, options);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_GE(seen.size(), 2u);
    for (size_t i = 1; i < seen.size(); ++i) {
        EXPECT_LE(seen[i - 1].input_bytes, seen[i].input_bytes);
        EXPECT_LE(seen[i - 1].output_bytes, seen[i].output_bytes);
    }
    EXPECT_EQ(seen.back().input_bytes, gz_size);
    EXPECT_EQ(seen.back().output_bytes, got->bytes);
    EXPECT_EQ(seen.back().input_total, std::optional<uint64_t>(gz_size));
}

TEST_F(Digests, OfAMissingFileOrADirectoryAreAnIoError) {
    const auto missing = dir_ / "missing.img";
    auto got = DigestImage(missing, {});
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
    EXPECT_EQ(got.status().message(),
              "cannot open " + missing.string() + ": No such file or directory");
    got = DigestImage(dir_.path(), {});
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
    EXPECT_EQ(got.status().message(), "cannot open " + dir_.path().string() + ": Is a directory");
}

TEST_F(Digests, OfAPipeAreReadToItsEnd) {
    const std::string bytes = ImageBytes(3 * kMiB + 9, 71);
    WriteFile(dir_ / "img", bytes);
    const auto xz = CompressWith("xz", dir_ / "img", "-1");
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const std::string archive = ReadFile(xz);
    // The writer is a child process so that the pipe never fills up with nobody reading.
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(fds[0]);
        size_t pos = 0;
        while (pos < archive.size()) {
            const ssize_t n = ::write(fds[1], archive.data() + pos, archive.size() - pos);
            if (n <= 0) ::_exit(1);
            pos += static_cast<size_t>(n);
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    ImageDigester digester("stdin", WithThreads(2));
    const Status fed = digester.FeedFrom(fds[0]);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(fed.ok()) << fed.ToString();
    auto got = digester.Finish();
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ExpectSameDigests(*got, DigestsByTools(dir_ / "img"), bytes.size(), "xz through a pipe");
}

TEST(ImageDigester, KeepsItsFirstErrorAndRefusesUseAfterFinish) {
    ImageDigester digester("bad.gz", WithThreads(2, Compression::kGzip));
    const Status first = digester.Feed(std::string_view("not gzip at all"));
    ASSERT_FALSE(first.ok());
    EXPECT_TRUE(IsDamageAtSomeByte(first, "bad.gz: corrupt gzip stream at byte ",
                                   "incorrect header check"));
    EXPECT_EQ(digester.Feed(std::string_view("more")), first);
    EXPECT_EQ(digester.Finish().status(), first);

    ImageDigester done("ok", WithThreads(1));
    ASSERT_TRUE(done.Feed(std::string_view("abc")).ok());
    auto got = done.Finish();
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->md5, "900150983cd24fb0d6963f7d28e17f72");           // RFC 1321 test vector
    EXPECT_EQ(got->sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");  // FIPS 180 vector
    EXPECT_EQ(done.Feed(std::string_view("x")).code(), StatusCode::kInternal);
}

TEST(ImageDigester, StopsItsWorkersWhenDroppedBeforeFinish) {
    const std::string bytes = ImageBytes(12 * kMiB, 81);
    for (int i = 0; i < 3; ++i) {
        ImageDigester digester("dropped", WithThreads(4));
        ASSERT_TRUE(digester.Feed(bytes).ok());
    }  // the destructor must join the workers without waiting for Finish
}

TEST(Compression, IsDetectedFromTheMagicNumberOnly) {
    EXPECT_EQ(DetectCompression(std::string_view("\x1f\x8b\x08", 3)), Compression::kGzip);
    EXPECT_EQ(DetectCompression("BZh91AY&SY"), Compression::kBzip2);
    EXPECT_EQ(DetectCompression(std::string_view("\xfd"
                                                 "7zXZ\0\0",
                                                 7)),
              Compression::kXz);
    EXPECT_EQ(DetectCompression(std::string_view("\xfd"
                                                 "7zXZ",
                                                 5)),
              Compression::kNone);
    EXPECT_EQ(DetectCompression("BZ"), Compression::kNone);
    EXPECT_EQ(DetectCompression("QFI\xfb"), Compression::kNone);
    EXPECT_EQ(DetectCompression(""), Compression::kNone);
}

TEST(Compression, NamesRoundTripAndUnknownNamesAreListed) {
    for (const Compression c : {Compression::kAuto, Compression::kNone, Compression::kGzip,
                                Compression::kBzip2, Compression::kXz}) {
        auto parsed = ParseCompression(CompressionName(c));
        ASSERT_TRUE(parsed.ok());
        EXPECT_EQ(*parsed, c);
    }
    EXPECT_EQ(*ParseCompression("gzip"), Compression::kGzip);
    EXPECT_EQ(*ParseCompression("bzip2"), Compression::kBzip2);
    EXPECT_EQ(ParseCompression("zip").status().message(),
              "unknown compression 'zip' (auto, none, gz, bz2, xz)");
}

}  // namespace
}  // namespace mkt::image
