#include "bench/corpus.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>

#include "tests/support/documents.hpp"

namespace mkt::bench {
namespace {

testing::DocumentSpec SpecFor(size_t index, const std::string& run_tag) {
    static const char* const kOs[][3] = {{"ubuntu", "22.04", "x86_64"},
                                         {"centos", "7", "x86_64"},
                                         {"debian", "12", "aarch64"},
                                         {"fedora", "39", "x86_64"}};
    const auto& os = kOs[index % 4];
    testing::DocumentSpec spec;
    spec.image = "marketplace benchmark image " + run_tag + " #" + std::to_string(index);
    spec.os = os[0];
    spec.os_version = os[1];
    spec.os_arch = os[2];
    spec.title = std::string(os[0]) + " " + os[1] + " base image " + std::to_string(index);
    spec.description = "A " + std::string(os[0]) + " " + os[1] + " " + os[2] +
                       " image with cloud-init, built for the upload benchmark (" +
                       std::to_string(index) + ").";
    spec.tag = "bench-" + std::to_string(index % 50);
    spec.location =
        "https://images.example.org/bench/" + run_tag + "/" + std::to_string(index) + ".qcow2.gz";
    return spec;
}

}  // namespace

const std::vector<std::string>& StrictEndorsers() {
    static const std::vector<std::string> kEndorsers = {"alice", "bob", "carol", "erin", "eve"};
    return kEndorsers;
}

void UseTestPki(const std::filesystem::path& pki_dir) {
    setenv("MKT_TEST_PKI", pki_dir.c_str(), 1);
}

std::vector<CorpusDocument> SignCorpus(size_t count, Timestamp created,
                                       const std::vector<std::string>& endorsers,
                                       const std::string& run_tag, unsigned threads) {
    std::vector<CorpusDocument> corpus(count);
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i = next++; i < count; i = next++) {
            const std::string& endorser = endorsers[i % endorsers.size()];
            corpus[i].endorser = endorser;
            corpus[i].bytes = testing::SignedDocument(endorser, SpecFor(i, run_tag), created);
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < std::max(threads, 1u); ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    return corpus;
}

size_t AverageSize(const std::vector<CorpusDocument>& corpus) {
    size_t total = 0;
    for (const auto& d : corpus) total += d.bytes.size();
    return corpus.empty() ? 0 : total / corpus.size();
}

}  // namespace mkt::bench
