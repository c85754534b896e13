#include "http/worker_pool.hpp"

#include <atomic>
#include <future>

#include <gtest/gtest.h>

namespace mkt::http {
namespace {

TEST(WorkerPoolTest, AFreshPoolTakesOneTaskPerThreadAtOnceThenQueueThenRefuses) {
    std::promise<void> open;
    std::shared_future<void> gate = open.get_future().share();
    std::atomic<int> ran{0};
    {
        WorkerPool pool(2, 1);
        auto task = [&] {
            gate.wait();
            ran.fetch_add(1);
        };
        // Right after construction: the threads may not have started yet, and
        // the tasks must still be taken (the refusal counts busy threads only).
        EXPECT_TRUE(pool.TrySubmit(task));
        EXPECT_TRUE(pool.TrySubmit(task));
        EXPECT_TRUE(pool.TrySubmit(task));   // the queue of 1
        EXPECT_FALSE(pool.TrySubmit(task));  // both threads and the queue are taken
        open.set_value();
        pool.Stop();
        EXPECT_FALSE(pool.TrySubmit(task));  // stopped
    }
    EXPECT_EQ(ran.load(), 3);
}

TEST(WorkerPoolTest, StopRunsWhatWasQueued) {
    std::atomic<int> ran{0};
    WorkerPool pool(1, 8);
    for (int i = 0; i < 8; ++i) EXPECT_TRUE(pool.TrySubmit([&] { ran.fetch_add(1); }));
    pool.Stop();
    EXPECT_EQ(ran.load(), 8);
}

}  // namespace
}  // namespace mkt::http
