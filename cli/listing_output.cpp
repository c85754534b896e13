#include "cli/listing_output.hpp"

#include <iterator>

#include <nlohmann/json.hpp>

#include "cli/terminal.hpp"

#ifndef MKT_VERSION
#define MKT_VERSION "unknown"
#endif

namespace mkt::cli {
namespace {

constexpr size_t kMaxCellWidth = 48;

std::string OneLine(std::string text) {
    for (char& c : text) {
        if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    }
    return text;
}

std::string StatusCell(const client::ListedEntry& e) {
    std::string status(EntryStatusName(e.status));
    if (e.entry.metadata.deprecated) status += ": " + OneLine(*e.entry.metadata.deprecated);
    return status;
}

std::string OsCell(const EntryMetadata& m) {
    std::string os = m.os;
    for (const std::string* part : {&m.os_version, &m.os_arch}) {
        if (!part->empty()) os += (os.empty() ? "" : " ") + *part;
    }
    return os;
}

}  // namespace

client::MarketplaceClient MakeClient(const ClientConfig& config) {
    client::ClientOptions options;
    options.timeout_seconds = config.timeout_seconds;
    options.verify_tls = config.verify_tls;
    options.ca_file = config.ca_file;
    return client::MarketplaceClient(config.endpoint, options,
                                     std::string("marketplace/") + MKT_VERSION);
}

std::string EntriesJson(const std::vector<client::ListedEntry>& entries, uint64_t total,
                        const std::optional<std::string>& next_cursor) {
    std::string out = "{\"total\":" + std::to_string(total) +
                      ",\"count\":" + std::to_string(entries.size()) + ",\"next_cursor\":";
    out += next_cursor ? nlohmann::json(*next_cursor).dump() : "null";
    out += ",\"entries\":[";
    for (size_t i = 0; i < entries.size(); ++i) out += (i ? "," : "") + entries[i].json;
    return out + "]}\n";
}

std::string EntriesTable(const std::vector<client::ListedEntry>& entries) {
    std::vector<std::vector<std::string>> rows = {
        {"IDENTIFIER", "ENDORSER", "CREATED", "STATUS", "OS", "TITLE"}};
    for (const auto& e : entries) {
        const Entry& entry = e.entry;
        rows.push_back({entry.key.identifier, entry.key.email, entry.key.created.ToString(),
                        StatusCell(e), OneLine(OsCell(entry.metadata)),
                        OneLine(entry.metadata.title)});
    }
    return FormatTable(rows, kMaxCellWidth);
}

std::string EntriesTsv(const std::vector<client::ListedEntry>& entries) {
    std::string out;
    for (const auto& e : entries) {
        const Entry& entry = e.entry;
        const EntryMetadata& m = entry.metadata;
        const std::string cells[] = {entry.key.identifier,
                                     entry.key.email,
                                     entry.key.created.ToString(),
                                     std::string(EntryStatusName(e.status)),
                                     m.os,
                                     m.os_version,
                                     m.os_arch,
                                     m.title,
                                     m.deprecated.value_or("")};
        for (size_t i = 0; i < std::size(cells); ++i) {
            out += (i ? "\t" : "") + OneLine(cells[i]);
        }
        out += "\n";
    }
    return out;
}

}  // namespace mkt::cli
