#include "gateway/http/request_checks.hpp"

#include "gateway/http/path.hpp"
#include "gateway/http/routing.hpp"

#include <boost/beast/core/string.hpp>

namespace sekisho::gateway {
namespace {

Rejection reject(http::status s, RequestRejection r, std::string detail) {
    return Rejection{s, r, std::move(detail)};
}

std::string_view trim(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && beast::iequals(s.substr(0, prefix.size()), prefix);
}

// Absolute-form "http://host[:port]/path?q" → authority and origin-form target.
bool split_absolute_form(std::string_view target, std::string_view* authority, std::string* origin) {
    auto scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos) return false;
    auto rest = target.substr(scheme_end + 3);
    auto path_start = rest.find_first_of("/?");
    *authority = rest.substr(0, path_start);
    if (authority->find('@') != std::string_view::npos) return false; // no userinfo
    if (path_start == std::string_view::npos) *origin = "/";
    else if (rest[path_start] == '?') *origin = "/" + std::string(rest.substr(path_start));
    else *origin = std::string(rest.substr(path_start));
    return true;
}

// RFC 3986 §2.3: encoded or not, these mean the same, so upstreams decode them before routing.
bool is_unreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

// Why the path is not canonical, or nullptr.
const char* non_canonical_reason(std::string_view path) {
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '\\') return "backslash"; // a '/' to Windows and IIS backends
        if (path[i] == '#') return "'#'"; // a fragment is never sent; upstreams cut the path there
        if (path[i] != '%') continue;
        const int escaped = percent_escape_at(path, i);
        if (escaped < 0) return "malformed percent-escape";
        const auto decoded = static_cast<char>(escaped);
        if (is_unreserved(decoded)) return "percent-encoded unreserved character";
        if (decoded == '/' || decoded == '\\') return "percent-encoded '/' or '\\'";
        i += 2;
    }
    for (std::size_t pos = 0; pos < path.size();) {
        auto end = path.find('/', pos + 1);
        if (end == std::string_view::npos) end = path.size();
        auto segment = path.substr(pos + 1, end - pos - 1);
        // nginx (merge_slashes), Apache (MergeSlashes) and Tomcat serve "//admin/" as "/admin/".
        if (segment.empty() && end < path.size()) return "empty segment ('//')";
        // Tomcat drops ";params" before resolving, so "..;x" climbs like "..".
        segment = segment.substr(0, segment.find(';'));
        if (segment == "." || segment == "..") return "dot segment";
        pos = end;
    }
    return nullptr;
}

} // namespace

std::optional<Rejection> check_header_block(std::string_view block) {
    for (std::size_t i = 0; i < block.size(); ++i) {
        const auto c = static_cast<unsigned char>(block[i]);
        if (c == '\n') {
            if (i == 0 || block[i - 1] != '\r')
                return reject(http::status::bad_request, RequestRejection::bad_request, "bare LF in header");
            if (i + 1 < block.size() && (block[i + 1] == ' ' || block[i + 1] == '\t'))
                return reject(http::status::bad_request, RequestRejection::obs_fold,
                              "obsolete line folding (obs-fold) in header");
        } else if (c == '\r') {
            if (i + 1 >= block.size() || block[i + 1] != '\n')
                return reject(http::status::bad_request, RequestRejection::bad_request, "bare CR in header");
        } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return reject(http::status::bad_request, RequestRejection::bad_request, "control character in header");
        }
    }
    return std::nullopt;
}

