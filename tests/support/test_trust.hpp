// The trust store of the test PKI (tests/support/documents.cpp builds it).
#pragma once

#include <memory>

#include "registry/xmlsec/trust_store.hpp"

namespace mkt::testing {

/// The trust store of the test PKI's CA directory (strict trust, no endorser
/// list). Aborts the test binary when it cannot be opened.
std::unique_ptr<xmlsec::TrustStore> OpenTestPkiTrust();

}  // namespace mkt::testing
