#include "tests/support/golden.hpp"

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "registry/xmlsec/metadata_parser.hpp"
#include "tests/support/paths.hpp"

namespace mkt::testing {

void ExpectGolden(const std::string& folder, const std::string& name, const std::string& actual) {
    const std::filesystem::path golden = SourceDir() / "tests/data/golden" / folder / name;
    if (const char* update = std::getenv("MKT_UPDATE_GOLDEN");
        update && std::string(update) == "1") {
        WriteFile(golden, actual);
    }
    EXPECT_EQ(actual, ReadFile(golden)) << "golden file " << folder << "/" << name << " differs";
}

Entry ProductionFixtureEntry() {
    const std::string doc =
        ReadFile(StratusLabFixtures() / "production/LHfKVPoHcv4oMirHU0KuOQc-TvI.entry.xml");
    auto parsed = xmlsec::XmlMetadataParser().Parse(doc);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    Entry e;
    if (!parsed.ok()) return e;
    e.metadata = (*parsed)->metadata();
    e.key = {e.metadata.identifier, e.metadata.endorsement.email, e.metadata.endorsement.created};
    e.document = doc;
    e.seq = 42;
    e.received = *Timestamp::Parse("2016-05-17T06:40:00Z");
    return e;
}

}  // namespace mkt::testing
