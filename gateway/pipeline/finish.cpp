// The last stage: the one place a verdict becomes what the client, the log (and through it
// the audit trail and the alert rules) and the metrics see.
#include "gateway/pipeline/stages.hpp"

#include "gateway/events/log.hpp"
#include "gateway/http/http_error.hpp"
#include "gateway/runtime/runtime.hpp"

namespace sekisho::gateway {

Task<void> RequestStages::write_page(const Exchange& ex, Response& page, ResponseSink& client) {
    // A kept-alive client would read a HEAD answer's body as the start of the next response.
    if (ex.request && ex.request->method() == http::verb::head) drop_body_for_head(page);
    c_.worker.metrics.response_sent(page.result_int());
    co_await client.write_response(page);
}

Task<bool> RequestStages::finish(Exchange& ex, Verdict verdict, ResponseSink& client) {
    const auto& id = c_.identity;
    switch (verdict.kind()) {
    case Verdict::Kind::proceed: // every stage proceeded yet nothing answered: fail closed
    case Verdict::Kind::refuse: {
        const Rejection r = verdict.proceeds()
                                ? Rejection{http::status::internal_server_error, RequestRejection::bad_request,
                                            "no stage answered"}
                                : verdict.rejection();
        c_.worker.metrics.request_rejected(r.reason);
        log_event(spdlog::level::warn, "request.rejected",
                  {{"reason", to_string(r.reason)},
                   {"status", std::to_string(static_cast<unsigned>(r.status))},
                   {"peer", c_.peer},
                   {"device", id.device},
                   {"serial", id.serial},
                   {"facility", id.facility},
                   {"request_id", ex.id},
                   {"detail", r.detail}});
        auto page = make_error_response(r.status, "The gateway refused this request.", false, ex.version);
        co_await write_page(ex, page, client);
        co_return false;
    }
    case Verdict::Kind::turn_away: {
        auto& page = *verdict.page();
        c_.worker.metrics.request_rejected(verdict.rejection().reason);
        log_event(spdlog::level::info, "request.unauthenticated",
                  {{"reason", to_string(verdict.rejection().reason)},
                   {"route", ex.route ? std::string_view(ex.route->name) : std::string_view("-")},
                   {"peer", c_.peer},
                   {"device", id.device},
                   {"serial", id.serial},
                   {"facility", id.facility},
                   {"request_id", ex.id},
                   {"status", std::to_string(page.result_int())}});
        co_await write_page(ex, page, client);
        co_return ex.keep_alive();
    }
    case Verdict::Kind::answer: {
        co_await write_page(ex, *verdict.page(), client);
        co_return ex.keep_alive();
    }
    case Verdict::Kind::forwarded:
        co_return co_await record_forwarded(ex, client);
    case Verdict::Kind::closed:
        break;
    }
    co_return false;
}

Task<bool> RequestStages::record_forwarded(Exchange& ex, ResponseSink& client) {
    using Kind = ForwardOutcome::Kind;
    const auto& out = ex.forwarded;
    const auto& route = *ex.route;
    const auto elapsed = std::chrono::steady_clock::now() - ex.started;
    auto& metrics = c_.worker.metrics;
    if (out.kind != Kind::client_failed)
        metrics.route_response(route.name, out.status, std::chrono::duration<double>(elapsed).count());
    if (out.kind == Kind::upstream_failed) {
        metrics.upstream_failure(out.status == 504);
        log_event(spdlog::level::warn, "upstream.failed",
                  {{"route", route.name},
                   {"upstream", route.upstream.url},
                   {"status", std::to_string(out.status)},
                   {"peer", c_.peer},
                   {"device", c_.identity.device},
                   {"request_id", ex.id},
                   {"detail", out.detail}});
        const auto status = static_cast<http::status>(out.status);
        auto page = make_error_response(status,
                                        status == http::status::gateway_timeout ? "The service did not answer in time."
                                                                                : "The service is not reachable.",
                                        ex.keep_alive(), ex.version);
        co_await write_page(ex, page, client);
        co_return ex.keep_alive();
    }
    if (out.kind != Kind::client_failed) metrics.response_sent(out.status);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
    log_event(out.kind == Kind::client_failed ? spdlog::level::warn : spdlog::level::info, "request",
              {{"route", route.name},
               {"method", ex.request->method_string()},
               {"path", ex.path},
               {"status", std::to_string(out.status)},
               {"ms", std::to_string(ms)},
               {"peer", c_.peer},
               {"device", c_.identity.device},
               {"serial", c_.identity.serial},
               {"facility", c_.identity.facility},
               {"user", ex.user ? std::string_view(ex.user->user) : std::string_view("-")},
               {"request_id", ex.id},
               {"detail", out.detail}});
    co_return out.kind == Kind::relayed && out.keep_alive;
}

} // namespace sekisho::gateway
