// World: the process's owner of Raptor (and, later, librdf) state; the home of
// every Raptor world the program uses. One per process, created in main (server/
// or cli/) before any thread parses RDF, destroyed after the last one finished.
//
// Why a pool: a raptor_world is not safe to share between threads (its URI
// interning tree, blank-node counter and log handler are unguarded), and Raptor 2
// reports parser errors only through the world's log handler. So each parse
// borrows a world for itself (Acquire) and installs its own log handler; worlds
// are made on demand, reused, and all freed when the World is destroyed. Parsers
// themselves are created per call by their users.
//
// Raptor is opened without touching libxml2's or libcurl's process-wide state
// (no global libxml2 error handlers, no curl_global_init): the RDF parsers we use
// read memory only. Caveat kept from Raptor: freeing a raptor world calls
// xmlCleanupParser(), so destroy the World last, after every other libxml2 user
// (XML parsing, xmlsec) is finished.
//
// Thread-safety: Acquire may be called from any number of threads at once; a
// Lease is used by one thread. The World must outlive every Lease.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "registry/result.hpp"

struct raptor_world_s;  // raptor2.h: typedef struct raptor_world_s raptor_world

namespace mkt::redland {

class World {
  public:
    /// A raptor world lent to one user until the Lease is destroyed. Its log
    /// handler discards messages unless the user installs its own; it is reset
    /// to discarding when the world goes back to the pool.
    class Lease {
      public:
        Lease(Lease&& other) noexcept;
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        ~Lease();
        raptor_world_s* get() const { return world_; }

      private:
        friend class World;
        Lease(const World* owner, raptor_world_s* world) : owner_(owner), world_(world) {}
        const World* owner_;
        raptor_world_s* world_;
    };

    /// Opens a first raptor world, so a broken installation fails at start-up.
    /// Errors: kInternal when Raptor cannot be initialised.
    static Result<std::unique_ptr<World>> Create();
    ~World();
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    /// A world for this caller alone: a pooled one, or a new one.
    /// Errors: kInternal when a new raptor world cannot be opened.
    Result<Lease> Acquire() const;

    /// Worlds opened so far (the pool never shrinks): for tests and metrics.
    size_t WorldCount() const;

  private:
    World() = default;
    void Release(raptor_world_s* world) const;

    mutable std::mutex mutex_;
    mutable std::vector<raptor_world_s*> idle_;  // guarded by mutex_
    mutable std::vector<raptor_world_s*> all_;   // guarded by mutex_
};

}  // namespace mkt::redland
