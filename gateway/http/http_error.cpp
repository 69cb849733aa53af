#include "gateway/http/http_error.hpp"

#include <string>

namespace sekisho::gateway {

void drop_body_for_head(Response& res) {
    // A 304's Content-Length would have to be the full answer's; it has none to keep.
    if (res.result() == http::status::not_modified) return;
    res.content_length(res.body().size());
    res.body().clear();
}

Response make_text_response(http::status status, std::string_view content_type,
                            std::string body, bool keep_alive, unsigned version) {
    Response res{status, version};
    res.set(http::field::server, "sekisho");
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    res.body() = std::move(body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

Response make_error_response(http::status status, std::string_view detail, bool keep_alive,
                             unsigned version) {
    std::string body = std::to_string(static_cast<unsigned>(status));
    body += ' ';
    body += http::obsolete_reason(status);
    body += "\n\n";
    body += detail;
    body += '\n';
    return make_text_response(status, "text/plain; charset=utf-8", std::move(body), keep_alive, version);
}

} // namespace sekisho::gateway
