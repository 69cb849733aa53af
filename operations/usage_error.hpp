// A mistake on the command line: reported with the usage text and exit status 2.
#pragma once

#include <stdexcept>
#include <string>

namespace sekisho::operations {

class UsageError : public std::runtime_error {
public:
    UsageError(const std::string& message, std::string usage)
        : std::runtime_error(message), usage_(std::move(usage)) {}
    const std::string& usage() const { return usage_; }

private:
    std::string usage_;
};

} // namespace sekisho::operations
