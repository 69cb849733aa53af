#include "gateway/auth/responses.hpp"

#include "gateway/http/html.hpp"
#include "gateway/http/http_error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace sekisho::gateway::auth {

Response html_page(http::status status, std::string body, bool keep_alive, unsigned version) {
    auto res = make_text_response(status, "text/html; charset=utf-8", std::move(body), keep_alive, version);
    // No script at all, forms only to ourselves, never inside a frame (clickjacking).
    res.set("Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "no-referrer");
    return res;
}

Response json_reply(http::status status, const boost::json::value& body, bool keep_alive, unsigned version) {
    return make_text_response(status, "application/json", boost::json::serialize(body) + "\n", keep_alive, version);
}

Response json_error(http::status status, std::string_view error, bool keep_alive, unsigned version) {
    boost::json::object body;
    body["error"] = error;
    auto res = json_reply(status, body, keep_alive, version);
    // RFC 9110 §15.5.2: a 401 names how to authenticate; here, the gateway's login form.
    if (status == http::status::unauthorized)
        res.set(http::field::www_authenticate, "Sekisho realm=\"sekisho\", login=\"/_sekisho/login\"");
    return res;
}

Response redirect(http::status status, std::string_view location, bool keep_alive, unsigned version) {
    auto res = make_text_response(status, "text/plain; charset=utf-8", "", keep_alive, version);
    res.set(http::field::location, location);
    return res;
}

std::string login_location(std::string_view next) {
    return "/_sekisho/login?next=" + url_encode(next);
}

} // namespace sekisho::gateway::auth
