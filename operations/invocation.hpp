// Who runs a registry command (device, user) and where its input and output go. The same
// command code runs in two places: sekishoctl on the gateway host (local use: bootstrap and
// recovery, the actor is the OS user) and the gateway's administration API (the actor is the
// administrator its operator certificate and password authenticated). What differs between
// the two is only what this struct holds; the rules, the registry writes and the ledger rows
// are the same, so an action taken remotely cannot be weaker than one taken on the host.
#pragma once

#include "config/config.hpp"
#include "store/registry.hpp"

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace sekisho::operations {

struct Invocation {
    // The ledger's actor: "local:<os user>" on the host, "admin:<user id>" through the API.
    std::string actor;
    std::ostream* out = nullptr; // what the command prints
    std::istream* in = nullptr;  // --password-stdin reads a line of it
    // The contents of a file the command names (device register --cert FILE): the host's
    // file locally; through the API, a file the management terminal sent with the command.
    std::function<std::string(const std::string& path)> read_file;
    // The gateway's own registry and configuration snapshot when run by the API; null on the
    // host, where they come from --config.
    std::shared_ptr<store::Registry> registry;
    std::shared_ptr<const config::Config> config;
    bool remote = false; // through the API: --config is refused (the gateway's is used)
    // Through the API: the administrator's roles. An administrator's account (one holding an
    // administration role) is changed only by an admin, never by security alone.
    std::vector<std::string> caller_roles;
};

// The actor of local use: "local:" + the name of the real user id (getuid), plus
// " (sudo:<name>)" when root acts for a sudo caller. Never a name typed on the command line.
std::string local_actor();

} // namespace sekisho::operations
