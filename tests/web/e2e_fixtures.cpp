// web_e2e_fixtures OUT_DIR: the signed documents the browser test uses, made with
// the test PKI (tests/support/documents.hpp), because signing needs the test keys
// and a browser test should not re-implement XML-DSig in JavaScript.
//   OUT_DIR/seed/NNN.xml  entries uploaded before the browser starts: several OSes,
//                         versions, arches and endorsers (more than one page of 25
//                         rows), a deprecated image, and one titled <script>alert(1)</script>
//   OUT_DIR/good.xml      a new signed entry, uploaded through the upload page
//   OUT_DIR/tampered.xml  the same kind of entry with its text changed after signing
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
        std::fprintf(stderr, "usage: web_e2e_fixtures OUT_DIR\n");
        return 2;
    }
    mkt::xmlsec::XmlSecLibrary xmlsec_library;
    if (!xmlsec_library.ok()) {
        std::fprintf(stderr, "%s\n", xmlsec_library.status().message().c_str());
        return 1;
    }
    const std::filesystem::path out = argv[1];
    std::filesystem::create_directories(out / "seed");
    const mkt::Timestamp now = mkt::SystemClock().Now();
    const char* oses[][2] = {{"Ubuntu", "22.04"}, {"Debian", "12"},    {"CentOS", "7"},
                             {"Alpine", "3.19"},  {"Fedora", "40"},    {"Ubuntu", "24.04"},
                             {"Rocky", "9"},      {"openSUSE", "15.5"}};
    const char* arches[] = {"x86_64", "aarch64", "i686"};
    const char* endorsers[] = {"alice", "bob", "carol", "erin"};
    int n = 0;
    auto write = [&](const std::string& who, const DocumentSpec& spec, mkt::Timestamp at) {
        char name[32];
        std::snprintf(name, sizeof name, "%03d.xml", n++);
        mkt::testing::WriteFile(out / "seed" / name, SignedDocument(who, spec, at));
    };
    for (int i = 0; i < 40; ++i) {
        const auto& os = oses[i % 8];
        DocumentSpec spec;
        spec.image = "e2e-image-" + std::to_string(i);
        spec.os = os[0];
        spec.os_version = os[1];
        spec.os_arch = arches[i % 3];
        spec.title = std::string(os[0]) + " " + os[1] + " " + arches[i % 3] + " build " +
                     std::to_string(100 + i);
        spec.description = "Image " + std::to_string(i) + " for the browser test";
        spec.location = "https://images.example.org/e2e-" + std::to_string(i) + ".qcow2";
        if (i == 7) spec.deprecated = "superseded by build 139";
        write(endorsers[i % 4], spec, now - 3600 + i);
    }
    DocumentSpec xss;
    xss.image = "e2e-xss";
    xss.title = "<script>alert(1)</script>";
    xss.description = "\"><img src=x onerror=alert(2)>";
    write("bob", xss, now - 60);

    DocumentSpec good;
    good.image = "e2e-upload-good";
    good.os = "Debian";
    good.os_version = "13";
    good.title = "Uploaded from the browser";
    mkt::testing::WriteFile(out / "good.xml", SignedDocument("alice", good, now - 30));
    DocumentSpec bad;
    bad.image = "e2e-upload-tampered";
    bad.description = "original text";
    std::string tampered = SignedDocument("alice", bad, now - 30);
    tampered.replace(tampered.find("original text"), 13, "Original text");
    mkt::testing::WriteFile(out / "tampered.xml", tampered);
    std::printf("%d seed documents in %s\n", n, (out / "seed").c_str());
    return 0;
}
