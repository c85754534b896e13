#include "mappers/policy_json.hpp"

#include <nlohmann/json.hpp>

#include "mappers/native_json.hpp"

namespace mkt::mappers {
namespace {

nlohmann::json Reasons(const std::vector<policy::Reason>& reasons) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : reasons) {
        out.push_back({{"rule", r.rule}, {"passed", r.passed}, {"message", r.message}});
    }
    return out;
}

nlohmann::json Key(const EntryKey& key, std::string_view base_url) {
    return {{"url", EntryUrl(key, base_url)},
            {"email", key.email},
            {"created", key.created.ToString()}};
}

}  // namespace

std::string DecisionToJson(const policy::Decision& d, std::string_view name,
                           std::string_view base_url) {
    nlohmann::json out;
    out["identifier"] = d.identifier;
    out["policy"] = std::string(name);
    out["allowed"] = d.allowed;
    out["summary"] = d.summary;
    out["chosen"] = d.chosen ? Key(*d.chosen, base_url) : nlohmann::json(nullptr);
    out["reasons"] = Reasons(d.reasons);
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& e : d.entries) {
        nlohmann::json item = Key(e.key, base_url);
        item["status"] = std::string(EntryStatusName(e.status));
        item["accepted"] = e.accepted;
        item["reasons"] = Reasons(e.reasons);
        entries.push_back(std::move(item));
    }
    out["entries"] = std::move(entries);
    return out.dump(2) + "\n";
}

}  // namespace mkt::mappers
