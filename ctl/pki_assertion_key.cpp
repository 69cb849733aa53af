// sekishoctl pki assertion-key: a new key for the identity assertion, made for a rotation
// (README, "rotating it"). The kid is printed because the operator checks for it in each
// instance's /_sekisho/jwks.json and assertion.keys log line before the key signs.
#include "ctl/pki_dir.hpp"
#include "ctl/pki_init.hpp"

#include "pki/jws.hpp"
#include "pki/jws_verify.hpp"
#include "pki/keygen.hpp"
#include "pki/pem_io.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <stdexcept>

namespace sekisho::ctl {

boost::json::object new_assertion_key(const PkiSettings& settings) {
    const std::filesystem::path key_path(settings.out);
    const std::string public_path = std::filesystem::path(key_path).replace_extension(".pub").string();
    if (public_path == settings.out)
        throw std::invalid_argument("--out " + settings.out +
                                    ": name the private key file, e.g. assertion-2027.key; "
                                    "its public half goes next to it as .pub");
    refuse_existing({settings.out, public_path}, settings.force, "the new assertion key would overwrite it");
    const auto key = pki::generate_key();
    pki::write_file(settings.out, pki::private_key_to_pem(key.get()), 0600);
    pki::write_file(public_path, pki::public_key_to_pem(key.get()), 0644);
    return {{"key", settings.out},
            {"public_key", public_path},
            {"kid", pki::es256_jwk(key.get()).kid},
            {"next_step",
             "copy both files to every instance, list the key in assertion.next_keys and reload; "
             "let it sign (assertion.signing_key) no sooner than 5 minutes after the last reload"}};
}

} // namespace sekisho::ctl
