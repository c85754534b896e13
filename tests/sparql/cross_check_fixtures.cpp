// sparql_cross_check_fixtures OUT_DIR: the signed documents the SPARQL cross-check
// (tests/sparql/cross-check/run-cross-check) uploads, made with the test PKI
// (tests/support/documents.hpp) because signing needs the test keys.
//   OUT_DIR/NNN.xml, to upload in name order: 24 images over 6 OSes, 3 arches and
//   4 endorsers, a second (newer) version of some images by the same endorser
//   (so slterms:tag "latest" moves), the same image endorsed by two people, and
//   two deprecated entries.
#include <cstdio>
#include <filesystem>
#include <string>

#include "registry/clock.hpp"
#include "registry/xmlsec/library.hpp"
#include "tests/support/documents.hpp"
#include "tests/support/paths.hpp"

int main(int argc, char** argv) {
    using mkt::testing::DocumentSpec;
    using mkt::testing::SignedDocument;
    if (argc != 2) {
        std::fprintf(stderr, "usage: sparql_cross_check_fixtures OUT_DIR\n");
        return 2;
    }
    mkt::xmlsec::XmlSecLibrary xmlsec_library;
    if (!xmlsec_library.ok()) {
        std::fprintf(stderr, "%s\n", xmlsec_library.status().message().c_str());
        return 1;
    }
    const std::filesystem::path out = argv[1];
    std::filesystem::create_directories(out);
    const mkt::Timestamp now = mkt::SystemClock().Now();
    const char* oses[][2] = {{"Ubuntu", "22.04"}, {"Debian", "12"}, {"CentOS", "7"},
                             {"Alpine", "3.19"},  {"Fedora", "40"}, {"Ubuntu", "24.04"}};
    const char* arches[] = {"x86_64", "aarch64", "i686"};
    const char* endorsers[] = {"alice", "bob", "carol", "erin"};
    int n = 0;
    auto write = [&](const std::string& who, const DocumentSpec& spec, mkt::Timestamp at) {
        char name[32];
        std::snprintf(name, sizeof name, "%03d.xml", n++);
        mkt::testing::WriteFile(out / name, SignedDocument(who, spec, at));
    };
    auto spec_of = [&](int i) {
        DocumentSpec spec;
        spec.image = "sparql-image-" + std::to_string(i);
        spec.os = oses[i % 6][0];
        spec.os_version = oses[i % 6][1];
        spec.os_arch = arches[i % 3];
        spec.title = std::string(spec.os) + " " + spec.os_version + " " + spec.os_arch;
        spec.description = "Image " + std::to_string(i) + " for the SPARQL cross-check";
        spec.location = "https://images.example.org/sparql-" + std::to_string(i) + ".qcow2";
        if (i % 5 == 0) spec.tag = "stable";
        return spec;
    };
    for (int i = 0; i < 24; ++i) {
        DocumentSpec spec = spec_of(i);
        if (i == 7 || i == 19) spec.deprecated = "superseded by image " + std::to_string(i + 1);
        write(endorsers[i % 4], spec, now - 7200 + i * 10);
    }
    for (int i : {2, 5, 11}) {  // newer versions by the same endorser: "latest" moves
        DocumentSpec spec = spec_of(i);
        spec.title += " (rebuilt)";
        write(endorsers[i % 4], spec, now - 3600 + i);
    }
    for (int i : {3, 8}) {  // a second endorser for the same image
        write(endorsers[(i + 1) % 4], spec_of(i), now - 1800 + i);
    }
    return 0;
}
