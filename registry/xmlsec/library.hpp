// XmlSecLibrary: RAII guard for the process-wide state of libxml2, xmlsec1 and
// its OpenSSL back end.
//
// Create one in main() (server, CLI) or in a test environment, before any
// XmldsigVerifier, XmldsigSigner or TrustStore call, and keep it alive until
// they are done. Construction runs xmlInitParser, xmlSecInit, the version
// check, xmlSecOpenSSLAppInit and xmlSecOpenSSLInit; destruction shuts them
// down in reverse order (and calls xmlCleanupParser, so libxml2 users such as
// Redland must be finished by then). Guards nest: only the first live guard
// initialises and only the last one shuts down, so a test binary may hold one
// globally and tests may create more. Construction and destruction are
// thread-safe with respect to each other, not with concurrent library use.
//
// xmlsec reports errors through one global callback; this guard installs one
// that keeps the first message per thread since ClearXmlSecError (the root
// cause; later ones are the call stack unwinding) instead of printing to
// stderr, so the verifier and signer can name what failed.
#pragma once

#include <string>

#include "registry/status.hpp"

namespace mkt::xmlsec {

class XmlSecLibrary {
  public:
    XmlSecLibrary();
    ~XmlSecLibrary();
    XmlSecLibrary(const XmlSecLibrary&) = delete;
    XmlSecLibrary& operator=(const XmlSecLibrary&) = delete;

    /// OK, or kInternal naming the step that failed (e.g. "xmlsec1: library
    /// version mismatch"); nothing of this folder works when it is not OK.
    const Status& status() const { return status_; }
    bool ok() const { return status_.ok(); }

  private:
    Status status_;
};

/// The first error xmlsec reported on this thread since ClearXmlSecError(), as
/// "<function>: <message> (<object>)" (empty if none).
std::string FirstXmlSecError();
void ClearXmlSecError();

}  // namespace mkt::xmlsec
