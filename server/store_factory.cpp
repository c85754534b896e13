#include "server/store_factory.hpp"

#include <chrono>
#include <filesystem>

#include "registry/store/memory_confirmation_store.hpp"
#include "registry/store/memory_store.hpp"
#include "registry/store/postgres/pg_confirmation_store.hpp"
#include "registry/store/postgres/postgres_store.hpp"
#include "registry/store/sqlite_confirmation_store.hpp"
#include "registry/store/sqlite_store.hpp"

namespace mkt::server {

Result<std::unique_ptr<EntryStore>> OpenStore(const conf::StoreConfig& c) {
    if (c.type == "memory")
        return std::unique_ptr<EntryStore>(std::make_unique<store::MemoryEntryStore>());
    if (c.type == "postgresql") {
        store::PostgresOptions options;
        options.conninfo = c.postgresql_conninfo;
        options.pool_size = c.postgresql_pool_size;
        MKT_ASSIGN_OR_RETURN(auto postgres, store::PostgresEntryStore::Open(std::move(options)));
        return std::unique_ptr<EntryStore>(std::move(postgres));
    }
    const std::filesystem::path path(c.sqlite_path);
    if (path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
    }
    store::SqliteOptions options;
    options.synchronous = c.sqlite_synchronous == "full"
                              ? store::SqliteOptions::Synchronous::kFull
                              : store::SqliteOptions::Synchronous::kNormal;
    options.group_commit_window = std::chrono::microseconds(c.group_commit_us);
    MKT_ASSIGN_OR_RETURN(auto sqlite, store::SqliteEntryStore::Open(path, options));
    return std::unique_ptr<EntryStore>(std::move(sqlite));
}

Result<std::unique_ptr<ConfirmationStore>> OpenConfirmationStore(const conf::StoreConfig& c) {
    if (c.type == "memory") {
        return std::unique_ptr<ConfirmationStore>(
            std::make_unique<store::MemoryConfirmationStore>());
    }
    if (c.type == "postgresql") {
        MKT_ASSIGN_OR_RETURN(auto postgres,
                             store::PostgresConfirmationStore::Open(c.postgresql_conninfo));
        return std::unique_ptr<ConfirmationStore>(std::move(postgres));
    }
    MKT_ASSIGN_OR_RETURN(auto sqlite, store::SqliteConfirmationStore::Open(c.sqlite_path));
    return std::unique_ptr<ConfirmationStore>(std::move(sqlite));
}

std::string DescribeStore(const conf::StoreConfig& c) {
    if (c.type == "sqlite") return "sqlite " + c.sqlite_path;
    if (c.type == "postgresql")
        return "postgresql (" + std::to_string(c.postgresql_pool_size) + " read connections)";
    return c.type;
}

}  // namespace mkt::server
