#include "gateway/pipeline/reserved_paths.hpp"

#include "gateway/http/cacheable_response.hpp"
#include "gateway/http/http_error.hpp"
#include "gateway/http/path.hpp"
#include "gateway/http/request_checks.hpp"
#include "gateway/runtime/runtime.hpp"

#include <string>

namespace sekisho::gateway {
Response answer_reserved(const Request& req, const Runtime& rt, bool keep_alive) {
    const auto path = target_path(req.target());
    const bool read_only = req.method() == http::verb::get || req.method() == http::verb::head;
    if (path == "/_sekisho/jwks.json" || path == "/_sekisho/healthz") {
        if (!read_only) {
            auto res = make_error_response(http::status::method_not_allowed, "only GET and HEAD", keep_alive, req.version());
            res.set(http::field::allow, "GET, HEAD");
            return res;
        }
        if (path == "/_sekisho/healthz")
            return make_text_response(http::status::ok, "text/plain", "ok\n", keep_alive, req.version());
        const auto& keys = rt.assertion_keys;
        return make_cacheable_response(req, "application/jwk-set+json", keys.jwks, keys.etag, kJwksMaxAge, keep_alive);
    }
    return make_error_response(http::status::not_found, "no such gateway page", keep_alive, req.version());
}

} // namespace sekisho::gateway
