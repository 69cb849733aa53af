// Internal to the registry's SQL implementation: the Incidents interface over a connection
// it borrows from a SqlDevices (whose pool lends it), so that incidents need no pool and no
// connection of their own.
#pragma once

#include "store/clock.hpp"
#include "store/incidents.hpp"
#include "store/sql/connection.hpp"

namespace sekisho::store::sql {

class SqlIncidents final : public Incidents {
public:
    SqlIncidents(Connection& db, const Clock& clock) : db_(db), clock_(clock) {}

    Incident open_incident(const std::string& title, const std::string& facility, const std::string& severity,
                           const std::string& actor) override;
    void add_note(const std::string& id, const std::string& text, const std::string& actor) override;
    std::size_t link_alerts(const std::string& id, const std::vector<IncidentAlert>& alerts,
                            const std::string& actor) override;
    void close_incident(const std::string& id, const std::string& resolution, const std::string& actor) override;
    std::optional<IncidentRecord> get_incident(const std::string& id) override;
    std::vector<Incident> list_incidents(bool open_only) override;

private:
    std::optional<Incident> load(const std::string& id, std::string_view operation);
    // As load(), failing with "no such incident", and with "closed" unless the incident is open.
    Incident require_open(const std::string& id, std::string_view operation);

    Connection& db_;
    const Clock& clock_;
};

} // namespace sekisho::store::sql
