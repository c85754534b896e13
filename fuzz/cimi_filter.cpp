// The CIMI $filter language: parse, bind to the MachineImage attribute types,
// evaluate on an image. Invariants: an accepted filter binds or is refused with a
// reason; evaluation of a bound filter terminates; AllOf of the filter with itself
// matches exactly when the filter does.
#include "cimi/filter.hpp"
#include "cimi/image_query.hpp"
#include "fuzz/fuzz_support.hpp"
#include "mappers/cimi_image.hpp"

namespace {

const mkt::mappers::cimi::MachineImage& Image() {
    static const auto* image = [] {
        mkt::Entry e;
        e.key = {"CtE1_cU8rEukc-QhzTWihCzw5IE", "alice@example.org",
                 mkt::Timestamp::FromUnixSeconds(1704067200)};
        e.metadata.identifier = e.key.identifier;
        e.metadata.endorsement.created = e.key.created;
        e.metadata.endorsement.email = e.key.email;
        e.metadata.title = "Ubuntu 24.04";
        e.metadata.os = "Ubuntu";
        e.metadata.os_version = "24.04";
        e.metadata.os_arch = "x86_64";
        e.metadata.bytes = 1 << 30;
        e.metadata.checksums = {{"SHA-1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"}};
        e.metadata.locations = {"http://images.example.org/u.img"};
        e.received = e.key.created;
        return new mkt::mappers::cimi::MachineImage(mkt::mappers::cimi::ToMachineImage(
            e, {e.key.email}, {"http://mp.example.org/", e.key.created + 60}));
    }();
    return *image;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto filter = mkt::cimi::Filter::Parse(mkt::fuzz::AsText(data, size));
    if (!filter.ok()) {
        FUZZ_CHECK(filter.status().code() == mkt::StatusCode::kInvalidArgument);
        return 0;
    }
    FUZZ_CHECK(filter->terms() > 0);
    mkt::cimi::Filter copy = *filter;
    const mkt::Status bound = filter->Bind(&mkt::cimi::ImageAttributeType);
    if (!bound.ok()) {
        FUZZ_CHECK(!bound.message().empty());
        return 0;
    }
    const mkt::cimi::ImageTarget target(Image());
    const bool matches = filter->Matches(target);
    std::vector<mkt::cimi::Filter> both;
    both.push_back(*filter);
    both.push_back(std::move(copy));
    auto all = mkt::cimi::Filter::AllOf(std::move(both));
    if (all.ok() && all->Bind(&mkt::cimi::ImageAttributeType).ok()) {
        FUZZ_CHECK(all->Matches(target) == matches);
    }
    return 0;
}
