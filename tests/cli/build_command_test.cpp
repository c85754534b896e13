// `marketplace build`: RunBuild in process (streams captured), on real images and
// archives made by gzip, bzip2 and xz, with the digests of md5sum, sha1sum,
// sha256sum and sha512sum as the truth; its documents are signed by the real
// signer and read back by the real parser. The last tests run the real binary.
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/command.hpp"
#include "cli/commands/commands.hpp"
#include "registry/clock.hpp"
#include "registry/identifier.hpp"
#include "registry/xmlsec/metadata_parser.hpp"
#include "tests/cli/cli_runner.hpp"
#include "tests/registry/image/image_test_support.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace mkt::cli {
namespace {

using testing::CompressWith;
using testing::DigestsByTools;
using testing::ImageBytes;
using testing::ReadFile;
using testing::TempDir;
using testing::ToolDigests;
using testing::WriteFile;

struct Outcome {
    int exit_code = -1;
    std::string out, err;
};

Outcome Build(const std::vector<std::string>& args, bool err_is_terminal = false,
              bool global_quiet = false) {
    std::ostringstream out, err;
    CommandContext ctx{ClientConfig{}, out, err};
    ctx.err_is_terminal = err_is_terminal;
    ctx.quiet = global_quiet;
    const int code = RunBuild(args, ctx);
    return {code, out.str(), err.str()};
}

/// The document signed as alice and parsed back (a failure fails the test).
EntryMetadata SignAndParse(const std::string& document) {
    const Timestamp now = SystemClock().Now();
    const std::string signed_doc = testing::SignAs("alice", document, now);
    auto parsed = xmlsec::XmlMetadataParser().ParseMetadata(signed_doc);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << document;
    if (!parsed.ok()) return {};
    return (*parsed)->metadata();
}

void ExpectDigests(const EntryMetadata& m, const ToolDigests& want, uint64_t bytes) {
    EXPECT_EQ(m.bytes, bytes);
    EXPECT_EQ(m.ChecksumValue("MD5"), want.md5);
    EXPECT_EQ(m.ChecksumValue("SHA-1"), want.sha1);
    EXPECT_EQ(m.ChecksumValue("SHA-256"), want.sha256);
    EXPECT_EQ(m.ChecksumValue("SHA-512"), want.sha512);
    EXPECT_EQ(m.identifier, *identifier::FromSha1Hex(want.sha1));
}

class BuildCommand : public ::testing::Test {
  protected:
    std::string Image(const std::string& name, size_t size, uint32_t seed = 1) {
        WriteFile(dir_ / name, ImageBytes(size, seed));
        return (dir_ / name).string();
    }
    TempDir dir_;
};

TEST_F(BuildCommand, WritesADocumentWithEveryOptionThatSignsAndParses) {
    const std::string image = Image("noble.img", 3 * (1 << 20) + 17);
    const Timestamp before = SystemClock().Now();
    const Outcome r = Build({image,
                             "--author",
                             "Jane Tester",
                             "--os",
                             "Ubuntu",
                             "--os-version",
                             "24.04",
                             "--os-arch",
                             "x86_64",
                             "--image-version",
                             "1.2",
                             "--location",
                             "https://a.example.org/noble.img",
                             "--location",
                             "https://b.example.org/noble.img",
                             "--hypervisor",
                             "kvm",
                             "--disks-bus",
                             "virtio",
                             "--title",
                             "Noble <&> \"LTS\"",
                             "--description",
                             "Cloud image\nsecond line",
                             "--tag",
                             "noble",
                             "--publisher",
                             "Example Org",
                             "--valid-days",
                             "30",
                             "--kind",
                             "disk",
                             "--type",
                             "grid",
                             "--threads",
                             "2"});
    const Timestamp after = SystemClock().Now();
    ASSERT_EQ(r.exit_code, kExitOk) << r.err;
    EXPECT_EQ(r.err, "");  // not a terminal, locations given: nothing to say

    const EntryMetadata m = SignAndParse(r.out);
    ExpectDigests(m, DigestsByTools(image), 3 * (1 << 20) + 17);
    EXPECT_EQ(m.creator, "Jane Tester");
    EXPECT_EQ(m.os, "Ubuntu");
    EXPECT_EQ(m.os_version, "24.04");
    EXPECT_EQ(m.os_arch, "x86_64");
    EXPECT_EQ(m.version, "1.2");
    EXPECT_EQ(m.locations, (std::vector<std::string>{"https://a.example.org/noble.img",
                                                     "https://b.example.org/noble.img"}));
    EXPECT_EQ(m.hypervisor, "kvm");
    EXPECT_EQ(m.disks_bus, "virtio");
    EXPECT_EQ(m.title, "Noble <&> \"LTS\"");
    EXPECT_EQ(m.description, "Cloud image\nsecond line");
    EXPECT_EQ(m.tag, "noble");
    EXPECT_EQ(m.publisher, "Example Org");
    EXPECT_EQ(m.kind, "disk");
    EXPECT_EQ(m.type, "grid");
    EXPECT_EQ(m.format, "raw");
    EXPECT_EQ(m.compression, "");
    ASSERT_TRUE(m.image_created && m.valid);
    EXPECT_GE(*m.image_created, before);
    EXPECT_LE(*m.image_created, after);
    EXPECT_EQ(*m.valid - *m.image_created, 30 * 86400);
}

TEST_F(BuildCommand, DefaultsToABaseMachineImageValidFor365Days) {
    const std::string image = Image("tiny.img", 1);
    const Outcome r = Build({image, "--location", "https://example.org/tiny.img"});
    ASSERT_EQ(r.exit_code, kExitOk) << r.err;
    const EntryMetadata m = SignAndParse(r.out);
    ExpectDigests(m, DigestsByTools(image), 1);
    EXPECT_EQ(m.type, "base");
    EXPECT_EQ(m.kind, "machine");
    ASSERT_TRUE(m.image_created && m.valid);
    EXPECT_EQ(*m.valid - *m.image_created, 365 * 86400);
    EXPECT_EQ(m.title, "");
    EXPECT_EQ(m.hypervisor, "");
}

TEST_F(BuildCommand, DigestsTheUncompressedBytesOfEveryArchiveFormat) {
    const std::string image = Image("disk.raw", 2 * (1 << 20) + 99, 5);
    const ToolDigests want = DigestsByTools(image);
    for (const auto& [tool, compression] : std::vector<std::pair<std::string, std::string>>{
             {"gzip", "gz"}, {"bzip2", "bz2"}, {"xz", "xz"}}) {
        const auto archive = CompressWith(tool, image);
        const auto output = dir_ / ("disk-" + tool + ".xml");
        const Outcome r = Build({archive.string(), "--location", "https://example.org/disk",
                                 "--output", output.string()});
        ASSERT_EQ(r.exit_code, kExitOk) << r.err;
        EXPECT_EQ(r.out, "") << "the document goes to --output only";
        EXPECT_EQ(r.err, "marketplace build: image " + *identifier::FromSha1Hex(want.sha1) + ", " +
                             std::to_string(2 * (1 << 20) + 99) + " bytes (raw, " + compression +
                             "); wrote " + output.string() + "\n");
        const EntryMetadata m = SignAndParse(ReadFile(output));
        ExpectDigests(m, want, 2 * (1 << 20) + 99);
        EXPECT_EQ(m.compression, compression);
    }
}

TEST_F(BuildCommand, WithCompressionNoneDigestsAGzipFileAsItIs) {
    const auto gz = CompressWith("gzip", Image("disk.raw", 100000, 6));
    const Outcome r = Build({gz.string(), "--compression", "none", "--location", "urn:x"});
    ASSERT_EQ(r.exit_code, kExitOk) << r.err;
    const EntryMetadata m = SignAndParse(r.out);
    ExpectDigests(m, DigestsByTools(gz), std::filesystem::file_size(gz));
    EXPECT_EQ(m.compression, "");
}

TEST_F(BuildCommand, TakesTheFormatFromTheImageHeaderUnlessGiven) {
    std::string qcow2("QFI\xfb\0\0\0\x03", 8);
    qcow2 += ImageBytes(70000, 7);
    WriteFile(dir_ / "vm.qcow2", qcow2);
    const auto gz = CompressWith("gzip", dir_ / "vm.qcow2");  // the header is inside the archive
    Outcome r = Build({gz.string(), "--location", "urn:x"});
    ASSERT_EQ(r.exit_code, kExitOk) << r.err;
    EXPECT_EQ(SignAndParse(r.out).format, "qcow2");
    r = Build({gz.string(), "--location", "urn:x", "--format", "raw"});
    ASSERT_EQ(r.exit_code, kExitOk) << r.err;
    EXPECT_EQ(SignAndParse(r.out).format, "raw");
}

TEST_F(BuildCommand, RefusesBadArgumentsWithExitCode2BeforeReadingTheImage) {
    // The image does not exist: reading it would exit 3, so 2 proves the order.
    const std::string missing = (dir_ / "missing.img").string();
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{}, "no IMAGE given"},
        {{missing, "other.img"}, "expected one IMAGE, got 2"},
        {{missing, "--kind", "vm"}, "--kind 'vm' is not one of machine, disk"},
        {{missing, "--disks-bus", "sata"}, "--disks-bus 'sata' is not one of ide, scsi, virtio"},
        {{missing, "--valid-days", "0"}, "--valid-days '0' is not an integer from 1 to 3650"},
        {{missing, "--valid-days", "3651"}, "--valid-days '3651' is not an integer from 1 to 3650"},
        {{missing, "--valid-days", "ten"}, "--valid-days 'ten' is not an integer from 1 to 3650"},
        {{missing, "--threads", "0"}, "--threads '0' is not an integer from 1 to 256"},
        {{missing, "--compression", "zip"},
         "--compression: unknown compression 'zip' (auto, none, gz, bz2, xz)"},
        {{missing, "--location", "images/a.img"},
         "--location 'images/a.img' is not an absolute URI (e.g. "
         "https://images.example.org/image.qcow2)"},
        {{missing, "--format", ""}, "--format must not be empty"},
        {{missing, "--type", ""}, "dcterms:type must not be empty (every document has one)"},
        {{missing, "--title", "bell\x07"},
         "dcterms:title contains U+0007 at byte 4, a character XML does not allow"},
        {{missing, "--kind", "machine", "--kind", "disk"}, "option --kind given twice"},
        {{missing, "--md5", "x"}, "unknown option --md5"},
    };
    for (const auto& [args, message] : cases) {
        const Outcome r = Build(args);
        EXPECT_EQ(r.exit_code, kExitUsage) << message;
        EXPECT_EQ(r.err, "marketplace build: " + message + "\n(see 'marketplace build --help')\n");
        EXPECT_EQ(r.out, "");
    }
}

