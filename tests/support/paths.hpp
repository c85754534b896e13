// Where tests find their inputs. ctest sets MKT_SOURCE_DIR and MKT_BINARY_DIR
// (cmake/MktAddTest.cmake); the fallbacks let a test binary run by hand from the
// build directory.
#pragma once

#include <filesystem>
#include <string>

namespace mkt::testing {

std::filesystem::path SourceDir();
std::filesystem::path BinaryDir();
/// shared/fixtures/stratuslab (read-only; never edit).
std::filesystem::path StratusLabFixtures();
/// Build-tree PKI made by scripts/make-test-pki (see its header for the contents).
std::filesystem::path TestPki();
/// Whole file as bytes; aborts the test binary when unreadable.
std::string ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, std::string_view bytes);

}  // namespace mkt::testing
