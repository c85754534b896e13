// Runs a fuzz target's LLVMFuzzerTestOneInput on every file below the given
// directories (seeds, kept crash inputs). Arguments: directories; a directory
// after --optional may be missing or empty. Fails when a required directory is
// missing or when no input at all was found, so the test cannot pass vacuously;
// a target's invariant failure aborts, which fails the test.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::string ReadFile(const std::filesystem::path& path) {
    std::string bytes(std::filesystem::file_size(path), '\0');
    std::ifstream in(path, std::ios::binary);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<size_t>(in.gcount()));
    return bytes;
}

}  // namespace

int main(int argc, char** argv) {
    size_t inputs = 0;
    bool optional = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--optional") {
            optional = true;
            continue;
        }
        const std::filesystem::path dir(arg);
        const bool present = std::filesystem::is_directory(dir);
        if (!present && optional) {
            optional = false;
            continue;
        }
        optional = false;
        if (!present) {
            std::fprintf(stderr, "seed directory %s is missing\n", arg.c_str());
            return 1;
        }
        for (const auto& item : std::filesystem::recursive_directory_iterator(dir)) {
            if (!item.is_regular_file()) continue;
            const std::string bytes = ReadFile(item.path());
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
            ++inputs;
        }
    }
    std::printf("%zu inputs replayed\n", inputs);
    if (inputs == 0) {
        std::fprintf(stderr, "no inputs found\n");
        return 1;
    }
    return 0;
}
