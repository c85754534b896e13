// The store named by the configuration (store.type and its keys), opened: the
// one place that picks a concrete EntryStore, used by the server and by
// `marketplace-server --copy-store`.
#pragma once

#include <memory>

#include "conf/config.hpp"
#include "registry/confirmation_store.hpp"
#include "registry/entry_store.hpp"

namespace mkt::server {

/// memory, sqlite (creating the file's directory) or postgresql; the errors of
/// the store's Open.
Result<std::unique_ptr<EntryStore>> OpenStore(const conf::StoreConfig& config);

/// The e-mail confirmation's store in the same place as the entries (the
/// SQLite file, the PostgreSQL schema, or memory); open it after OpenStore,
/// which creates or migrates the schema.
Result<std::unique_ptr<ConfirmationStore>> OpenConfirmationStore(const conf::StoreConfig& config);

/// "sqlite <path>", "postgresql" or "memory": for messages (never the
/// conninfo, which may hold a password).
std::string DescribeStore(const conf::StoreConfig& config);

}  // namespace mkt::server
