// Pieces of `marketplace download` (cli/commands/download.cpp) that
// `marketplace site-sync` uses too.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>

#include "cli/command.hpp"
#include "client/marketplace_client.hpp"
#include "registry/entry.hpp"

namespace mkt::cli {

/// The entry's metadata read from its signed bytes, after checking the
/// signature here (strict with the configured trust_dir, else compat with a
/// note). Errors: the transfer's, "the entry's signature: ...", and
/// kInvalidArgument when the server served another entry's document.
Result<EntryMetadata> VerifiedMetadata(client::MarketplaceClient& client, const EntryKey& key,
                                       CommandContext& ctx);

/// One line on stderr, redrawn at most 10 times a second: bytes, percentage, rate.
class Progress {
  public:
    explicit Progress(std::ostream& err);
    void Update(uint64_t done, std::optional<uint64_t> total);
    /// Ends the line (when one was drawn); the next Update starts a new one.
    void Done();

  private:
    using Clock = std::chrono::steady_clock;
    std::ostream& err_;
    Clock::time_point start_, last_;
    bool drawn_ = false;
};

}  // namespace mkt::cli