TEST_F(BuildCommand, ExitsWith1ForADamagedArchiveAndKeepsTheOldOutput) {
    const auto xz = CompressWith("xz", Image("disk.raw", 500000, 8), "-1");
    const std::string archive = ReadFile(xz);
    WriteFile(dir_ / "cut.xz", archive.substr(0, archive.size() / 2));
    std::string damaged = archive;
    damaged[damaged.size() / 2] = static_cast<char>(damaged[damaged.size() / 2] ^ 1);
    WriteFile(dir_ / "bad.xz", damaged);
    const auto output = dir_ / "out.xml";
    WriteFile(output, "previous document");

    Outcome r = Build({(dir_ / "cut.xz").string(), "-q", "-o", output.string()});
    EXPECT_EQ(r.exit_code, kExitRejected);
    EXPECT_EQ(r.err, "marketplace build: " + (dir_ / "cut.xz").string() +
                         ": truncated xz stream after " + std::to_string(archive.size() / 2) +
                         " bytes\n");
    r = Build({(dir_ / "bad.xz").string(), "-q", "-o", output.string()});
    EXPECT_EQ(r.exit_code, kExitRejected);
    EXPECT_TRUE(r.err.starts_with("marketplace build: " + (dir_ / "bad.xz").string() +
                                  ": corrupt xz stream at byte "))
        << r.err;
    EXPECT_EQ(ReadFile(output), "previous document");
}

