#include "registry/redland/world.hpp"

#include <utility>

#include <gtest/gtest.h>

#include "tests/registry/metadata/metadata_test_util.hpp"

namespace mkt::redland {
namespace {

TEST(WorldTest, ReusesAReturnedWorld) {
    const World& world = testing::SharedWorld();
    raptor_world_s* first = nullptr;
    {
        auto lease = world.Acquire();
        ASSERT_TRUE(lease.ok()) << lease.status().ToString();
        first = lease->get();
        ASSERT_NE(first, nullptr);
    }
    const size_t count = world.WorldCount();
    auto again = world.Acquire();
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->get(), first);
    EXPECT_EQ(world.WorldCount(), count);
}

TEST(WorldTest, LendsEachConcurrentUserItsOwnWorld) {
    const World& world = testing::SharedWorld();
    auto a = world.Acquire();
    auto b = world.Acquire();
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(a->get(), b->get());
    EXPECT_GE(world.WorldCount(), 2u);
}

TEST(WorldTest, MovedLeaseReturnsTheWorldOnce) {
    const World& world = testing::SharedWorld();
    raptor_world_s* lent = nullptr;
    {
        auto lease = world.Acquire();
        ASSERT_TRUE(lease.ok());
        World::Lease moved(std::move(lease).value());
        lent = moved.get();
    }
    // Back in the pool exactly once: two concurrent users get two different worlds,
    // one of them the returned one.
    auto a = world.Acquire();
    auto b = world.Acquire();
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(a->get(), b->get());
    EXPECT_TRUE(a->get() == lent || b->get() == lent);
}

}  // namespace
}  // namespace mkt::redland
