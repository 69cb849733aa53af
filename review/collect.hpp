// Reads what the periodic review is built from out of the registry: every user and device,
// and one pass over the ledger (in pages, digested as it goes: ledger_digest.hpp).
#pragma once

#include "review/review_input.hpp"
#include "store/registry.hpp"

namespace sekisho::review {

// Throws store::RegistryError naming the registry when it cannot be read.
ReviewInput collect_review_input(store::Registry& registry, const ReviewOptions& options, UnixSeconds now);

} // namespace sekisho::review
