// When the gateway last admitted each device (issue 16, the periodic review): a batch of
// sightings in one transaction, bookkeeping that neither writes the ledger nor bumps the
// revision — a gateway that reloaded its views after every flush would gain nothing by it.
#include "store/sql/devices_impl.hpp"

namespace sekisho::store::sql {

std::size_t SqlDevices::record_seen(const std::vector<DeviceSighting>& batch) {
    constexpr std::string_view kOperation = "record when devices were last seen";
    if (batch.empty()) return 0;
    for (const DeviceSighting& sighting : batch) db_.check(rules::fingerprint(sighting.fingerprint), kOperation);
    std::size_t moved = 0;
    Transaction tx(db_, Transaction::Kind::write, kOperation);
    for (const DeviceSighting& sighting : batch) {
        // Only forward: two gateways' batches may arrive in either order.
        Statement update(db_,
                         "UPDATE devices SET last_seen_at = ?2 WHERE id = "
                         "(SELECT device_id FROM certificates WHERE fingerprint_sha256 = ?1) "
                         "AND (last_seen_at IS NULL OR last_seen_at < ?2)",
                         kOperation);
        update.bind(1, rules::canonical_fingerprint(sighting.fingerprint)).bind(2, sighting.at);
        update.run();
        moved += static_cast<std::size_t>(update.changes());
    }
    tx.commit();
    return moved;
}

} // namespace sekisho::store::sql
