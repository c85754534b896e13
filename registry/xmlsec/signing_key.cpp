#include "registry/xmlsec/signing_key.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "registry/xmlsec/dn.hpp"
#include "registry/xmlsec/x509_internal.hpp"

namespace mkt::xmlsec {

struct SigningKey::Impl {
    internal::EvpPkeyPtr key;
    internal::X509Ptr cert;
    std::vector<internal::X509Ptr> chain_owned;
    std::vector<X509*> chain;
    KeyAlgorithm algorithm = KeyAlgorithm::kRsa;
    std::string subject, issuer;
    std::optional<std::string> email;
};

namespace {

using internal::BioPtr;
using internal::EvpPkeyPtr;
using internal::X509Ptr;

struct Pkcs12Free {
    void operator()(PKCS12* p) const { PKCS12_free(p); }
};

Result<std::string> ReadAll(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::InvalidArgument("cannot read " + path.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

BioPtr MemoryBio(const std::string& bytes) {
    return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

// Completes and checks an Impl whose key, cert and chain are set.
Status Finish(SigningKey::Impl& impl, std::string_view what) {
    const std::string where(what);
    const internal::KeyKind kind = internal::KindOf(impl.key.get());
    if (kind == internal::KeyKind::kOther) {
        return Status::InvalidArgument(where + ": the private key is neither RSA nor EC");
    }
    impl.algorithm = kind == internal::KeyKind::kRsa ? KeyAlgorithm::kRsa : KeyAlgorithm::kEc;
    if (X509_check_private_key(impl.cert.get(), impl.key.get()) != 1) {
        internal::TakeOpenSslError();
        return Status::InvalidArgument(where + ": the private key does not match certificate " +
                                       JavaRfc2253(X509_get_subject_name(impl.cert.get())));
    }
    impl.subject = JavaRfc2253(X509_get_subject_name(impl.cert.get()));
    impl.issuer = JavaRfc2253(X509_get_issuer_name(impl.cert.get()));
    impl.email = internal::FirstEmailSan(impl.cert.get());
    for (const auto& c : impl.chain_owned) impl.chain.push_back(c.get());
    return Status::Ok();
}

// Every PEM certificate of `bytes`, in order.
std::vector<X509Ptr> ReadPemCertificates(const std::string& bytes) {
    std::vector<X509Ptr> out;
    BioPtr bio = MemoryBio(bytes);
    while (X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
        out.push_back(std::move(cert));
    }
    ERR_clear_error();
    return out;
}

int PasswordCallback(char* buf, int size, int /*rwflag*/, void* user) {
    const auto* password = static_cast<const std::string*>(user);
    if (!password || password->empty()) return -1;
    const int n = std::min(size, static_cast<int>(password->size()));
    std::copy_n(password->data(), n, buf);
    return n;
}

}  // namespace

Result<SigningKey> SigningKey::FromPkcs12(const std::filesystem::path& file,
                                          std::string_view password) {
    MKT_ASSIGN_OR_RETURN(const std::string bytes, ReadAll(file));
    return FromPkcs12Bytes(bytes, password, file.string());
}

Result<SigningKey> SigningKey::FromPkcs12Bytes(std::string_view bytes, std::string_view password,
                                               std::string_view what) {
    const std::string where(what);
    ERR_clear_error();
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    std::unique_ptr<PKCS12, Pkcs12Free> p12(
        d2i_PKCS12(nullptr, &p, static_cast<long>(bytes.size())));
    if (!p12) {
        internal::TakeOpenSslError();
        return Status::InvalidArgument(where + " is not a PKCS#12 file");
    }
    const std::string pass(password);
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* ca = nullptr;
    if (PKCS12_parse(p12.get(), pass.c_str(), &key, &cert, &ca) != 1) {
        const std::string detail = internal::TakeOpenSslError();
        return Status::InvalidArgument(
            where + ": wrong password or unsupported PKCS#12 encryption" + detail);
    }
    auto impl = std::make_shared<Impl>();
    impl->key.reset(key);
    impl->cert.reset(cert);
    for (int i = 0; ca && i < sk_X509_num(ca); ++i) {
        X509* c = sk_X509_value(ca, i);
        if (cert && X509_cmp(c, cert) == 0) continue;
        impl->chain_owned.push_back(internal::Share(c));
    }
    sk_X509_pop_free(ca, X509_free);
    if (!impl->key) return Status::InvalidArgument(where + " holds no private key");
    if (!impl->cert) return Status::InvalidArgument(where + " holds no certificate for its key");
    MKT_RETURN_IF_ERROR(Finish(*impl, where));
    return SigningKey(std::move(impl));
}

Result<SigningKey> SigningKey::FromPem(const std::filesystem::path& key_file,
                                       const std::filesystem::path& cert_file,
                                       const std::vector<std::filesystem::path>& chain_files,
                                       std::string_view key_password) {
    ERR_clear_error();
    MKT_ASSIGN_OR_RETURN(const std::string key_bytes, ReadAll(key_file));
    const std::string password(key_password);
    BioPtr key_bio = MemoryBio(key_bytes);
    auto impl = std::make_shared<Impl>();
    impl->key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, &PasswordCallback,
                                            const_cast<std::string*>(&password)));
    if (!impl->key) {
        const std::string detail = internal::TakeOpenSslError();
        return Status::InvalidArgument(key_file.string() + " is not a PEM private key" +
                                       (password.empty()
                                            ? " (or it is encrypted and no password was given)"
                                            : " (or the password is wrong)") +
                                       detail);
    }
    MKT_ASSIGN_OR_RETURN(const std::string cert_bytes, ReadAll(cert_file));
    auto certs = ReadPemCertificates(cert_bytes);
    if (certs.empty()) {
        return Status::InvalidArgument(cert_file.string() + " holds no PEM certificate");
    }
    impl->cert = std::move(certs.front());
    for (size_t i = 1; i < certs.size(); ++i) impl->chain_owned.push_back(std::move(certs[i]));
    for (const auto& chain_file : chain_files) {
        MKT_ASSIGN_OR_RETURN(const std::string chain_bytes, ReadAll(chain_file));
        auto chain = ReadPemCertificates(chain_bytes);
        if (chain.empty()) {
            return Status::InvalidArgument(chain_file.string() + " holds no PEM certificate");
        }
        for (auto& c : chain) impl->chain_owned.push_back(std::move(c));
    }
    MKT_RETURN_IF_ERROR(Finish(*impl, key_file.string()));
    return SigningKey(std::move(impl));
}

EVP_PKEY* SigningKey::private_key() const { return impl_->key.get(); }
X509* SigningKey::certificate() const { return impl_->cert.get(); }
const std::vector<X509*>& SigningKey::chain() const { return impl_->chain; }
KeyAlgorithm SigningKey::algorithm() const { return impl_->algorithm; }
const std::string& SigningKey::subject() const { return impl_->subject; }
const std::string& SigningKey::issuer() const { return impl_->issuer; }
const std::optional<std::string>& SigningKey::email() const { return impl_->email; }

}  // namespace mkt::xmlsec
