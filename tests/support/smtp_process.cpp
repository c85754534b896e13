#include "tests/support/smtp_process.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mkt::testing {
namespace {

[[noreturn]] void Abort(const std::string& why) {
    std::fprintf(stderr, "SmtpProcess: %s\n", why.c_str());
    std::abort();
}

/// A loopback port free now (the kernel's choice for a socket bound to port 0).
uint16_t FreePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        Abort("cannot find a free port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool Accepts(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

SmtpProcess::SmtpProcess(const std::filesystem::path& dir, bool starttls)
    : maildir_(dir / "maildir") {
    std::filesystem::create_directories(dir);
    std::vector<std::string> args = {"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l"};
    port_ = FreePort();
    args.push_back("127.0.0.1:" + std::to_string(port_));
    args.insert(args.end(), {"-c", "aiosmtpd.handlers.Mailbox"});
    if (starttls) {
        const std::string key = (dir / "smtp.key").string();
        ca_file_ = (dir / "smtp.pem").string();
        const std::string command =
            "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + key + " -out " + ca_file_ +
            " -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1";
        if (std::system(command.c_str()) != 0) Abort("openssl could not make a certificate");
        args.insert(args.end(), {"--tlscert", ca_file_, "--tlskey", key});
    }
    args.push_back(maildir_.string());
    const std::string log = (dir / "smtp.log").string();
    pid_ = ::fork();
    if (pid_ < 0) Abort("fork failed");
    if (pid_ == 0) {
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        std::freopen(log.c_str(), "w", stderr);
        std::freopen(log.c_str(), "a", stdout);
        ::execv(argv[0], argv.data());
        std::_Exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!Accepts(port_)) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            Abort("aiosmtpd exited at start; see " + log +
                  " (is python3-aiosmtpd installed? scripts/install-deps)");
        }
        if (std::chrono::steady_clock::now() > deadline) Abort("aiosmtpd did not listen in 20 s");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

SmtpProcess::~SmtpProcess() { Stop(); }

void SmtpProcess::Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 250; ++i) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
            pid_ = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

std::vector<std::string> SmtpProcess::Messages() const {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(maildir_ / "new", ec)) {
        files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());  // Maildir names start with the delivery time
    std::vector<std::string> out;
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        out.push_back(text.str());
    }
    return out;
}

}  // namespace mkt::testing
