// The EntryStore conformance suite against MemoryEntryStore.
#include "registry/store/memory_store.hpp"

#include <gtest/gtest.h>

#include "tests/registry/store/entry_store_conformance.hpp"

namespace mkt::testing {
namespace {

struct MemoryStoreFactory {
    static std::unique_ptr<EntryStore> Make(const std::filesystem::path&) {
        return std::make_unique<store::MemoryEntryStore>();
    }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Memory, EntryStoreConformance, ::testing::Types<MemoryStoreFactory>);

}  // namespace
}  // namespace mkt::testing
