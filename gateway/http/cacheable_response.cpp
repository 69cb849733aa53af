#include "gateway/http/cacheable_response.hpp"

#include "gateway/http/http_error.hpp"

namespace sekisho::gateway {
namespace {

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// Weak comparison: W/"x" and "x" are the same tag.
std::string_view opaque(std::string_view tag) {
    return tag.substr(0, 2) == "W/" ? tag.substr(2) : tag;
}

} // namespace

bool if_none_match_names(std::string_view field_value, std::string_view etag) {
    if (trimmed(field_value) == "*") return true;
    // An entity tag holds no comma (RFC 9110 §8.8.3: etagc excludes it), so a plain split
    // finds the list's members.
    while (!field_value.empty()) {
        const auto comma = field_value.find(',');
        const auto member = trimmed(field_value.substr(0, comma));
        if (!member.empty() && opaque(member) == opaque(etag)) return true;
        if (comma == std::string_view::npos) break;
        field_value.remove_prefix(comma + 1);
    }
    return false;
}

Response make_cacheable_response(const Request& req, std::string_view content_type, std::string body,
                                 std::string_view etag, std::chrono::seconds max_age, bool keep_alive) {
    const std::string cache_control = "public, max-age=" + std::to_string(max_age.count());
    const auto [first, last] = req.equal_range(http::field::if_none_match);
    for (auto field = first; field != last; ++field) {
        if (!if_none_match_names(field->value(), etag)) continue;
        Response res{http::status::not_modified, req.version()};
        res.set(http::field::server, "sekisho");
        res.set(http::field::etag, etag);
        res.set(http::field::cache_control, cache_control);
        // No prepare_payload(): it would add "Content-Length: 0", which on a 304 claims the
        // full answer is empty (RFC 9110 §8.6). A 304 ends at its header by definition.
        res.keep_alive(keep_alive);
        return res;
    }
    auto res = make_text_response(http::status::ok, content_type, std::move(body), keep_alive, req.version());
    res.set(http::field::etag, etag);
    res.set(http::field::cache_control, cache_control);
    return res;
}

} // namespace sekisho::gateway
