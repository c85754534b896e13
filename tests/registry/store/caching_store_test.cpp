// CachingEntryStore: the whole conformance suite through the cache (a tiny
// budget so eviction runs constantly), plus what only a cache has: hits,
// eviction, misses that stay misses.
#include "registry/store/caching_store.hpp"

#include <gtest/gtest.h>

#include "registry/store/memory_store.hpp"
#include "tests/registry/store/entry_store_conformance.hpp"
#include "tests/registry/store/test_entries.hpp"

namespace mkt::testing {
namespace {

// The stores the pair is made of, constructed before the decorator that forwards
// to them (a base constructed first: the base-from-member idiom).
struct CachedMemoryParts {
    explicit CachedMemoryParts(size_t budget) : cache(memory, budget) {}
    store::MemoryEntryStore memory;
    store::CachingEntryStore cache;
};

// Owns the wrapped store so the suite can treat the pair as one EntryStore.
class CachedMemoryStore final : private CachedMemoryParts, public ForwardingEntryStore {
  public:
    explicit CachedMemoryStore(size_t budget)
        : CachedMemoryParts(budget),
          ForwardingEntryStore(static_cast<EntryStore&>(CachedMemoryParts::cache)) {}
    const store::CachingEntryStore& cache() const { return CachedMemoryParts::cache; }
};

struct CachedMemoryFactory {
    static std::unique_ptr<EntryStore> Make(const std::filesystem::path&) {
        return std::make_unique<CachedMemoryStore>(64 << 10);
    }
};

INSTANTIATE_TYPED_TEST_SUITE_P(CachedMemory, EntryStoreConformance,
                               ::testing::Types<CachedMemoryFactory>);

// A test entry with a document of realistic size (eviction is by bytes).
Entry NewEntry(int i) {
    Entry e = TestEntry(static_cast<uint64_t>(i), "a@example.org", kT0);
    e.document += std::string(2000, 'x');
    return e;
}

TEST(CachingStoreTest, SecondReadIsAHitWithTheSameEntry) {
    CachedMemoryStore store(1 << 20);
    Entry e = NewEntry(1);
    ASSERT_TRUE(store.Put(e).ok());
    auto first = store.Get(e.key);
    auto second = store.Get(e.key);
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(second->document, e.document);
    EXPECT_EQ(second->seq, e.seq);
    EXPECT_EQ(store.cache().cache_stats().hits, 1u);
    EXPECT_EQ(store.cache().cache_stats().misses, 1u);
}

TEST(CachingStoreTest, MissesAreNotRemembered) {
    CachedMemoryStore store(1 << 20);
    Entry e = NewEntry(2);
    EXPECT_EQ(store.Get(e.key).status().code(), StatusCode::kNotFound);
    ASSERT_TRUE(store.Put(e).ok());
    EXPECT_TRUE(store.Get(e.key).ok());  // found once it exists
}

TEST(CachingStoreTest, StaysWithinItsBudget) {
    const size_t budget = 64 << 10;
    CachedMemoryStore store(budget);
    for (int i = 0; i < 99; ++i) {
        Entry e = NewEntry(i);
        ASSERT_TRUE(store.Put(e).ok()) << i;
        ASSERT_TRUE(store.Get(e.key).ok());
    }
    const auto stats = store.cache().cache_stats();
    EXPECT_LE(stats.bytes, budget);
    EXPECT_GT(stats.entries, 0u);
    EXPECT_LT(stats.entries, 99u);
}

TEST(CachingStoreTest, ZeroBudgetPassesThrough) {
    CachedMemoryStore store(0);
    Entry e = NewEntry(3);
    ASSERT_TRUE(store.Put(e).ok());
    ASSERT_TRUE(store.Get(e.key).ok());
    ASSERT_TRUE(store.Get(e.key).ok());
    EXPECT_EQ(store.cache().cache_stats().hits, 0u);
    EXPECT_EQ(store.cache().cache_stats().entries, 0u);
}

}  // namespace
}  // namespace mkt::testing
