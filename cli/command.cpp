#include "cli/command.hpp"

namespace mkt::cli {

int ExitCodeFor(const Status& status) {
    switch (status.code()) {
        case StatusCode::kOk:
            return kExitOk;
        case StatusCode::kUnavailable:
        case StatusCode::kDeadlineExceeded:
        case StatusCode::kInternal:
            return kExitIo;
        default:
            return kExitRejected;
    }
}

Status IoError(std::string message) { return Status::Unavailable(std::move(message)); }

}  // namespace mkt::cli
