// Who may administer, and what (operations/administrators.hpp): the table the administration
// API applies to every command, and the rule that keeps one administrator at least.
#include "operations/administrators.hpp"

#include <catch2/catch.hpp>

using sekisho::operations::active_admins;
using sekisho::operations::command_refused;
using sekisho::operations::too_few_admins_warning;
using sekisho::store::User;
using sekisho::store::UserStatus;

namespace {

User user(const std::string& id, std::vector<std::string> roles, UserStatus status = UserStatus::active) {
    User u;
    u.id = id;
    u.roles = std::move(roles);
    u.status = status;
    return u;
}

using Args = std::vector<std::string>;

} // namespace

TEST_CASE("an auditor reads everything and changes nothing", "[operations]") {
    const std::vector<std::string> auditor{"auditor"};
    for (const auto& args : {Args{"device", "list"}, Args{"device", "show", "dev-1"}, Args{"device", "ledger"},
                             Args{"device", "ticket", "list"}, Args{"user", "show", "a"}, Args{"session", "list"}})
        CHECK_FALSE(command_refused(auditor, args));
    for (const auto& args : {Args{"device", "revoke", "dev-1"}, Args{"device", "ticket", "create"},
                             Args{"user", "reset-password", "a"}, Args{"session", "end-user", "a"}}) {
        const auto why = command_refused(auditor, args);
        REQUIRE(why);
        CHECK_THAT(*why, Catch::Contains("needs one of the roles"));
    }
}

TEST_CASE("operators handle terminals, security handles people, only admin adds accounts", "[operations]") {
    CHECK_FALSE(command_refused({"operator"}, {"device", "suspend", "dev-1", "--reason", "x"}));
    CHECK_FALSE(command_refused({"operator"}, {"device", "ticket", "create", "--facility", "f"}));
    CHECK(command_refused({"operator"}, {"user", "unlock", "a"}));
    CHECK_FALSE(command_refused({"security"}, {"user", "break-glass-open", "a"}));
    CHECK(command_refused({"security"}, {"device", "revoke", "dev-1"}));
    CHECK(command_refused({"security"}, {"user", "add", "b"}));
    CHECK_FALSE(command_refused({"admin"}, {"user", "add", "b"}));
    CHECK_FALSE(command_refused({"nurse", "admin"}, {"device", "--json", "list"}));
}

TEST_CASE("the subcommand checked is the one the command runs", "[operations]") {
    // An option before the subcommand is not skipped by the runner (an error there), so the
    // check must not skip it either and then judge a later word.
    CHECK(command_refused({"auditor"}, {"device", "--reason", "list", "revoke", "dev-1"}));
    CHECK_FALSE(command_refused({"auditor"}, {"device", "--config", "x.yaml", "list"}));
    CHECK(command_refused({"auditor"}, {"device", "--json", "revoke", "dev-1"}));
    CHECK(command_refused({"auditor"}, {"device", "ticket", "create", "list"}));
    CHECK(command_refused({"auditor"}, {"session", "--user", "list"}));
    CHECK(command_refused({"auditor"}, {"device"}));
}

TEST_CASE("roles outside administration and unknown commands are refused", "[operations]") {
    CHECK(command_refused({"nurse", "doctor"}, {"device", "list"}));
    CHECK(command_refused({}, {"user", "list"}));
    const auto why = command_refused({"admin"}, {"pki", "init"});
    REQUIRE(why);
    CHECK_THAT(*why, Catch::Contains("not a command of the administration API"));
    CHECK(command_refused({"admin"}, {"store", "migrate"}));
}

TEST_CASE("a break-glass admin does not count as one of the administrators", "[operations]") {
    User emergency = user("kinkyu", {"admin"});
    emergency.break_glass = true;
    CHECK(active_admins({user("kanri", {"admin"}), emergency}) == 1);
    CHECK_THAT(too_few_admins_warning(1), Catch::Contains("keep at least two"));
    CHECK(too_few_admins_warning(2).empty());
}
