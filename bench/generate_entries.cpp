// generate_entries: N signed, realistic entries in a SQLite database file that
// marketplace-server opens with `--set store.sqlite.path=FILE` (strict trust on
// the test PKI). bench/entry_generator.hpp describes the mix.
//
//   generate_entries --count 100000 --output /tmp/mkt-100k.db [--threads T] [--pki DIR]
//
// A file that already holds exactly --count entries is reused as it is.
#include <cstdio>
#include <string>

#include "bench/driver.hpp"
#include "bench/entry_generator.hpp"
#include "registry/redland/world.hpp"
#include "registry/xmlsec/library.hpp"

namespace {

constexpr char kUsage[] =
    "usage: generate_entries --count N --output FILE.db [--threads T] [--pki DIR]\n";

mkt::Status Run(int argc, char** argv) {
    mkt::bench::GeneratorOptions options;
    options.pki = mkt::bench::DefaultDriverOptions().pki;
    std::filesystem::path output;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 >= argc) return mkt::Status::InvalidArgument(arg + " needs a value\n" + kUsage);
        const std::string value = argv[++i];
        if (arg == "--count") {
            MKT_ASSIGN_OR_RETURN(options.count, mkt::bench::ParseCount(arg, value));
        } else if (arg == "--threads") {
            MKT_ASSIGN_OR_RETURN(auto threads, mkt::bench::ParseCount(arg, value));
            options.threads = static_cast<unsigned>(threads);
        } else if (arg == "--output") {
            output = value;
        } else if (arg == "--pki") {
            options.pki = value;
        } else {
            return mkt::Status::InvalidArgument("unknown option " + arg + "\n" + kUsage);
        }
    }
    if (output.empty())
        return mkt::Status::InvalidArgument(std::string("--output is required\n") + kUsage);
    MKT_ASSIGN_OR_RETURN(auto world, mkt::redland::World::Create());
    mkt::xmlsec::XmlSecLibrary xmlsec_library;
    MKT_RETURN_IF_ERROR(xmlsec_library.status());
    options.progress = [](size_t done, size_t count) {
        if (done % 10000 == 0) std::fprintf(stderr, "generate_entries: %zu / %zu\n", done, count);
    };
    MKT_ASSIGN_OR_RETURN(auto db, mkt::bench::GenerateDatabase(output, options, *world));
    if (db.reused) {
        std::printf("generate_entries: reused %s (%zu entries)\n", output.c_str(), db.entries);
    } else {
        std::printf("generate_entries: %zu entries in %s in %.1f s (%.0f entries/s)\n", db.entries,
                    output.c_str(), db.seconds, db.entries / db.seconds);
    }
    return mkt::Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
    const mkt::Status status = Run(argc, argv);
    if (status.ok()) return 0;
    std::fprintf(stderr, "generate_entries: %s\n", status.message().c_str());
    return 1;
}