std::optional<Rejection> check_request_header(http::request_header<>& req, std::string_view sni,
                                              std::string* host) {
    if (req.method() == http::verb::connect)
        return reject(http::status::bad_request, RequestRejection::method_not_allowed,
                      "CONNECT is not supported: the gateway is not a tunnel");
    if (req.method() == http::verb::unknown)
        return reject(http::status::bad_request, RequestRejection::method_not_allowed,
                      "unknown method " + std::string(req.method_string()));

    if (req.count(http::field::content_length) > 1)
        return reject(http::status::bad_request, RequestRejection::bad_framing,
                      "more than one Content-Length");
    if (auto n = req.count(http::field::transfer_encoding); n > 0) {
        if (n > 1 || !beast::iequals(trim(req[http::field::transfer_encoding]), "chunked"))
            return reject(http::status::bad_request, RequestRejection::bad_framing,
                          "Transfer-Encoding other than a single 'chunked'");
        if (req.version() < 11)
            return reject(http::status::bad_request, RequestRejection::bad_framing,
                          "Transfer-Encoding in an HTTP/1.0 request");
    }

    // A body on GET, HEAD or TRACE has no meaning (RFC 9110 §9.3) and many backends never read
    // it: they would take it for the next request on the pooled connection, whose answer
    // then goes to another user — a request smuggled past every check of this gateway.
    if ((req.method() == http::verb::get || req.method() == http::verb::head || req.method() == http::verb::trace) &&
        (req.count(http::field::transfer_encoding) > 0 ||
         (req.count(http::field::content_length) == 1 && trim(req[http::field::content_length]) != "0")))
        return reject(http::status::bad_request, RequestRejection::bad_framing,
                      std::string(req.method_string()) + " with a body");

    if (req.count(http::field::host) != 1)
        return reject(http::status::bad_request, RequestRejection::bad_request,
                      "exactly one Host header is required");
    *host = normalize_host(req[http::field::host]);
    if (host->empty())
        return reject(http::status::bad_request, RequestRejection::bad_request, "malformed Host header");

    const std::string_view target = req.target();
    if (target.starts_with('/')) {
        // origin-form: the usual case
    } else if (target == "*") {
        if (req.method() != http::verb::options)
            return reject(http::status::bad_request, RequestRejection::bad_request, "asterisk-form target");
    } else if (iequals_prefix(target, "http://") || iequals_prefix(target, "https://")) {
        std::string_view authority;
        std::string origin;
        if (!split_absolute_form(target, &authority, &origin))
            return reject(http::status::bad_request, RequestRejection::bad_request, "malformed absolute-form target");
        if (normalize_host(authority) != *host)
            return reject(http::status::bad_request, RequestRejection::foreign_target,
                          "absolute-form target for a host other than Host");
        req.target(origin);
    } else {
        return reject(http::status::bad_request, RequestRejection::bad_request, "unsupported request target form");
    }
    if (req.target().starts_with('/')) {
        if (auto r = check_canonical_path(target_path(req.target()))) return r;
    }

    if (!sni.empty() && normalize_host(sni) != *host)
        return reject(http::status::misdirected_request, RequestRejection::misdirected,
                      "Host does not match the TLS server name (SNI)");
    return std::nullopt;
}

std::optional<Rejection> check_canonical_path(std::string_view path) {
    if (const char* reason = non_canonical_reason(path))
        return reject(http::status::bad_request, RequestRejection::bad_request,
                      std::string("non-canonical path (") + reason + "): " + std::string(path));
    return std::nullopt;
}

std::optional<Rejection> check_path_parameters(std::string_view path, bool allowed) {
    if (allowed || path.find(';') == std::string_view::npos) return std::nullopt;
    return reject(http::status::bad_request, RequestRejection::bad_request,
                  "path parameters (';') on a route without allow_path_parameters: " + std::string(path));
}

Rejection rejection_for_parse_error(const boost::system::error_code& ec) {
    if (ec == http::error::body_limit)
        return reject(http::status::payload_too_large, RequestRejection::body_too_large, ec.message());
    if (ec == http::error::header_limit)
        return reject(http::status::request_header_fields_too_large, RequestRejection::header_too_large, ec.message());
    if (ec == http::error::buffer_overflow) // a chunk line or trailer past the read buffer
        return reject(http::status::bad_request, RequestRejection::bad_framing,
                      "chunk line or trailer larger than the read buffer");
    if (ec == http::error::bad_chunk || ec == http::error::bad_chunk_extension ||
        ec == http::error::bad_content_length || ec == http::error::multiple_content_length ||
        ec == http::error::bad_transfer_encoding)
        return reject(http::status::bad_request, RequestRejection::bad_framing, ec.message());
    return reject(http::status::bad_request, RequestRejection::bad_request, ec.message());
}

std::string_view target_path(std::string_view target) {
    return target.substr(0, target.find('?'));
}

} // namespace sekisho::gateway
