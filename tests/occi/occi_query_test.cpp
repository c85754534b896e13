// The OCCI query work without HTTP: paging, attribute filters and the walks that
// produce the query interface and the storage collection (occi/query.hpp), over a
// memory store holding entries built field by field.
#include <gtest/gtest.h>

#include "occi/query.hpp"
#include "registry/clock.hpp"
#include "registry/store/memory_store.hpp"
#include "tests/registry/store/test_entries.hpp"

namespace mkt::occi {
namespace {

namespace m = mappers::occi;
using testing::kT0;
using testing::TestEntry;
using testing::TestIdentifier;

// Reads only: the write pipeline is never called by the query work.
struct NoParser final : DocumentParser {
    Result<std::unique_ptr<ParsedDocument>> Parse(std::string_view) const override {
        return Status::Internal("the OCCI query never parses documents");
    }
};
struct NoRdf final : RdfChecker {
    Status Check(std::string_view) const override { return Status::Internal("unused"); }
};
struct NoVerifier final : SignatureVerifier {
    Result<SignerInfo> Verify(const ParsedDocument&, Timestamp) const override {
        return Status::Internal("unused");
    }
};

// Records what a walk emits; overflows after `budget` items when set.
class RecordingSink final : public QuerySink {
  public:
    explicit RecordingSink(std::optional<size_t> budget = std::nullopt) : budget_(budget) {}
    Emit AddCategory(const m::Category& c) override {
        items.push_back(c.TypeId());
        return Next();
    }
    Emit AddLocation(const std::string& url, const std::function<std::string()>& json) override {
        items.push_back(url);
        if (want_json) rendered.push_back(json());
        return Next();
    }
    std::vector<std::string> items, rendered;
    bool want_json = false;

  private:
    Emit Next() const {
        return budget_ && items.size() > *budget_ ? Emit::kOverflow : Emit::kContinue;
    }
    std::optional<size_t> budget_;
};

class OcciQueryTest : public ::testing::Test {
  protected:
    void SetUp() override {
        for (uint64_t image = 1; image <= 5; ++image) {
            Entry e = TestEntry(image, "alice@example.org", kT0 + image);
            if (image == 4) e.metadata.os = "CentOS";
            ASSERT_TRUE(store_.Put(e).ok());
        }
        Entry expired = TestEntry(6, "alice@example.org", kT0 - 400 * 86400);
        ASSERT_TRUE(store_.Put(expired).ok());
    }

    Paging Page(const QueryPairs& query) { return ParsePaging(query).value(); }
    // The usable images' mixins in the walk's order: by identifier.
    std::vector<std::string> ImageMixinIds() const {
        std::vector<std::string> identifiers;
        for (uint64_t image = 1; image <= 5; ++image) identifiers.push_back(TestIdentifier(image));
        std::sort(identifiers.begin(), identifiers.end());
        std::vector<std::string> ids;
        for (const auto& id : identifiers)
            ids.push_back(mctx_.OsTplScheme() + m::TermOf(id).value());
        return ids;
    }
    static Attribute Filter(std::string name, std::string value) {
        Attribute a;
        a.name = std::move(name);
        a.value.text = std::move(value);
        return a;
    }

