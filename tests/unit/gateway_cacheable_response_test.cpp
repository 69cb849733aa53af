// A response backends fetch often (the JWKS): max-age, ETag, and 304 for If-None-Match.
#include "gateway/http/cacheable_response.hpp"
#include "gateway/http/http_error.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::gateway;

namespace {

Request get(std::initializer_list<std::string> if_none_match = {}, http::verb method = http::verb::get) {
    Request req{method, "/_sekisho/jwks.json", 11};
    for (const auto& value : if_none_match)
        req.insert(http::field::if_none_match, value);
    return req;
}

Response answer(const Request& req) {
    return make_cacheable_response(req, "application/jwk-set+json", R"({"keys":[]})", "\"tag1\"",
                                   std::chrono::seconds(300), true);
}

} // namespace

TEST_CASE("If-None-Match names a tag: lists, weak tags, star", "[cacheable_response]") {
    CHECK(if_none_match_names("\"tag1\"", "\"tag1\""));
    CHECK(if_none_match_names("\"other\", \"tag1\"", "\"tag1\""));
    CHECK(if_none_match_names(" W/\"tag1\" ", "\"tag1\""));
    CHECK(if_none_match_names("*", "\"tag1\""));
    CHECK_FALSE(if_none_match_names("\"tag2\"", "\"tag1\""));
    CHECK_FALSE(if_none_match_names("tag1", "\"tag1\"")); // unquoted: not an entity tag
    CHECK_FALSE(if_none_match_names("", "\"tag1\""));
    CHECK_FALSE(if_none_match_names(",,", "\"tag1\""));
}

TEST_CASE("make_cacheable_response: 200 with max-age and ETag, 304 while unchanged", "[cacheable_response]") {
    const auto full = answer(get());
    CHECK(full.result() == http::status::ok);
    CHECK(full[http::field::cache_control] == "public, max-age=300");
    CHECK(full[http::field::etag] == "\"tag1\"");
    CHECK(full[http::field::content_type] == "application/jwk-set+json");
    CHECK(full.body() == R"({"keys":[]})");

    CHECK(answer(get({"\"stale\""})).result() == http::status::ok);
    auto same = answer(get({"\"stale\"", "W/\"tag1\""})); // the field may come twice
    CHECK(same.result() == http::status::not_modified);
    CHECK(same.body().empty());
    CHECK(same[http::field::etag] == "\"tag1\"");
    CHECK(same[http::field::cache_control] == "public, max-age=300");
    CHECK(same.count(http::field::content_length) == 0);
    CHECK(same.keep_alive());

    // HEAD: the 304 gains no Content-Length of 0 (that would describe the full answer).
    auto head = answer(get({"\"tag1\""}, http::verb::head));
    drop_body_for_head(head);
    CHECK(head.count(http::field::content_length) == 0);
    auto head_full = answer(get({}, http::verb::head));
    drop_body_for_head(head_full);
    CHECK(head_full[http::field::content_length] == "11");
}
