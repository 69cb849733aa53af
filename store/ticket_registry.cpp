#include "store/ticket_registry.hpp"

namespace sekisho::store {

std::string to_string(RedeemOutcome outcome) {
    switch (outcome) {
    case RedeemOutcome::ok:
        return "ok";
    case RedeemOutcome::unknown:
        return "unknown";
    case RedeemOutcome::wrong_code:
        return "wrong_code";
    case RedeemOutcome::expired:
        return "expired";
    case RedeemOutcome::used_up:
        return "used_up";
    case RedeemOutcome::locked:
        return "locked";
    }
    return "unknown";
}

} // namespace sekisho::store
