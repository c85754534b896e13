// A small command-line option parser shared by the sub-commands.
//
// Accepts `--name value`, `--name=value`, boolean `--flag`, repeatable options,
// `--` to end options, and positional arguments. Unknown options and missing
// values are usage errors naming the option. Each sub-command declares its
// options once; the same declaration produces its `--help` text.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "registry/result.hpp"

namespace mkt::cli {

struct OptionSpec {
    std::string name;        // without the leading "--"
    std::string value_name;  // empty = boolean flag
    std::string help;
    bool repeatable = false;
    char short_name = 0;  // optional one-letter alias ("-o")
};

class ParsedArgs {
  public:
    bool Has(const std::string& name) const { return values_.count(name) > 0; }
    /// The last value given for `name`, if any.
    std::optional<std::string> Get(const std::string& name) const;
    std::string GetOr(const std::string& name, const std::string& fallback) const;
    const std::vector<std::string>& All(const std::string& name) const;
    const std::vector<std::string>& positional() const { return positional_; }

  private:
    friend class ArgParser;
    std::map<std::string, std::vector<std::string>> values_;
    std::vector<std::string> positional_;
};

class ArgParser {
  public:
    /// `usage` is the synopsis line after "usage: marketplace ", e.g. "sign FILE [options]".
    ArgParser(std::string usage, std::string description, std::vector<OptionSpec> options);

    /// Errors: kInvalidArgument naming the unknown option or the missing value.
    /// `--help`/`-h` is always accepted and reported by WantsHelp().
    Result<ParsedArgs> Parse(const std::vector<std::string>& args) const;
    /// As Parse, but stops at the first positional argument (after `--`, at the
    /// argument that follows it): that argument and everything after it go to
    /// `rest` untouched. For global options before a sub-command name.
    Result<ParsedArgs> ParseUntilPositional(const std::vector<std::string>& args,
                                            std::vector<std::string>& rest) const;
    static bool WantsHelp(const ParsedArgs& parsed) { return parsed.Has("help"); }
    std::string Help() const;

  private:
    /// Parses options from `args[0..]`; returns the index where a positional
    /// argument stopped it (`stop_at_positional`), or args.size().
    Result<size_t> ParseInto(const std::vector<std::string>& args, bool stop_at_positional,
                             ParsedArgs& parsed) const;
    const OptionSpec* Find(const std::string& name) const;
    const OptionSpec* FindShort(char c) const;
    std::string usage_, description_;
    std::vector<OptionSpec> options_;
};

}  // namespace mkt::cli