TEST_F(BuildCommand, ExitsWith3WhenTheImageOrTheOutputIsUnusable) {
    const std::string missing = (dir_ / "missing.img").string();
    Outcome r = Build({missing, "-q"});
    EXPECT_EQ(r.exit_code, kExitIo);
    EXPECT_EQ(r.err, "marketplace build: cannot open " + missing + ": No such file or directory\n");
    r = Build({dir_.path().string(), "-q"});
    EXPECT_EQ(r.exit_code, kExitIo);
    EXPECT_EQ(r.err,
              "marketplace build: cannot open " + dir_.path().string() + ": Is a directory\n");
    const std::string image = Image("ok.img", 10);
    r = Build({image, "-q", "-o", (dir_ / "no-such-dir" / "out.xml").string()});
    EXPECT_EQ(r.exit_code, kExitIo);
    EXPECT_TRUE(r.err.starts_with("marketplace build: cannot write " +
                                  (dir_ / "no-such-dir" / "out.xml").string() + ": "))
        << r.err;
}

TEST_F(BuildCommand, DrawsAProgressBarOnlyOnATerminalAndNotWhenQuiet) {
    const std::string image = Image("big.img", 8 * (1 << 20), 9);
    Outcome r = Build({image, "--location", "urn:x"}, /*err_is_terminal=*/true);
    ASSERT_EQ(r.exit_code, kExitOk) << r.err;
    EXPECT_TRUE(r.err.starts_with("\r[")) << r.err;
    EXPECT_NE(r.err.find("[########################] 100%  8.0 MiB / 8.0 MiB"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("/s  in 0:0"), std::string::npos) << r.err;
    EXPECT_TRUE(r.err.ends_with("\x1b[K\n")) << r.err;

    for (const Outcome& silent :
         {Build({image, "--location", "urn:x", "--quiet"}, true),
          Build({image, "--location", "urn:x"}, true, /*global_quiet=*/true),
          Build({image, "--location", "urn:x"}, false)}) {
        EXPECT_EQ(silent.exit_code, kExitOk);
        EXPECT_EQ(silent.err, "");
    }
}

TEST_F(BuildCommand, NotesAMissingLocationUnlessQuiet) {
    const std::string image = Image("a.img", 10);
    Outcome r = Build({image});
    ASSERT_EQ(r.exit_code, kExitOk);
    EXPECT_EQ(r.err,
              "marketplace build: note: no --location given; users will not know where to "
              "download the image\n");
    r = Build({image, "-q"});
    ASSERT_EQ(r.exit_code, kExitOk);
    EXPECT_EQ(r.err, "");
}

TEST_F(BuildCommand, PrintsItsHelp) {
    const Outcome r = Build({"--help"});
    EXPECT_EQ(r.exit_code, kExitOk);
    EXPECT_TRUE(r.out.starts_with("usage: marketplace build IMAGE [options]\n")) << r.out;
    for (const char* option : {"--author", "--os-version", "--image-version", "--location",
                               "--valid-days", "--compression", "--threads", "--quiet"}) {
        EXPECT_NE(r.out.find(option), std::string::npos) << option;
    }
}

TEST_F(BuildCommand, RunsAsASubCommandOfTheBinary) {
    const std::string image = Image("bin.img", 123456, 10);
    const auto xz = CompressWith("xz", image);
    testing::CliResult r = testing::RunCli({"build", xz.string(), "--location", "urn:x"});
    ASSERT_EQ(r.exit_code, kExitOk) << r.err;
    EXPECT_EQ(r.err, "");  // no terminal: no progress bar
    ExpectDigests(SignAndParse(r.out), DigestsByTools(image), 123456);

    r = testing::RunCli({"-q", "build", (dir_ / "missing").string()});
    EXPECT_EQ(r.exit_code, kExitIo);
    EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace mkt::cli
