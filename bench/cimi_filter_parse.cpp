// cimi_filter_parse: parsing time of the worst CIMI $filter inputs at 1/8 of
// the term limit and at the limit (a chain of `or` comparisons). Linear time
// means the ratio of the two per-parse times stays near 8; it moved here from
// the test suite, where a timing assertion has no place (benchmarks are not
// tests).
#include <string>

#include <benchmark/benchmark.h>

#include "cimi/filter.hpp"

namespace {

std::string Chain(size_t terms) {
    std::string f;
    for (size_t i = 0; i < terms; ++i)
        f += (i ? " or " : "") + std::string("a=") + std::to_string(i);
    return f;
}

void ParseChain(benchmark::State& state) {
    const std::string filter = Chain(static_cast<size_t>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(mkt::cimi::Filter::Parse(filter));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * filter.size()));
    state.counters["terms"] = static_cast<double>(state.range(0));
}
BENCHMARK(ParseChain)
    ->Arg(static_cast<int64_t>(mkt::cimi::kMaxFilterTerms / 8))
    ->Arg(static_cast<int64_t>(mkt::cimi::kMaxFilterTerms));

}  // namespace

BENCHMARK_MAIN();
