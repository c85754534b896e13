// The OCCI view of entries against golden files (tests/data/golden/occi/): every
// rendering of the query interface, an image's os_tpl mixin and its storage
// resource. Inputs are fixed (a real production document parsed by the real
// parser, plus a second endorsement and provider locations), so a change of a
// rendering shows up as a diff. MKT_UPDATE_GOLDEN=1 rewrites them (review the diff).
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "mappers/occi_model.hpp"
#include "mappers/occi_render.hpp"
#include "occi/syntax.hpp"
#include "registry/identifier.hpp"
#include "tests/support/golden.hpp"
#include "tests/support/paths.hpp"

namespace mkt::mappers::occi {
namespace {

void ExpectGolden(const std::string& name, const std::string& actual) {
    testing::ExpectGolden("occi", name, actual);
}

constexpr const char* kProvider = "https://occi.example-site.eu:11443";

Entry ProductionEntry() { return testing::ProductionFixtureEntry(); }

// The production entry, and a newer endorsement of the same image by another
// endorser whose locations are in a provider's image store, which holds the image
// in its Glance (what server/glance_poller.hpp reads).
OcciImage Image() {
    Entry first = ProductionEntry();
    Entry second = first;
    second.key.email = "operator@example-site.eu";
    second.key.created = *Timestamp::Parse("2016-06-01T10:00:00Z");
    second.metadata.title = "Ubuntu 14.04 \"Trusty\" at example-site";
    second.metadata.locations = {std::string(kProvider) + "/storage/6f1c2f3a",
                                 "pdisk:occi.example-site.eu:8445:0b3c-77aa",
                                 first.metadata.locations.front()};
    return OcciImage{
        {second, first},
        {{"example-site", kProvider, "6c1f0b52-2d4b-4f0e-9a57-0f8f4c2d9e11", "active"}}};
}

const Context& Ctx() {
    static const Context context{"https://marketplace.example.org/", {{"example-site", kProvider}}};
    return context;
}

std::string Lines(const Fields& fields) { return PlainBody(fields); }

TEST(OcciMappersTest, QueryInterfaceText) {
    std::string body;
    for (const Category& c : FixedModel(Ctx())) body += "Category: " + CategoryText(c) + "\n";
    body += "Category: " + CategoryText(ImageMixin(Image(), Ctx())) + "\n";
    ExpectGolden("query.txt", body);
}

TEST(OcciMappersTest, QueryInterfaceTextOcciHeaders) {
    Fields fields;
    for (const Category& c : FixedModel(Ctx())) fields.emplace_back("Category", CategoryText(c));
    fields.emplace_back("Category", CategoryText(ImageMixin(Image(), Ctx())));
    ExpectGolden("query.occi", Lines(CombineForHeaders(fields)));
}

TEST(OcciMappersTest, QueryInterfaceJson) {
    ModelJsonWriter writer;
    for (const Category& c : FixedModel(Ctx())) writer.Add(c);
    writer.Add(ImageMixin(Image(), Ctx()));
    ExpectGolden("query.json", writer.Finish());
}

TEST(OcciMappersTest, ImageMixinTextAndJson) {
    const Category mixin = ImageMixin(Image(), Ctx());
    ExpectGolden("image_mixin.txt", "Category: " + CategoryText(mixin) + "\n");
    ExpectGolden("image_mixin.json", CategoryJson(mixin) + "\n");
}

TEST(OcciMappersTest, StorageResourceRenderings) {
    const Resource r = StorageResource(Image(), Ctx());
    const auto model = FixedModel(Ctx());
    const Category& storage = *std::find_if(model.begin(), model.end(), [](const Category& c) {
        return c.term == "storage" && c.cls == CategoryClass::kKind;
    });
    ExpectGolden("storage.txt", Lines(ResourceFields(r, storage)));
    ExpectGolden("storage.occi", Lines(CombineForHeaders(ResourceFields(r, storage))));
    ExpectGolden("storage.json", ResourceJson(r) + "\n");
    ExpectGolden("storage_collection.json", ResourcesJson({ResourceJson(r)}));
}

TEST(OcciMappersTest, CollectionRenderings) {
    const std::vector<std::string> urls = {
        "https://marketplace.example.org/storage/LHfKVPoHcv4oMirHU0KuOQc-TvI",
        "https://marketplace.example.org/storage/MMZu9WvwKIro-rtBQfDk4PsKO7_"};
    ExpectGolden("collection.txt", Lines(LocationFields(urls)));
    ExpectGolden("collection.uri-list", UriList(urls));
}

TEST(OcciMappersTest, TextRenderingsParseBackWithTheOcciParser) {
    const Resource r = StorageResource(Image(), Ctx());
    const auto model = FixedModel(Ctx());
    auto message = mkt::occi::ParseBody(Lines(ResourceFields(r, model[4])));
    ASSERT_TRUE(message.ok()) << message.status().ToString();
    ASSERT_EQ(message->links.size(), 4u);  // three locations, one provider holding
    EXPECT_EQ(message->links[3].target, kProvider);
    for (const auto& a : message->attributes) {
        if (a.name == "occi.core.title") {
            EXPECT_EQ(a.value.text, "Ubuntu 14.04 \"Trusty\" at example-site");
        }
    }
    for (const Category& c : model) {
        auto parsed = mkt::occi::ParseCategory(CategoryText(c));
        ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
        EXPECT_EQ(parsed->TypeId(), c.TypeId());
    }
}

TEST(OcciMappersTest, TermsAreOcci11ValidAndLosslessForEveryIdentifierVector) {
    std::istringstream vectors(
        testing::ReadFile(testing::StratusLabFixtures() / "identifier-vectors.tsv"));
    size_t checked = 0;
    for (std::string line; std::getline(vectors, line);) {
        if (line.empty() || line[0] == '#') continue;
        const std::string id = line.substr(line.find('\t') + 1, identifier::kLength);
        if (!identifier::IsValid(id)) continue;
        auto term = TermOf(id);
        ASSERT_TRUE(term.ok()) << id;
        EXPECT_TRUE(mkt::occi::IsOcci11Term(*term)) << *term;
        EXPECT_EQ(IdentifierOfTerm(*term).value(), id);
        ++checked;
    }
    EXPECT_GT(checked, 3u);
    EXPECT_EQ(TermOf("MMZu9WvwKIro-rtBQfDk4PsKO7_").value(),
              "sha1_c319bbd5afc0a22ba3eaed0507c39383ec28eeff");
    EXPECT_FALSE(IdentifierOfTerm("sha1_C319bbd5afc0a22ba3eaed0507c39383ec28eeff").ok());
    EXPECT_FALSE(IdentifierOfTerm("uuid_c319bbd5afc0a22ba3eaed0507c39383ec28eeff").ok());
    EXPECT_FALSE(IdentifierOfTerm("sha1_c319").ok());
}

TEST(OcciMappersTest, ProviderStorageIsRecognisedOnlyUnderAKnownEndpoint) {
    const std::map<std::string, std::string> providers = {{"site", "https://occi.site.eu:11443/"}};
    auto url = RecogniseProviderStorage("https://occi.site.eu:11443/storage/abc", providers);
    ASSERT_TRUE(url);
    EXPECT_EQ(url->provider, "site");
    EXPECT_EQ(url->target, "https://occi.site.eu:11443/storage/abc");
    auto pdisk = RecogniseProviderStorage("pdisk:occi.site.eu:8445:uuid-1", providers);
    ASSERT_TRUE(pdisk);
    EXPECT_EQ(pdisk->target, "https://occi.site.eu:11443/storage/uuid-1");
    EXPECT_FALSE(RecogniseProviderStorage("https://occi.site.eu:11443/compute/abc", providers));
    EXPECT_FALSE(
        RecogniseProviderStorage("https://occi.site.eu:11443.evil.org/storage/a", providers));
    EXPECT_FALSE(RecogniseProviderStorage("https://other.eu/storage/abc", providers));
    EXPECT_FALSE(RecogniseProviderStorage("pdisk:other.eu:8445:uuid-1", providers));
}

TEST(OcciMappersTest, LocationsCarryThePathOfThePublicUrl) {
    const Context prefixed{"https://host.example.org/marketplace/", {}};
    EXPECT_EQ(prefixed.BasePath(), "/marketplace/");
    EXPECT_EQ(prefixed.Absolute("/marketplace/storage/x"),
              "https://host.example.org/marketplace/storage/x");
    EXPECT_EQ(ImageMixin(Image(), prefixed).location,
              "/marketplace/mixin/os_tpl/" + TermOf(Image().identifier()).value() + "/");
    EXPECT_EQ(StorageResource(Image(), prefixed).location,
              "/marketplace/storage/" + Image().identifier());
}

TEST(OcciMappersTest, SizeIsInGibibytes) {
    EXPECT_EQ(GibibytesOf(0), "0");
    EXPECT_EQ(GibibytesOf(1073741824), "1");
    EXPECT_EQ(GibibytesOf(536870912), "0.5");
    // Exact, in plain decimal: the text rendering's number grammar has no exponent.
    EXPECT_EQ(GibibytesOf(4096), "0.000003814697265625");
    EXPECT_EQ(GibibytesOf(1), "0.000000000931322574615478515625");
    EXPECT_EQ(GibibytesOf((uint64_t{5} << 30) + (uint64_t{1} << 28)), "5.25");
    EXPECT_EQ(GibibytesOf(UINT64_MAX), "17179869183.999999999068677425384521484375");
    for (uint64_t bytes : {uint64_t{1}, uint64_t{4096}, uint64_t{259522560}, UINT64_MAX}) {
        EXPECT_EQ(GibibytesOf(bytes).find_first_of("eE+-"), std::string::npos) << bytes;
    }
}

}  // namespace
}  // namespace mkt::mappers::occi
