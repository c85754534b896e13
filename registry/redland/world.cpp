#include "registry/redland/world.hpp"

#include <utility>

#include <raptor2.h>

namespace mkt::redland {
namespace {

void DiscardLogMessage(void*, raptor_log_message*) {}

/// A new opened world that leaves libxml2's global error handlers and libcurl's
/// global state alone, and prints nothing.
raptor_world* OpenWorld() {
    raptor_world* world = raptor_new_world();
    if (!world) return nullptr;
    const bool configured =
        raptor_world_set_flag(world, RAPTOR_WORLD_FLAG_LIBXML_GENERIC_ERROR_SAVE, 0) == 0 &&
        raptor_world_set_flag(world, RAPTOR_WORLD_FLAG_LIBXML_STRUCTURED_ERROR_SAVE, 0) == 0 &&
        raptor_world_set_flag(world, RAPTOR_WORLD_FLAG_WWW_SKIP_INIT_FINISH, 1) == 0 &&
        raptor_world_set_log_handler(world, nullptr, &DiscardLogMessage) == 0 &&
        raptor_world_open(world) == 0;
    if (!configured) {
        raptor_free_world(world);
        return nullptr;
    }
    return world;
}

}  // namespace

World::Lease::Lease(Lease&& other) noexcept
    : owner_(other.owner_), world_(std::exchange(other.world_, nullptr)) {}

World::Lease::~Lease() {
    if (world_) owner_->Release(world_);
}

Result<std::unique_ptr<World>> World::Create() {
    std::unique_ptr<World> world(new World());
    MKT_ASSIGN_OR_RETURN(Lease first, world->Acquire());
    (void)first;  // back to the pool when it goes out of scope
    return world;
}

World::~World() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (raptor_world* world : all_) raptor_free_world(world);
}

Result<World::Lease> World::Acquire() const {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!idle_.empty()) {
            raptor_world* world = idle_.back();
            idle_.pop_back();
            return Lease(this, world);
        }
    }
    raptor_world* world = OpenWorld();  // outside the lock: opening registers every parser
    if (!world) return Status::Internal("raptor: cannot open a raptor world");
    std::lock_guard<std::mutex> lock(mutex_);
    all_.push_back(world);
    return Lease(this, world);
}

size_t World::WorldCount() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return all_.size();
}

void World::Release(raptor_world* world) const {
    raptor_world_set_log_handler(world, nullptr, &DiscardLogMessage);
    std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(world);
}

}  // namespace mkt::redland
