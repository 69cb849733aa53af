// The items of the guideline's 【別紙】 "MDS/SDS におけるセキュリティ確認事項" (seed 001), in its
// order and its own wording, each with the check that answers it from the gateway's state —
// or, for the items a gateway cannot bear on, the reason it is 対象外.
#pragma once

#include "disclosure/document.hpp"

#include <span>

namespace sekisho::disclosure {

// Which evaluation answers an item (evaluate.cpp). Items sharing a check share the answer.
enum class Check {
    outside, // 対象外: the reason is in the catalog entry
    transport_client_auth,
    encryption,
    spoofing,
    eavesdropping,
    tampering,
    peer_verification,
    access_control,
    two_factor,
    device_fallback,
    roles,
    identification,
    terminal_management,
    registered_devices_only,
    device_ledger,
    unattended_terminal,
    emergency_accounts,
    emergency_procedure,
    emergency_end,
    incident_contact,
    remote_login,
    access_log,
    access_history,
    log_protection,
    time_accuracy,
    backup_generations,
    restore,
    maintenance_log,
    maintenance_record,
    redundancy,
};

struct CatalogItem {
    const char* list;   // "MDS" / "SDS"
    const char* number; // as the 【別紙】 prints it: "No.12.3.1.1", "No.59 / 60 / 61 / 62 / 63"
    const char* section_ja;
    const char* section_en;
    const char* question_ja; // verbatim
    const char* question_en;
    Check check;
    const char* outside_ja = ""; // for Check::outside: why the gateway does not bear on it
    const char* outside_en = "";
};

// Every item of both lists, MDS first, in the 【別紙】's order.
std::span<const CatalogItem> catalog();
std::span<const CatalogItem> mds_items(); // catalog_mds.cpp
std::span<const CatalogItem> sds_items(); // catalog_sds.cpp

// "MDS No.59/60/61/62/63": the list, a space and the number without spaces or a trailing 、.
ItemRef item_ref(const CatalogItem& item);

// Whether `key` (from a hospital's policy: "SDS No.60", "sds 60", "MDS No.4.1") names the item:
// the same list and the whole number or one of the numbers it combines.
bool names_item(std::string_view key, const ItemRef& item);

} // namespace sekisho::disclosure
