#include "tests/support/tls_files.hpp"

#include <cstdlib>

namespace mkt::testing {

TlsFiles MakeSelfSignedTls(const TempDir& dir) {
    TlsFiles files{(dir / "tls.pem").string(), (dir / "tls.key").string()};
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + files.key + " -out " + files.cert +
        " -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1"
        " >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) return {};
    return files;
}

}  // namespace mkt::testing
