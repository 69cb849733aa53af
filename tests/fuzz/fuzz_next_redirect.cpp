// Target: where a login may send the browser — the `next=` parameter as the login pages read
// it (query_parameter on the query or the form body, then auth::safe_next), and the way the
// gateway writes it back (auth::login_location, html_escape into the form).
// Input: a query string or form body; the whole input is also tried as `next` itself.
//
// Invariants: an accepted `next` is a path on this site — one leading '/', not "//" or "/\",
// no space, control character or backslash anywhere, at most 2048 bytes, and no spelling of
// the gateway's own /_sekisho/ pages; parsed as a URI reference it has neither scheme nor
// authority. Whatever `next` is, login_location carries it through unchanged (its query
// decodes back to the same bytes) and html_escape leaves no character that ends an attribute.
#include "fuzz_support.hpp"

#include "gateway/auth/login_policy.hpp"
#include "gateway/auth/responses.hpp"
#include "gateway/http/html.hpp"
#include "gateway/http/path.hpp"

#include <boost/url/parse.hpp>

using namespace sekisho;
using namespace sekisho::gateway;

namespace {

void expect_same_site(std::string_view next, const std::string& accepted) {
    if (next.empty()) {
        FUZZ_CHECK(accepted == "/");
        return;
    }
    FUZZ_CHECK(accepted == next);
    FUZZ_CHECK(accepted.size() <= 2048 && accepted.front() == '/');
    FUZZ_CHECK(accepted.size() == 1 || (accepted[1] != '/' && accepted[1] != '\\'));
    for (unsigned char c : accepted) FUZZ_CHECK(c > 0x20 && c != 0x7f && c != '\\');
    FUZZ_CHECK(!is_reserved_path(accepted.substr(0, accepted.find('?'))));
    // Browsers fix up what RFC 3986 refuses (e.g. '"' or UTF-8), so only a valid reference is
    // held to the rule; the checks above are what keeps the others on this site.
    if (auto ref = boost::urls::parse_uri_reference(accepted)) {
        FUZZ_CHECK(!ref->has_scheme());
        FUZZ_CHECK(!ref->has_authority());
    }
}

void check_round_trip(std::string_view next) {
    const auto location = auth::login_location(next);
    FUZZ_CHECK(location.starts_with("/_sekisho/login?next="));
    const auto query = std::string_view(location).substr(location.find('?') + 1);
    if (next.find('\0') == std::string_view::npos) // query_parameter reads a C string
        FUZZ_CHECK(query_parameter(query, "next") == next);
    const auto escaped = html_escape(next);
    FUZZ_CHECK(escaped.find_first_of("<>\"'") == std::string::npos);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::as_view(data, size);
    const auto from_query = query_parameter(input, "next");
    if (const auto accepted = auth::safe_next(from_query)) expect_same_site(from_query, *accepted);
    if (const auto accepted = auth::safe_next(input)) expect_same_site(input, *accepted);
    check_round_trip(input);
    return 0;
}
