#include "registry/entry_store.hpp"

namespace mkt {

Status EntryConflictError(const EntryKey& key) {
    return Status::AlreadyExists("entry " + key.ToPath() +
                                 " already exists with different content; entries are "
                                 "immutable, sign a new endorsement instead");
}

Status OlderThanLatestError(std::string_view latest_created) {
    return Status::FailedPrecondition("older than latest entry (" + std::string(latest_created) +
                                      ")");
}

}  // namespace mkt
