#include "operations/invocation.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace sekisho::operations {
namespace {

std::string user_name(uid_t uid) {
    if (const passwd* entry = getpwuid(uid); entry && entry->pw_name) return entry->pw_name;
    return "uid" + std::to_string(uid);
}

} // namespace

std::string local_actor() {
    const uid_t uid = getuid();
    std::string actor = "local:" + user_name(uid);
    // Only root's environment is trusted to say who ran sudo: anyone else could set it.
    if (const char* sudo = std::getenv("SUDO_USER"); uid == 0 && sudo && *sudo) actor += " (sudo:" + std::string(sudo) + ")";
    return actor;
}

} // namespace sekisho::operations
