// Golden-file tests of the pure mappers: the rendering of a fixed input is
// compared with a file under tests/data/golden/. MKT_UPDATE_GOLDEN=1 rewrites the
// files instead (review the diff before committing it).
#pragma once

#include <string>

#include "registry/entry.hpp"

namespace mkt::testing {

/// Expects `actual` to equal tests/data/golden/<folder>/<name>.
void ExpectGolden(const std::string& folder, const std::string& name, const std::string& actual);

/// The real StratusLab production document
/// fixtures/stratuslab/production/LHfKVPoHcv4oMirHU0KuOQc-TvI.entry.xml parsed by
/// the real parser into an Entry: metadata, key, document, seq 42, received
/// 2016-05-17T06:40:00Z; the signer is left for each test to describe.
Entry ProductionFixtureEntry();

}  // namespace mkt::testing
