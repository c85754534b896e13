// Helpers shared by the metadata tests: fixture access, text mutations of
// fixture documents, listing splitting, and the process's one Raptor World.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "registry/redland/world.hpp"
#include "tests/support/paths.hpp"

namespace mkt::testing {

inline std::filesystem::path MetadataLib() { return StratusLabFixtures() / "metadata-lib"; }

inline std::string MetadataLibFile(const std::string& name) {
    return ReadFile(MetadataLib() / name);
}

/// `text` with the first occurrence of `from` replaced; a failed test when absent.
inline std::string ReplaceOnce(std::string text, std::string_view from, std::string_view to) {
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << "mutation target not found: " << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

/// The standalone documents of a StratusLab listing (`<metadata>` wrapping
/// signed rdf:RDF elements), each given the XML declaration, bytes otherwise
/// untouched (so signatures stay verifiable). A standalone document is returned
/// as is.
inline std::vector<std::string> SplitListing(const std::string& text) {
    constexpr std::string_view kOpen = "<rdf:RDF";
    constexpr std::string_view kClose = "</rdf:RDF>";
    if (text.find("<metadata>") == std::string::npos) return {text};
    std::vector<std::string> documents;
    for (size_t at = text.find(kOpen); at != std::string::npos; at = text.find(kOpen, at)) {
        const size_t end = text.find(kClose, at);
        if (end == std::string::npos) break;
        documents.push_back("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n" +
                            text.substr(at, end + kClose.size() - at));
        at = end;
    }
    return documents;
}

/// One World per test process, destroyed at exit after every test (Raptor's
/// teardown calls xmlCleanupParser, which must not run between tests).
inline const redland::World& SharedWorld() {
    static const std::unique_ptr<redland::World> world = [] {
        auto created = redland::World::Create();
        if (!created.ok()) {
            ADD_FAILURE() << created.status().ToString();
            std::abort();
        }
        return std::move(created).value();
    }();
    return *world;
}

}  // namespace mkt::testing
