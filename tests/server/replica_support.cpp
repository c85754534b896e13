#include "tests/server/replica_support.hpp"

#include "tests/support/paths.hpp"

namespace mkt::testing {

std::vector<std::string> ReplicaSettings(const std::string& conninfo) {
    const auto pki = TestPki();
    return {"store.type=postgresql",
            "store.postgresql.conninfo=" + conninfo,
            "store.postgresql.pool_size=4",
            "trust.mode=strict",
            "trust.ca_dir=" + (pki / "ca").string(),
            "http.access_log=off",
            "http.threads=8"};
}

std::optional<nlohmann::json> Health(const ServerProcess& server) {
    auto r = client::HttpClient().Get(server.url("health"));
    if (!r.ok() || r->status != 200) return std::nullopt;
    return nlohmann::json::parse(r->body);
}

namespace {

/// The single value of a one-row, one-column SPARQL answer, or nullopt.
std::optional<std::string> SparqlValue(const ServerProcess& server, const std::string& query) {
    client::HttpRequest request{"POST",
                                server.url("query"),
                                {{"Content-Type", "application/sparql-query"},
                                 {"Accept", "application/sparql-results+json"}},
                                query};
    auto r = client::HttpClient().Send(request);
    if (!r.ok() || r->status != 200) return std::nullopt;
    const auto bindings = nlohmann::json::parse(r->body)["results"]["bindings"];
    if (bindings.empty()) return std::nullopt;
    return bindings[0].begin().value()["value"].get<std::string>();
}

}  // namespace

int GraphEntries(const ServerProcess& server) {
    auto n = SparqlValue(server,
                         "SELECT (COUNT(?x) AS ?n) WHERE { ?x "
                         "<http://purl.org/dc/terms/identifier> ?i }");
    return n ? std::stoi(*n) : -1;
}

bool GraphKnows(const ServerProcess& server, const std::string& identifier) {
    return SparqlValue(server, "SELECT ?x WHERE { ?x <http://purl.org/dc/terms/identifier> \"" +
                                   identifier + "\" } LIMIT 1")
        .has_value();
}

Result<client::HttpResponse> Upload(client::HttpClient& client, const ServerProcess& server,
                                    const std::string& document) {
    return client.Post(server.url("metadata"), "application/rdf+xml", document);
}

std::string PathOf(const std::string& location) {
    return location.substr(location.find("/metadata/") + 1);
}

}  // namespace mkt::testing
