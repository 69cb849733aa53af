// Target: a client's request header as connection.cpp checks it — check_header_block on
// the raw bytes, then Beast's request_parser, check_request_header and check_canonical_path.
// Input: raw bytes of a request; the same bytes are also tried as a bare path when they
// start with '/'.
//
// Invariants: a path that passes check_canonical_path has no dot segment (also "..;x"), no
// "//", no backslash, no '#', only well-formed escapes that decode to neither an unreserved
// character nor '/' or '\'; is_reserved_path agrees with a plain prefix test on it (no
// spelling of /_sekisho/ survives the checks); an accepted request has one Host, a
// normalized host, at most one Content-Length, Transfer-Encoding only as HTTP/1.1 chunked,
// no CONNECT, and an origin-form (or "*") target whose path passes the canonical check.
#include "fuzz_support.hpp"

#include "config/config.hpp"
#include "gateway/http/request_checks.hpp"
#include "gateway/http/path.hpp"
#include "gateway/http/routing.hpp"

#include <boost/beast/core/string.hpp>

#include <cctype>

using namespace sekisho;
using namespace sekisho::gateway;

namespace {

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool unreserved(unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// Written apart from request_checks.cpp on purpose: the invariants, not the implementation.
void expect_canonical(std::string_view path) {
    FUZZ_CHECK(path.find('\\') == std::string_view::npos);
    FUZZ_CHECK(path.find('#') == std::string_view::npos);
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] != '%') continue;
        FUZZ_CHECK(i + 2 < path.size() && hex(path[i + 1]) >= 0 && hex(path[i + 2]) >= 0);
        const auto decoded = static_cast<unsigned char>(hex(path[i + 1]) * 16 + hex(path[i + 2]));
        FUZZ_CHECK(!unreserved(decoded) && decoded != '/' && decoded != '\\');
        i += 2;
    }
    std::size_t start = 0;
    while (start < path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        auto segment = path.substr(start, end - start);
        FUZZ_CHECK(!(segment.empty() && start > 0 && end < path.size())); // no "//"
        segment = segment.substr(0, segment.find(';'));
        FUZZ_CHECK(segment != "." && segment != "..");
        start = end + 1;
    }
    const bool plain_reserved = path == "/_sekisho" || path.starts_with("/_sekisho/");
    FUZZ_CHECK(is_reserved_path(path) == plain_reserved);
}

void check_as_request(std::string_view input) {
    const auto end = input.find("\r\n\r\n");
    if (end == std::string_view::npos) return;
    const auto block = input.substr(0, end + 4);
    if (check_header_block(block)) return;
    for (std::size_t i = 0; i < block.size(); ++i) { // what passed: CRLF lines, no controls
        const auto c = static_cast<unsigned char>(block[i]);
        FUZZ_CHECK(c >= 0x20 || c == '\t' || c == '\r' || c == '\n');
        FUZZ_CHECK(c != 0x7f);
        if (c == '\n') FUZZ_CHECK(i > 0 && block[i - 1] == '\r');
    }

    const config::LimitsConfig limits;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    boost::system::error_code ec;
    parser.put(boost::asio::buffer(block.data(), block.size()), ec);
    if (!ec && !parser.is_header_done()) ec = http::error::partial_message;
    if (ec) {
        const auto status = static_cast<unsigned>(rejection_for_parse_error(ec).status);
        FUZZ_CHECK(status >= 400 && status < 500);
        return;
    }

    auto& req = parser.get();
    std::string host;
    if (check_request_header(req, "", &host)) return;
    FUZZ_CHECK(req.method() != http::verb::connect && req.method() != http::verb::unknown);
    FUZZ_CHECK(req.count(http::field::host) == 1);
    FUZZ_CHECK(!host.empty());
    const bool ipv6 = host.find(':') != std::string::npos; // normalized "[::1]:8443" is "::1"
    // "a.." normalizes to "a." and that to "a" (reported; harmless: no route has "a.").
    if (!ipv6 && !host.ends_with('.')) FUZZ_CHECK(normalize_host(host) == host);
    for (char c : host) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
    FUZZ_CHECK(req.count(http::field::content_length) <= 1);
    if (req.count(http::field::transfer_encoding) > 0) {
        FUZZ_CHECK(req.count(http::field::transfer_encoding) == 1 && req.version() >= 11);
        auto te = std::string_view(req[http::field::transfer_encoding]);
        while (!te.empty() && (te.front() == ' ' || te.front() == '\t')) te.remove_prefix(1);
        while (!te.empty() && (te.back() == ' ' || te.back() == '\t')) te.remove_suffix(1);
        FUZZ_CHECK(boost::beast::iequals(te, "chunked"));
    }
    const std::string_view target = req.target();
    FUZZ_CHECK(target.starts_with('/') || (target == "*" && req.method() == http::verb::options));
    if (target.starts_with('/')) {
        FUZZ_CHECK(!check_canonical_path(target_path(target)));
        expect_canonical(target_path(target));
    }
    // The same host name through SNI passes (SNI carries no IPv6 literal); another one is
    // misdirected.
    std::string again;
    http::request_header<> copy = req;
    if (!ipv6 && !host.ends_with('.')) FUZZ_CHECK(!check_request_header(copy, host, &again) && again == host);
    copy = req;
    if (host != "other.invalid") FUZZ_CHECK(check_request_header(copy, "other.invalid", &again));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::as_view(data, size);
    // check_canonical_path takes the path of an origin-form target: it starts with '/'.
    if (input.starts_with('/') && !check_canonical_path(input)) expect_canonical(input);
    check_as_request(input);
    return 0;
}
