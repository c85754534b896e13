// ExitCodeFor: the one mapping from Status to the exit codes scripts rely on.
#include "cli/command.hpp"

#include <gtest/gtest.h>

namespace mkt::cli {
namespace {

TEST(ExitCodeTest, SuccessIsZero) { EXPECT_EQ(ExitCodeFor(Status::Ok()), 0); }

TEST(ExitCodeTest, RefusalsAndInvalidInputAreOne) {
    for (StatusCode code : {StatusCode::kInvalidArgument, StatusCode::kNotFound,
                            StatusCode::kAlreadyExists, StatusCode::kPermissionDenied,
                            StatusCode::kPayloadTooLarge, StatusCode::kUnsupportedMedia,
                            StatusCode::kNotAcceptable, StatusCode::kMethodNotAllowed}) {
        EXPECT_EQ(ExitCodeFor(Status(code, "x")), kExitRejected) << StatusCodeName(code);
    }
}

TEST(ExitCodeTest, NetworkLocalFilesTimeoutsAndInternalErrorsAreThree) {
    for (StatusCode code :
         {StatusCode::kUnavailable, StatusCode::kDeadlineExceeded, StatusCode::kInternal}) {
        EXPECT_EQ(ExitCodeFor(Status(code, "x")), kExitIo) << StatusCodeName(code);
    }
}

TEST(ExitCodeTest, IoErrorKeepsItsMessageAndMapsToThree) {
    const Status s = IoError("cannot read x.xml: No such file or directory");
    EXPECT_EQ(s.message(), "cannot read x.xml: No such file or directory");
    EXPECT_EQ(ExitCodeFor(s), kExitIo);
}

}  // namespace
}  // namespace mkt::cli
