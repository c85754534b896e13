// A self-signed certificate and key for localhost and 127.0.0.1, made with the
// openssl tool in a test's temporary directory (the HTTPS tests' server identity).
#pragma once

#include <string>

#include "tests/support/temp_dir.hpp"

namespace mkt::testing {

struct TlsFiles {
    std::string cert, key;  // PEM files in the directory
};

/// Writes tls.pem and tls.key into `dir`. Empty paths when openssl failed.
TlsFiles MakeSelfSignedTls(const TempDir& dir);

}  // namespace mkt::testing
