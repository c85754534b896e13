// The EntryStore conformance suite against MemoryEntryStore.
#include "registry/store/memory_store.hpp"

#include <gtest/gtest.h>

#include "registry/store/memory_confirmation_store.hpp"
#include "tests/registry/store/confirmation_store_conformance.hpp"
#include "tests/registry/store/entry_store_conformance.hpp"

namespace mkt::testing {
namespace {

struct MemoryStoreFactory {
    static std::unique_ptr<EntryStore> Make(const std::filesystem::path&) {
        return std::make_unique<store::MemoryEntryStore>();
    }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Memory, EntryStoreConformance, ::testing::Types<MemoryStoreFactory>);

struct MemoryConfirmationStoreFactory {
    static std::unique_ptr<ConfirmationStore> Make(const std::filesystem::path&) {
        return std::make_unique<store::MemoryConfirmationStore>();
    }
};
INSTANTIATE_TYPED_TEST_SUITE_P(Memory, ConfirmationStoreConformance,
                               ::testing::Types<MemoryConfirmationStoreFactory>);

}  // namespace
}  // namespace mkt::testing
