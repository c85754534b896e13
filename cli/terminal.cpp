#include "cli/terminal.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include "cli/command.hpp"

namespace mkt::cli {
namespace {

// The terminal state to restore if a signal arrives while echo is off.
int g_tty_fd = -1;
struct termios g_saved_termios;

extern "C" void RestoreTerminalAndReraise(int signal_number) {
    if (g_tty_fd >= 0) tcsetattr(g_tty_fd, TCSAFLUSH, &g_saved_termios);
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
}

class EchoOff {
  public:
    explicit EchoOff(int fd) : fd_(fd) {
        if (tcgetattr(fd_, &saved_) != 0) return;
        g_saved_termios = saved_;
        g_tty_fd = fd_;
        old_int_ = std::signal(SIGINT, &RestoreTerminalAndReraise);
        old_term_ = std::signal(SIGTERM, &RestoreTerminalAndReraise);
        struct termios quiet = saved_;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        active_ = tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
    }
    ~EchoOff() {
        if (!active_) return;
        tcsetattr(fd_, TCSAFLUSH, &saved_);
        std::signal(SIGINT, old_int_);
        std::signal(SIGTERM, old_term_);
        g_tty_fd = -1;
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

  private:
    int fd_;
    bool active_ = false;
    struct termios saved_ {};
    void (*old_int_)(int) = SIG_DFL;
    void (*old_term_)(int) = SIG_DFL;
};

// Cuts `text` to `width` UTF-8 characters, the last being "…".
std::string Cut(const std::string& text, size_t width) {
    if (width == 0 || DisplayWidth(text) <= width) return text;
    std::string out;
    size_t chars = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c & 0xC0) != 0x80) {
            if (chars == width - 1) break;
            ++chars;
        }
        out.push_back(text[i]);
    }
    return out + "\xE2\x80\xA6";
}

}  // namespace

Result<std::string> ReadSecretFromTerminal(std::string_view prompt, std::string_view what) {
    const int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        return Status::InvalidArgument("no terminal to ask for " + std::string(what) + " on (" +
                                       std::strerror(errno) + ")");
    }
    std::string line;
    Status status;
    {
        EchoOff echo_off(fd);
        if (write(fd, prompt.data(), prompt.size()) < 0) {
            status = IoError("cannot write to the terminal: " + std::string(std::strerror(errno)));
        }
        char c = 0;
        while (status.ok()) {
            const ssize_t n = read(fd, &c, 1);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                status =
                    IoError("cannot read from the terminal: " + std::string(std::strerror(errno)));
            }
            if (n <= 0 || c == '\n') break;
            line.push_back(c);
        }
    }
    close(fd);
    if (!status.ok()) return status;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

size_t DisplayWidth(std::string_view text) {
    size_t n = 0;
    for (char ch : text) {
        if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
    }
    return n;
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows, size_t max_width) {
    std::vector<size_t> widths;
    for (const auto& row : rows) {
        if (widths.size() < row.size()) widths.resize(row.size(), 0);
        for (size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], DisplayWidth(Cut(row[i], max_width)));
        }
    }
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (size_t i = 0; i < row.size(); ++i) {
            const std::string cell = Cut(row[i], max_width);
            line += cell;
            if (i + 1 < row.size()) line += std::string(widths[i] - DisplayWidth(cell) + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
    }
    return out;
}

}  // namespace mkt::cli
