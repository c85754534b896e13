#include "server/federation_puller.hpp"

#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "client/feed_client.hpp"
#include "registry/federation/cursor_file.hpp"

namespace mkt::server {

struct FederationPuller::Peer {
    PeerConfig config;
    std::unique_ptr<client::HttpFeedSource> source;
    std::unique_ptr<federation::CursorFile> cursor;
    std::unique_ptr<federation::PeerSync> sync;
};

namespace {

void LogLine(const std::string& line) { std::cerr << "marketplace-server: " << line << std::endl; }

}  // namespace

Result<std::unique_ptr<FederationPuller>> FederationPuller::Create(std::vector<PeerConfig> peers,
                                                                   const std::string& state_dir,
                                                                   std::chrono::seconds interval,
                                                                   size_t page_size,
                                                                   Registry& registry) {
    std::error_code ec;
    std::filesystem::create_directories(state_dir, ec);
    if (ec) {
        return Status::Unavailable("federation.state_dir: cannot create " + state_dir + ": " +
                                   ec.message());
    }
    std::unique_ptr<FederationPuller> puller(new FederationPuller(interval));
    for (PeerConfig& config : peers) {
        auto peer = std::make_unique<Peer>();
        client::ClientOptions options;
        options.timeout_seconds = 60;
        options.ca_file = config.ca_file;
        peer->source = std::make_unique<client::HttpFeedSource>(config.url, options);
        peer->cursor = std::make_unique<federation::CursorFile>(std::filesystem::path(state_dir) /
                                                                (config.name + ".cursor"));
        peer->sync = std::make_unique<federation::PeerSync>(
            config.name, registry, *peer->source, *peer->cursor,
            federation::PeerSyncOptions{page_size}, LogLine);
        peer->config = std::move(config);
        puller->peers_.push_back(std::move(peer));
    }
    return puller;
}

FederationPuller::FederationPuller(std::chrono::seconds interval) : interval_(interval) {}
FederationPuller::~FederationPuller() { Stop(); }

void FederationPuller::Start() {
    if (!threads_.empty()) return;
    for (auto& peer : peers_) threads_.emplace_back([this, p = peer.get()] { Loop(*p); });
}

void FederationPuller::Stop() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_flag_.store(true);
    wake_.notify_all();
    for (std::thread& t : threads_) {
        if (t.joinable()) t.join();
    }
    threads_.clear();
}

void FederationPuller::Loop(Peer& peer) {
    std::chrono::seconds backoff(1);
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        const Status status = peer.sync->PullUntilCaughtUp(&stop_flag_);
        lock.lock();
        std::chrono::seconds wait = interval_;
        if (!status.ok()) {
            wait = std::min(backoff, interval_);
            backoff = std::min(backoff * 2, interval_);
        } else {
            backoff = std::chrono::seconds(1);
        }
        wake_.wait_for(lock, wait, [this] { return stopping_; });
    }
}

std::vector<federation::PeerState> FederationPuller::Snapshot() const {
    std::vector<federation::PeerState> states;
    for (const auto& peer : peers_) states.push_back(peer->sync->Snapshot());
    return states;
}

std::string FederationPuller::HealthJson() const {
    nlohmann::json peers = nlohmann::json::object();
    for (const auto& peer : peers_) {
        const federation::PeerState s = peer->sync->Snapshot();
        nlohmann::json reasons = nlohmann::json::object();
        for (const auto& [reason, count] : s.totals.refused_by_reason) reasons[reason] = count;
        peers[s.name] = {
            {"url", peer->config.url},
            {"cursor", s.cursor},
            {"peer_last_seq", s.peer_last_seq ? nlohmann::json(*s.peer_last_seq) : nullptr},
            {"lag", s.lag()},
            {"last_error",
             s.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.last_error)},
            {"last_success",
             s.last_success ? nlohmann::json(s.last_success->ToString()) : nlohmann::json(nullptr)},
            {"stored", s.totals.stored},
            {"already_present", s.totals.present},
            {"refused", s.totals.refused},
            {"refused_by_reason", std::move(reasons)}};
    }
    return peers.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mkt::server
