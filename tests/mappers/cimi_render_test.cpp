// The CIMI representations against golden files (tests/data/golden/cimi/):
// a real production StratusLab document parsed by the real parser, a fixed
// signer, clock and base URL. MKT_UPDATE_GOLDEN=1 rewrites them (review the diff).
#include "mappers/cimi_render.hpp"

#include <gtest/gtest.h>

#include "mappers/cimi_image.hpp"
#include "tests/support/golden.hpp"

namespace mkt::mappers::cimi {
namespace {

void ExpectGolden(const std::string& name, const std::string& actual) {
    testing::ExpectGolden("cimi", name, actual);
}

Entry ProductionEntry() {
    Entry e = testing::ProductionFixtureEntry();
    e.signer.trust_mode = TrustMode::kCompat;
    return e;
}

const ImageContext kImages{"https://marketplace.example.org/",
                           *Timestamp::Parse("2016-06-01T00:00:00Z")};
const RenderContext kV1{"http://schemas.dmtf.org/cimi/1", "https://marketplace.example.org/"};

ImageView View() {
    Entry replacing = ProductionEntry();
    replacing.metadata.replaces = "PaaaaaaaaaaaaaaaaaaaaaaaaaA";
    return {ToMachineImage(replacing, {"a@example.org", "b@example.org"}, kImages), std::nullopt};
}

TEST(CimiMappersTest, MachineImageJsonAndXml) {
    ExpectGolden("machine_image.json", ImageToJson(View(), {}, kV1));
    ExpectGolden("machine_image.xml", ImageToXml(View(), {}, kV1));
}

TEST(CimiMappersTest, CollectionWithSelectionAndEmptyCollection) {
    ImageCollection images{7, {View()}};
    ExpectGolden("collection.json", CollectionToJson(images, {}, kV1));
    ExpectGolden("collection.xml", CollectionToXml(images, {}, kV1));
    ExpectGolden("collection_select_name.json", CollectionToJson(images, {{"name"}}, kV1));
    ExpectGolden("collection_empty.json", CollectionToJson({0, {}}, {}, kV1));
}

TEST(CimiMappersTest, EntryPointResourceMetadataAndErrorsInVersion2) {
    const RenderContext v2{"http://schemas.dmtf.org/cimi/2", "https://marketplace.example.org/"};
    ExpectGolden("cloud_entry_point.json", EntryPointToJson(kV1, nullptr));
    ExpectGolden("cloud_entry_point.xml", EntryPointToXml(kV1, nullptr));
    ExpectGolden("cloud_entry_point_v2.json", EntryPointToJson(v2, nullptr));
    ExpectGolden("resource_metadata.json", ResourceMetadataCollectionToJson(kV1));
    ExpectGolden("error.json",
                 ErrorToJson(400, "invalid CIMI filter: empty filter at column 1", "r1"));
    ExpectGolden("error.xml", ErrorToXml(404, "no MachineImage <x>", "r2", kV1.ns));
}

TEST(CimiMappersTest, ExpiredOrDeprecatedImagesAreInErrorAndSaySo) {
    Entry e = ProductionEntry();
    const MachineImage valid = ToMachineImage(e, {}, {kImages.base_url, e.key.created});
    EXPECT_EQ(valid.state, "AVAILABLE");
    EXPECT_EQ(valid.properties.at("status"), "valid");
    e.metadata.valid = e.key.created + 10;
    const MachineImage expired = ToMachineImage(e, {}, {kImages.base_url, e.key.created + 10});
    EXPECT_EQ(expired.state, "ERROR");
    EXPECT_EQ(expired.properties.at("status"), "expired");
    e.metadata.deprecated = "broken";
    const MachineImage deprecated = ToMachineImage(e, {}, {kImages.base_url, e.key.created});
    EXPECT_EQ(deprecated.state, "ERROR");
    EXPECT_EQ(deprecated.properties.at("deprecated"), "broken");
    EXPECT_EQ(ChecksumPropertyKey("SHA-256"), "sha256");
}

}  // namespace
}  // namespace mkt::mappers::cimi
