#include "server/glance_poller.hpp"

#include <iostream>

#include "client/glance_client.hpp"
#include "registry/identifier.hpp"

namespace mkt::server {

// The property `marketplace site-sync` writes the image identifier into.
constexpr const char* kIdentifierProperty = "vmcatcher_event_dc_identifier";

GlancePoller::GlancePoller(std::map<std::string, std::string> glance_by_provider,
                           std::map<std::string, std::string> occi_endpoints,
                           std::chrono::seconds interval, ProviderHoldings& holdings)
    : glance_by_provider_(std::move(glance_by_provider)),
      occi_endpoints_(std::move(occi_endpoints)),
      interval_(interval),
      holdings_(holdings) {}

GlancePoller::~GlancePoller() { Stop(); }

void GlancePoller::Start() {
    if (thread_.joinable() || glance_by_provider_.empty()) return;
    thread_ = std::thread([this] { Loop(); });
}

void GlancePoller::Stop() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

Status GlancePoller::PollProvider(const std::string& provider, const std::string& glance_url) {
    client::GlanceOptions options;
    options.http.timeout_seconds = 30;
    client::GlanceClient glance(glance_url, options);
    std::multimap<std::string, ProviderHolding> held;
    const auto endpoint = occi_endpoints_.find(provider);
    const std::string occi_endpoint = endpoint == occi_endpoints_.end() ? "" : endpoint->second;
    MKT_RETURN_IF_ERROR(glance.ForEachImage({}, [&](client::GlanceImage&& image) {
        const std::string identifier = image.Property(kIdentifierProperty);
        if (identifier::IsValid(identifier)) {
            held.emplace(identifier,
                         ProviderHolding{provider, occi_endpoint, image.id, image.status});
        }
        return true;
    }));
    holdings_.ReplaceProvider(provider, std::move(held));
    return Status::Ok();
}

void GlancePoller::Loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        for (const auto& [provider, url] : glance_by_provider_) {
            const Status polled = PollProvider(provider, url);
            if (!polled.ok()) {
                std::cerr << "marketplace-server: occi.provider." << provider
                          << ".glance: " << polled.message() << "\n";
            }
        }
        lock.lock();
        wake_.wait_for(lock, interval_, [this] { return stopping_; });
    }
}

}  // namespace mkt::server