    store::MemoryEntryStore store_;
    ManualClock clock_{kT0 + 86400};
    NoParser parser_;
    NoRdf rdf_;
    NoVerifier verifier_;
    Registry registry_{RegistryOptions{}, parser_, rdf_, verifier_, store_, clock_};
    m::Context mctx_{"http://mp.example.org/", {}};
};

TEST(OcciPagingTest, ParsesPageAndNumberAndRefusesTheRest) {
    EXPECT_FALSE(ParsePaging({}).value().take);
    Paging only_page = ParsePaging({{"page", "3"}}).value();
    EXPECT_EQ(only_page.take, kDefaultPageNumber);
    EXPECT_EQ(only_page.skip, 2 * kDefaultPageNumber);
    Paging both = ParsePaging({{"number", "7"}, {"page", "2"}}).value();
    EXPECT_EQ(both.take, 7u);
    EXPECT_EQ(both.skip, 7u);
    EXPECT_EQ(ParsePaging({{"limit", "3"}}).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ParsePaging({{"page", "0"}}).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ParsePaging({{"page", "-1"}}).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ParsePaging({{"number", "1001"}}).status().code(), StatusCode::kPayloadTooLarge);
}

TEST(OcciPagingTest, APageBeyondTheAddressableRangeIsRefusedInsteadOfWrappingAround) {
    const Status s = ParsePaging({{"page", "18446744073709551615"}, {"number", "1000"}}).status();
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find("beyond"), std::string::npos) << s.message();
}

TEST_F(OcciQueryTest, TheWholeQueryInterfaceIsTheFixedModelThenOneMixinPerUsableImage) {
    RecordingSink sink;
    ASSERT_TRUE(WriteQueryInterface(registry_, mctx_, SelectionOf({}, mctx_), {}, sink).value());
    const size_t fixed = m::FixedModel(mctx_).size();
    ASSERT_EQ(sink.items.size(), fixed + 5);  // the expired image 6 is not usable
    EXPECT_EQ(std::vector<std::string>(sink.items.begin() + fixed, sink.items.end()),
              ImageMixinIds());
}

TEST_F(OcciQueryTest, PagingCountsTheFixedModelAndTheImagesAsOneSequence) {
    const size_t fixed = m::FixedModel(mctx_).size();
    RecordingSink sink;
    const Paging paging{fixed + 1, 2};  // skip the model and the first image
    ASSERT_TRUE(
        WriteQueryInterface(registry_, mctx_, SelectionOf({}, mctx_), paging, sink).value());
    const auto ids = ImageMixinIds();
    EXPECT_EQ(sink.items, (std::vector<std::string>{ids[1], ids[2]}));
}

TEST_F(OcciQueryTest, ACategoryFilterSelectsOneImageMixin) {
    Message filters;
    CategoryValue wanted;
    wanted.scheme = mctx_.OsTplScheme();
    wanted.term = m::TermOf(TestIdentifier(3)).value();
    filters.categories.push_back(wanted);
    RecordingSink sink;
    ASSERT_TRUE(
        WriteQueryInterface(registry_, mctx_, SelectionOf(filters, mctx_), {}, sink).value());
    EXPECT_EQ(sink.items, (std::vector<std::string>{wanted.scheme + wanted.term}));
}

TEST_F(OcciQueryTest, AttributeFiltersArePushedToTheStoreAndCheckedOnTheMixins) {
    const Attribute os = Filter(std::string(m::kAttributePrefix) + "os", "CentOS");
    const ImageFilter pushed = PushDown({os, Filter("occi.core.title", "Image")});
    EXPECT_EQ(pushed.os, "CentOS");
    EXPECT_EQ(pushed.text, "Image");
    Message filters;
    filters.attributes.push_back(os);
    RecordingSink sink;
    ASSERT_TRUE(
        WriteQueryInterface(registry_, mctx_, SelectionOf(filters, mctx_), {}, sink).value());
    EXPECT_EQ(sink.items, (std::vector<std::string>{mctx_.OsTplScheme() +
                                                    m::TermOf(TestIdentifier(4)).value()}));
}

TEST_F(OcciQueryTest, AnOverflowingSinkMakesTheWalkReportAnIncompleteAnswer) {
    RecordingSink sink(3);
    EXPECT_FALSE(WriteQueryInterface(registry_, mctx_, SelectionOf({}, mctx_), {}, sink).value());
    EXPECT_EQ(sink.items.size(), 4u);  // stopped at the item that overflowed
}

TEST_F(OcciQueryTest, TheStorageCollectionListsOneLocationPerImageAndRendersOnlyWhenAsked) {
    RecordingSink sink;
    ASSERT_TRUE(WriteStorageCollection(registry_, mctx_, {}, {}, false, sink).value());
    ASSERT_EQ(sink.items.size(), 5u);
    EXPECT_EQ(sink.items.front().rfind("http://mp.example.org/storage/", 0), 0u);
    EXPECT_TRUE(sink.rendered.empty());
    RecordingSink json;
    json.want_json = true;
    ASSERT_TRUE(WriteStorageCollection(registry_, mctx_, {}, {0, 2}, true, json).value());
    ASSERT_EQ(json.rendered.size(), 2u);
    EXPECT_NE(json.rendered[0].find("\"occi.core.id\""), std::string::npos) << json.rendered[0];
}

TEST_F(OcciQueryTest, AKindFilterOtherThanStorageSelectsNoStorageMember) {
    Message compute;
    CategoryValue kind;
    kind.scheme = std::string(m::kInfraScheme);
    kind.term = "compute";
    compute.categories.push_back(kind);
    RecordingSink sink;
    ASSERT_TRUE(WriteStorageCollection(registry_, mctx_, compute, {}, false, sink).value());
    EXPECT_TRUE(sink.items.empty());
}

TEST_F(OcciQueryTest, ProviderDefinedCategoriesAreTheModelAndTheUsableImages) {
    CategoryValue c;
    c.scheme = std::string(m::kInfraScheme);
    c.term = "os_tpl";
    EXPECT_TRUE(IsProviderDefined(registry_, mctx_, c).value());
    c.scheme = mctx_.OsTplScheme();
    c.term = m::TermOf(TestIdentifier(2)).value();
    EXPECT_TRUE(IsProviderDefined(registry_, mctx_, c).value());
    c.term = m::TermOf(TestIdentifier(6)).value();  // expired: not offered
    EXPECT_FALSE(IsProviderDefined(registry_, mctx_, c).value());
    c.scheme = "http://example.org/user#";
    c.term = "mine";
    EXPECT_FALSE(IsProviderDefined(registry_, mctx_, c).value());
}

}  // namespace
}  // namespace mkt::occi
