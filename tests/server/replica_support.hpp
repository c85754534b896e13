// Helpers of the tests that run real marketplace-server replicas on one
// PostgreSQL database (replicas_test, replica_faults_test).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/http_client.hpp"
#include "tests/support/server_process.hpp"

namespace mkt::testing {

/// The --set settings of a replica on `conninfo` (strict trust, the test PKI).
std::vector<std::string> ReplicaSettings(const std::string& conninfo);

/// GET /health: the JSON body, or nullopt when it does not answer 200.
std::optional<nlohmann::json> Health(const ServerProcess& server);

/// Entries in the replica's SPARQL graph, or -1 when /query does not answer.
int GraphEntries(const ServerProcess& server);

/// True when the replica's SPARQL graph knows the entry of `identifier`.
bool GraphKnows(const ServerProcess& server, const std::string& identifier);

/// Polls `condition` every 20 ms until it holds or `limit` passed.
template <typename Condition>
bool Eventually(Condition condition, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return condition();
}

/// One upload: POST /metadata with `document`.
Result<client::HttpResponse> Upload(client::HttpClient& client, const ServerProcess& server,
                                    const std::string& document);

/// The path of a Location header ("metadata/..."), to GET it from any replica.
std::string PathOf(const std::string& location);

}  // namespace mkt::testing
