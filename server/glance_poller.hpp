// GlancePoller: reads each configured provider's Glance (occi.provider.<name>.glance),
// read-only, every poll interval, and replaces that provider's set in
// ProviderHoldings with the images that carry a Marketplace identifier
// (property vmcatcher_event_dc_identifier, as `marketplace site-sync` sets it;
// docs/sites.md). The Marketplace thus learns what a site holds by reading the
// site's store, never from a claim posted to it.
//
// One background thread; the first poll runs at Start. A provider whose Glance
// cannot be read keeps its previous set (a short outage does not hide images)
// and the failure is written to stderr once per poll.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "registry/provider_holdings.hpp"
#include "registry/status.hpp"

namespace mkt::server {

class GlancePoller {
  public:
    /// `glance_by_provider`: provider name -> Glance endpoint; `occi_endpoints`:
    /// provider name -> OCCI endpoint (recorded with each holding).
    GlancePoller(std::map<std::string, std::string> glance_by_provider,
                 std::map<std::string, std::string> occi_endpoints, std::chrono::seconds interval,
                 ProviderHoldings& holdings);
    ~GlancePoller();
    GlancePoller(const GlancePoller&) = delete;
    GlancePoller& operator=(const GlancePoller&) = delete;

    void Start();
    void Stop();

    /// One poll of one provider (the thread's work; public for tests).
    Status PollProvider(const std::string& provider, const std::string& glance_url);

  private:
    void Loop();

    std::map<std::string, std::string> glance_by_provider_;
    std::map<std::string, std::string> occi_endpoints_;
    std::chrono::seconds interval_;
    ProviderHoldings& holdings_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace mkt::server
