#include "cli/args.hpp"

namespace mkt::cli {

std::optional<std::string> ParsedArgs::Get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

std::string ParsedArgs::GetOr(const std::string& name, const std::string& fallback) const {
    return Get(name).value_or(fallback);
}

const std::vector<std::string>& ParsedArgs::All(const std::string& name) const {
    static const std::vector<std::string> kNone;
    auto it = values_.find(name);
    return it == values_.end() ? kNone : it->second;
}

ArgParser::ArgParser(std::string usage, std::string description, std::vector<OptionSpec> options)
    : usage_(std::move(usage)), description_(std::move(description)), options_(std::move(options)) {
    options_.push_back({"help", "", "show this help", false, 'h'});
}

const OptionSpec* ArgParser::Find(const std::string& name) const {
    for (const auto& o : options_) {
        if (o.name == name) return &o;
    }
    return nullptr;
}

const OptionSpec* ArgParser::FindShort(char c) const {
    for (const auto& o : options_) {
        if (o.short_name == c) return &o;
    }
    return nullptr;
}

Result<ParsedArgs> ArgParser::Parse(const std::vector<std::string>& args) const {
    ParsedArgs parsed;
    MKT_ASSIGN_OR_RETURN(size_t stop, ParseInto(args, false, parsed));
    (void)stop;
    return parsed;
}

Result<ParsedArgs> ArgParser::ParseUntilPositional(const std::vector<std::string>& args,
                                                   std::vector<std::string>& rest) const {
    ParsedArgs parsed;
    MKT_ASSIGN_OR_RETURN(size_t stop, ParseInto(args, true, parsed));
    rest.assign(args.begin() + static_cast<long>(stop), args.end());
    return parsed;
}

Result<size_t> ArgParser::ParseInto(const std::vector<std::string>& args, bool stop_at_positional,
                                    ParsedArgs& parsed) const {
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            if (stop_at_positional) return i + 1;
            parsed.positional_.insert(parsed.positional_.end(),
                                      args.begin() + static_cast<long>(i) + 1, args.end());
            break;
        }
        const OptionSpec* spec = nullptr;
        std::optional<std::string> inline_value;
        if (a.size() > 2 && a.starts_with("--")) {
            const size_t eq = a.find('=');
            spec = Find(a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2));
            if (eq != std::string::npos) inline_value = a.substr(eq + 1);
            if (!spec) return Status::InvalidArgument("unknown option " + a.substr(0, eq));
        } else if (a.size() == 2 && a[0] == '-' && a[1] != '-') {
            spec = FindShort(a[1]);
            if (!spec) return Status::InvalidArgument("unknown option " + a);
        } else {
            if (stop_at_positional) return i;
            parsed.positional_.push_back(a);
            continue;
        }
        if (spec->value_name.empty()) {
            if (inline_value) {
                return Status::InvalidArgument("option --" + spec->name + " takes no value");
            }
            parsed.values_[spec->name].push_back("true");
            continue;
        }
        if (!inline_value) {
            if (i + 1 >= args.size()) {
                return Status::InvalidArgument("option --" + spec->name + " needs a value (" +
                                               spec->value_name + ")");
            }
            inline_value = args[++i];
        }
        auto& values = parsed.values_[spec->name];
        if (!values.empty() && !spec->repeatable) {
            return Status::InvalidArgument("option --" + spec->name + " given twice");
        }
        values.push_back(*inline_value);
    }
    return args.size();
}

std::string ArgParser::Help() const {
    std::string out = "usage: marketplace " + usage_ + "\n\n" + description_ + "\n\noptions:\n";
    for (const auto& o : options_) {
        std::string left = "  ";
        if (o.short_name) left += std::string("-") + o.short_name + ", ";
        left += "--" + o.name;
        if (!o.value_name.empty()) left += " " + o.value_name;
        if (left.size() < 30)
            left.resize(30, ' ');
        else
            left += "\n" + std::string(30, ' ');
        out += left + o.help + (o.repeatable ? " (repeatable)" : "") + "\n";
    }
    return out;
}

}  // namespace mkt::cli
