// proxy_protocol: of the main listener (top level) and of the enrollment listener.
#include "config/sections.hpp"
#include "config/values.hpp"

#include <algorithm>

namespace sekisho::config::detail {

void read_proxy_protocol(MapReader& parent, ProxyProtocolConfig& out) {
    if (!parent.has("proxy_protocol")) return;
    auto section = parent.mapping("proxy_protocol");
    if (!section) return;
    section->read_bool("enabled", out.enabled);
    for (const auto& item : section->scalar_list("trusted", true)) {
        std::string error;
        if (auto cidr = parse_cidr(item.value, error)) {
            out.trusted.push_back(std::move(*cidr));
        } else {
            section->context().problem(item.line, item.key, error);
        }
    }
    section->read_duration("timeout", out.timeout, Seconds(1), Seconds(60));
    // Fail closed: with no balancer named, every connection would be refused; and trusting
    // headers from anyone would let any client claim any address.
    if (out.enabled && !section->has("trusted"))
        section->problem("enabled", "needs proxy_protocol.trusted: the addresses of the balancers allowed to send "
                                    "PROXY headers (e.g. [10.0.0.0/8]); only they may say who the client is");
    section->finish();
}

void cap_proxy_protocol_timeout(ProxyProtocolConfig& out, Seconds handshake) {
    out.timeout = std::min(out.timeout, handshake);
}

} // namespace sekisho::config::detail
