#include "registry/xmlsec/smime_signer.hpp"

#include <memory>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

namespace mkt::xmlsec {
namespace {

std::string OneLine(const X509_NAME* name) {
    char* text = X509_NAME_oneline(name, nullptr, 0);
    std::string out = text ? text : "";
    OPENSSL_free(text);
    return out;
}

std::string CommonName(const X509_NAME* name) {
    const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (index < 0) return "";
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, value);
    if (length < 0) return "";
    std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(length));
    OPENSSL_free(utf8);
    return out;
}

Status OpenSslError(const std::string& what) {
    char reason[256] = "unknown error";
    if (unsigned long code = ERR_get_error()) ERR_error_string_n(code, reason, sizeof(reason));
    ERR_clear_error();
    return Status(StatusCode::kInternal, what + ": " + reason);
}

}  // namespace

SignerNames NamesOf(const SigningKey& key) {
    const X509* cert = key.certificate();
    return {OneLine(X509_get_subject_name(cert)), OneLine(X509_get_issuer_name(cert)),
            CommonName(X509_get_subject_name(cert))};
}

Result<std::string> SmimeSign(const SigningKey& key, std::string_view content) {
    using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
    using Chain = std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)>;
    Chain chain(sk_X509_new_null(), [](STACK_OF(X509) * s) { sk_X509_free(s); });
    for (X509* c : key.chain()) sk_X509_push(chain.get(), c);  // borrowed, not freed
    const int flags = PKCS7_DETACHED | PKCS7_BINARY;
    Bio data(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())), &BIO_free);
    std::unique_ptr<PKCS7, decltype(&PKCS7_free)> p7(
        PKCS7_sign(key.certificate(), key.private_key(), chain.get(), data.get(), flags),
        &PKCS7_free);
    if (!p7) return OpenSslError("cannot sign the image list");
    Bio again(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())), &BIO_free);
    Bio out(BIO_new(BIO_s_mem()), &BIO_free);
    if (!SMIME_write_PKCS7(out.get(), p7.get(), again.get(), flags)) {
        return OpenSslError("cannot write the S/MIME message");
    }
    char* bytes = nullptr;
    const long length = BIO_get_mem_data(out.get(), &bytes);
    return std::string(bytes, static_cast<size_t>(length));
}

}  // namespace mkt::xmlsec
