// The process-wide Raptor world of test binaries that use mkt_library_main
// (one per process: destroying a world runs xmlCleanupParser()).
#pragma once

#include "registry/redland/world.hpp"

namespace mkt::testing {

const redland::World& RdfWorld();

}  // namespace mkt::testing
