// GuessDiskFormat: the format an image's first bytes announce.
#include "registry/image/disk_format.hpp"

#include <string>

#include <gtest/gtest.h>

namespace mkt::image {
namespace {

std::string QcowHeader(char version) {
    std::string head("QFI\xfb\0\0\0", 7);
    head.push_back(version);
    head.append(64, '\0');
    return head;
}

TEST(GuessDiskFormat, RecognisesQcowVersionsByTheirHeader) {
    EXPECT_EQ(GuessDiskFormat(QcowHeader(2)), "qcow2");
    EXPECT_EQ(GuessDiskFormat(QcowHeader(3)), "qcow2");
    EXPECT_EQ(GuessDiskFormat(QcowHeader(1)), "qcow");
    EXPECT_EQ(GuessDiskFormat(QcowHeader(9)), "raw");  // no such version: not a qcow header
    EXPECT_EQ(GuessDiskFormat("QFI\xfb"), "raw");      // too short to hold the version
}

TEST(GuessDiskFormat, RecognisesVmdkVhdxAndVdi) {
    EXPECT_EQ(GuessDiskFormat(std::string("KDMV\x01\0\0\0", 8)), "vmdk");
    EXPECT_EQ(GuessDiskFormat("# Disk DescriptorFile\nversion=1\n"), "vmdk");
    EXPECT_EQ(GuessDiskFormat("vhdxfile" + std::string(64, '\0')), "vhdx");
    std::string vdi = "<<< Oracle VM VirtualBox Disk Image >>>\n";
    vdi.resize(64, '\0');
    vdi += std::string("\x7f\x10\xda\xbe", 4);
    EXPECT_EQ(GuessDiskFormat(vdi), "vdi");
}

TEST(GuessDiskFormat, PresumesRawForEverythingElse) {
    EXPECT_EQ(GuessDiskFormat(""), "raw");
    EXPECT_EQ(GuessDiskFormat(std::string(512, '\0')), "raw");  // an MBR-less raw disk
    EXPECT_EQ(GuessDiskFormat("\x1f\x8b\x08"), "raw");          // compression is not a format
}

}  // namespace
}  // namespace mkt::image
