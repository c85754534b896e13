#include "cli/signing.hpp"

#include <cstdlib>
#include <fstream>

#include "cli/files.hpp"
#include "cli/terminal.hpp"

namespace mkt::cli {
namespace {

constexpr const char* kPasswordVariable = "MARKETPLACE_P12_PASSWORD";

struct CredentialFiles {
    std::string p12;
    std::string key, cert;
    std::vector<std::string> chain;
};

CredentialFiles ChooseFiles(const ParsedArgs& args, const ClientConfig& config) {
    CredentialFiles files;
    if (args.Has("p12")) {
        files.p12 = *args.Get("p12");
    } else if (args.Has("key") || args.Has("cert")) {
        files.key = args.GetOr("key", "");
        files.cert = args.GetOr("cert", "");
    } else if (!config.p12_file.empty()) {
        files.p12 = config.p12_file;
    } else {
        files.key = config.key_file;
        files.cert = config.cert_file;
    }
    files.chain = args.All("chain");
    return files;
}

// The password from the file or environment, or nullopt when neither gives one.
Result<std::optional<std::string>> PasswordWithoutPrompt(const ParsedArgs& args,
                                                         const ClientConfig& config) {
    if (auto file = args.Get("p12-password-file")) {
        MKT_ASSIGN_OR_RETURN(std::string password, ReadFirstLine(*file));
        return std::optional<std::string>(std::move(password));
    }
    if (const char* env = std::getenv(kPasswordVariable)) {
        return std::optional<std::string>(env);
    }
    if (!config.p12_password_file.empty()) {
        MKT_ASSIGN_OR_RETURN(std::string password, ReadFirstLine(config.p12_password_file));
        return std::optional<std::string>(std::move(password));
    }
    return std::optional<std::string>();
}

Result<std::string> Password(const ParsedArgs& args, const ClientConfig& config,
                             const std::string& file) {
    MKT_ASSIGN_OR_RETURN(std::optional<std::string> password, PasswordWithoutPrompt(args, config));
    if (password) return std::move(*password);
    auto typed = ReadSecretFromTerminal("Password for " + file + ": ", "the password of " + file);
    if (!typed.ok() && typed.status().code() == StatusCode::kInvalidArgument) {
        return Status::InvalidArgument(typed.status().message() +
                                       "; give --p12-password-file FILE or set " +
                                       kPasswordVariable);
    }
    return typed;
}

Result<xmlsec::SigningKey> LoadPem(const CredentialFiles& files, const ParsedArgs& args,
                                   const ClientConfig& config) {
    // Read both first, so a missing file is an I/O error, not a bad credential.
    MKT_ASSIGN_OR_RETURN(std::string key_text, ReadInput(files.key));
    MKT_RETURN_IF_ERROR(ReadInput(files.cert).status());
    std::vector<std::filesystem::path> chain;
    for (const auto& c : files.chain) {
        MKT_RETURN_IF_ERROR(ReadInput(c).status());
        chain.emplace_back(c);
    }
    std::string password;
    if (key_text.find("ENCRYPTED") != std::string::npos) {
        MKT_ASSIGN_OR_RETURN(password, Password(args, config, files.key));
    }
    return xmlsec::SigningKey::FromPem(files.key, files.cert, chain, password);
}

Result<xmlsec::SignatureProfile> ChooseProfile(const ParsedArgs& args, const ClientConfig& config,
                                               const xmlsec::SigningKey& key) {
    if (args.Has("legacy-sha1")) return xmlsec::SignatureProfile::kLegacyStratusLab;
    if (auto name = args.Get("profile")) {
        return xmlsec::ParseSignatureProfile(*name == "legacy" ? "stratuslab" : *name);
    }
    if (key.algorithm() == xmlsec::KeyAlgorithm::kEc) return xmlsec::SignatureProfile::kEcdsaSha256;
    return xmlsec::ParseSignatureProfile(config.profile == "legacy" ? "stratuslab"
                                                                    : config.profile);
}

}  // namespace

std::vector<OptionSpec> SigningOptionSpecs() {
    return {
        {"p12", "FILE", "PKCS#12 credential (key + certificate [+ chain])"},
        {"p12-password-file", "FILE", "its first line is the password (default: prompt)"},
        {"key", "FILE", "PEM private key (with --cert, instead of --p12)"},
        {"cert", "FILE", "PEM certificate, optionally followed by chain certificates"},
        {"chain", "FILE", "PEM chain certificate(s) to include in KeyInfo", true},
        {"email", "ADDR", "endorser email when the certificate has no email subjectAltName"},
        {"profile", "NAME", "rsa-sha256 (default), rsa-sha512, ecdsa-sha256 (EC keys), legacy"},
        {"legacy-sha1", "",
         "StratusLab's profile (rsa-sha1, c14n with comments) for old verifiers"},
    };
}

std::optional<std::string> SigningUsageProblem(const ParsedArgs& args, const ClientConfig& config) {
    const bool pem_args = args.Has("key") || args.Has("cert");
    if (args.Has("p12") && pem_args) return "give either --p12 or --key and --cert, not both";
    if (args.Has("profile") && args.Has("legacy-sha1")) {
        return "give either --profile or --legacy-sha1, not both";
    }
    if (auto name = args.Get("profile")) {
        auto profile = xmlsec::ParseSignatureProfile(*name == "legacy" ? "stratuslab" : *name);
        if (!profile.ok()) return "--profile: " + profile.status().message();
    }
    const CredentialFiles files = ChooseFiles(args, config);
    if (!files.chain.empty() && files.key.empty()) return "--chain goes with --key and --cert";
    if (!files.p12.empty()) return std::nullopt;
    if (files.key.empty() && files.cert.empty()) {
        return "no signing credential: give --p12 FILE or --key FILE --cert FILE (or p12, or key "
               "and cert, in the client configuration)";
    }
    if (files.key.empty()) return "--cert needs --key (the private key of the certificate)";
    if (files.cert.empty()) return "--key needs --cert (the certificate of the key)";
    return std::nullopt;
}

std::optional<std::string> Signer::EndorserEmail() const {
    if (key_.email()) return key_.email();
    return email_;
}

Result<std::string> Signer::Sign(std::string_view document, Timestamp created) const {
    xmlsec::SignOptions options;
    options.profile = profile_;
    options.email = email_;
    options.created = created;
    return xmlsec::SignDocument(document, key_, options);
}

Result<Signer> LoadSigner(const ParsedArgs& args, const CommandContext& ctx) {
    const CredentialFiles files = ChooseFiles(args, ctx.config);
    Result<xmlsec::SigningKey> key = Status::Internal("no credential chosen");
    if (!files.p12.empty()) {
        MKT_ASSIGN_OR_RETURN(std::string bytes, ReadInput(files.p12));
        MKT_ASSIGN_OR_RETURN(std::string password, Password(args, ctx.config, files.p12));
        key = xmlsec::SigningKey::FromPkcs12Bytes(bytes, password, files.p12);
    } else {
        key = LoadPem(files, args, ctx.config);
    }
    if (!key.ok()) return key.status();
    MKT_ASSIGN_OR_RETURN(xmlsec::SignatureProfile profile, ChooseProfile(args, ctx.config, *key));
    std::optional<std::string> email = args.Get("email");
    if (!email && !ctx.config.email.empty()) email = ctx.config.email;
    return Signer(std::move(key).value(), profile, std::move(email));
}

}  // namespace mkt::cli
