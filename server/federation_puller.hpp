// FederationPuller: one background thread per configured federation peer
// (federation.peer.<name>), each pulling that peer's change feed with a
// federation::PeerSync into the Registry (docs/federation.md).
//
// A caught-up peer is pulled again every `interval`; a peer that fails (down,
// slow, garbage pages, or this store unavailable) is retried after 1 s, 2 s,
// 4 s ... up to `interval`, so a broken peer costs a request now and then; uploads
// and reads never wait on these threads. Each peer's cursor is
// a file "<state_dir>/<name>.cursor". Refusals and failures go to stderr.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "registry/federation/peer_sync.hpp"
#include "registry/registry.hpp"

namespace mkt::server {

struct PeerConfig {
    std::string name, url, ca_file;
};

class FederationPuller {
  public:
    /// Errors: kUnavailable when the state directory cannot be created.
    static Result<std::unique_ptr<FederationPuller>> Create(std::vector<PeerConfig> peers,
                                                            const std::string& state_dir,
                                                            std::chrono::seconds interval,
                                                            size_t page_size, Registry& registry);
    ~FederationPuller();
    FederationPuller(const FederationPuller&) = delete;
    FederationPuller& operator=(const FederationPuller&) = delete;

    void Start();
    void Stop();

    /// Every peer's state, ordered by name.
    std::vector<federation::PeerState> Snapshot() const;
    /// {"<name>": {"url", "cursor", "peer_last_seq", "lag", "last_error",
    ///  "last_success", "stored", "already_present", "refused", "refused_by_reason"}}.
    std::string HealthJson() const;

    struct Peer;

  private:
    explicit FederationPuller(std::chrono::seconds interval);
    void Loop(Peer& peer);

    std::chrono::seconds interval_;
    std::vector<std::unique_ptr<Peer>> peers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::atomic<bool> stop_flag_{false};
    std::vector<std::thread> threads_;
};

}  // namespace mkt::server
