#include "registry/xmlsec/library.hpp"

// xmlsec.h first: it defines the types the other xmlsec headers use.
// clang-format off
#include <xmlsec/xmlsec.h>
#include <xmlsec/errors.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>
// clang-format on
#include <mutex>

#include <libxml/parser.h>
#include <openssl/err.h>

namespace mkt::xmlsec {
namespace {

std::mutex& InitMutex() {
    static std::mutex mutex;
    return mutex;
}
int g_users = 0;  // live guards that initialised successfully; guarded by InitMutex()

thread_local std::string t_first_error;

std::string ReasonText(int reason) {
    for (xmlSecSize i = 0; xmlSecErrorsGetMsg(i) != nullptr; ++i) {
        if (xmlSecErrorsGetCode(i) == reason) return xmlSecErrorsGetMsg(i);
    }
    return "error " + std::to_string(reason);
}

void KeepFirstError(const char* /*file*/, int /*line*/, const char* func, const char* error_object,
                    const char* error_subject, int reason, const char* msg) {
    if (!t_first_error.empty()) return;  // keep the root cause, not the unwinding
    std::string text = func ? func : "xmlsec";
    text += ": ";
    if (msg && *msg) {
        text += msg;
    } else {
        text += ReasonText(reason);
    }
    if (error_object && *error_object && std::string_view(error_object) != "unknown") {
        text += std::string(" (") + error_object + ")";
    } else if (error_subject && *error_subject && std::string_view(error_subject) != "unknown") {
        text += std::string(" (") + error_subject + ")";
    }
    t_first_error = std::move(text);
}

Status InitAll() {
    xmlInitParser();
    if (xmlSecInit() < 0) return Status::Internal("xmlsec1: xmlSecInit failed");
    if (xmlSecCheckVersion() != 1) {
        xmlSecShutdown();
        return Status::Internal("xmlsec1: the loaded library is not compatible with the headers");
    }
    if (xmlSecOpenSSLAppInit(nullptr) < 0) {
        xmlSecShutdown();
        return Status::Internal("xmlsec1: OpenSSL application initialisation failed");
    }
    if (xmlSecOpenSSLInit() < 0) {
        xmlSecOpenSSLAppShutdown();
        xmlSecShutdown();
        return Status::Internal("xmlsec1: OpenSSL crypto initialisation failed");
    }
    // After xmlSecOpenSSLInit, which installs its own (printing) callback.
    xmlSecErrorsSetCallback(&KeepFirstError);
    return Status::Ok();
}

void ShutdownAll() {
    xmlSecOpenSSLShutdown();
    xmlSecOpenSSLAppShutdown();
    xmlSecShutdown();
    xmlCleanupParser();
}

}  // namespace

XmlSecLibrary::XmlSecLibrary() {
    std::lock_guard lock(InitMutex());
    if (g_users == 0) status_ = InitAll();
    if (status_.ok()) ++g_users;
}

XmlSecLibrary::~XmlSecLibrary() {
    if (!status_.ok()) return;
    std::lock_guard lock(InitMutex());
    if (--g_users == 0) ShutdownAll();
}

std::string FirstXmlSecError() { return t_first_error; }

void ClearXmlSecError() {
    t_first_error.clear();
    ERR_clear_error();
}

}  // namespace mkt::xmlsec
