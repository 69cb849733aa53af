#include "ctl/demo_terminal.hpp"

#include "ctl/demo_pki.hpp"
#include "operations/device_ticket.hpp"
#include "enroll/enrollment.hpp"
#include "pki/csr_build.hpp"
#include "pki/keygen.hpp"
#include "pki/pem_io.hpp"
#include "pki/pkcs12.hpp"
#include "pki/random.hpp"

#include <memory>
#include <stdexcept>

namespace sekisho::ctl {

using namespace sekisho::operations; // the command-line plumbing and registry commands it shares

namespace {

constexpr const char* kActor = "demo-init";
// Where the ticket's code comes from, for the ledger: typed in here, not sent over a network.
constexpr const char* kSource = "local";
constexpr std::int64_t kTicketSeconds = 15 * 60; // redeemed at once; short in case it is not
constexpr std::size_t kP12PasswordLength = 20;

} // namespace

DemoTerminal enroll_demo_terminal(const config::Config& config, store::DeviceRegistry& devices,
                                  store::TicketRegistry& tickets, const std::filesystem::path& pki_dir) {
    const CreatedTicket created =
        create_ticket(tickets, {kDemoFacility, kDemoDevice, kTicketSeconds, 1, kActor, std::nullopt});

    // The terminal's side: its own key, and a CSR that passes the policy EST applies.
    const pki::EvpPkeyPtr key = pki::generate_key();
    const pki::X509ReqPtr csr = pki::create_csr(key.get(), kDemoDevice, kDemoFacility);
    pki::CsrCheck check = pki::check_csr(csr.get(), pki::CsrPolicy{});
    if (!check.ok) throw std::runtime_error("the demo terminal's CSR was refused: " + check.reason);

    enroll::IssuingCa ca(config.enrollment, config.tls.pkcs11_module);
    enroll::Enrollment enrollment(ca, devices, tickets);
    const store::Redemption redemption = enrollment.redeem(created.ticket.id, created.code, kSource);
    if (redemption.outcome != store::RedeemOutcome::ok || !redemption.ticket) {
        throw std::runtime_error("the demo terminal's ticket " + created.ticket.id +
                                 " was refused: " + store::to_string(redemption.outcome));
    }
    const enroll::EnrolledDevice enrolled =
        enrollment.enroll_device(*redemption.ticket, check.public_key.get(), kActor, kSource);

    DemoTerminal terminal;
    terminal.device_id = enrolled.device.id;
    terminal.ticket_id = created.ticket.id;
    terminal.p12_password = pki::random_password(kP12PasswordLength);
    auto file = [&](const char* name) { return (pki_dir / name).string(); };
    pki::write_private_key_pem(file("device.key"), key.get());
    pki::write_certificates_pem(file("device.crt"), {enrolled.certificate.get()});
    pki::write_file(file("device.p12"),
                    pki::export_pkcs12(key.get(), enrolled.certificate.get(), ca.chain(),
                                       terminal.p12_password, kDemoDevice),
                    0600);
    return terminal;
}

} // namespace sekisho::ctl
