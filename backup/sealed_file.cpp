#include "backup/sealed_file.hpp"

#include "backup/file_io.hpp"
#include "codec/hex.hpp"
#include "codec/random.hpp"
#include "codec/sealed.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sekisho::backup {

namespace {

constexpr std::string_view kMagic = "sekisho-sealed 1\n";

std::string params_id(const std::string& salt, const codec::ScryptParams& p) {
    return codec::to_lower_hex(salt) + "/" + std::to_string(p.n) + "/" + std::to_string(p.r) + "/" + std::to_string(p.p);
}

} // namespace

PassphraseSealer::PassphraseSealer(std::string passphrase, codec::ScryptParams params)
    : passphrase_(std::move(passphrase)), params_(params), salt_(codec::random_bytes(16)) {
    if (passphrase_.size() < 12)
        throw std::invalid_argument("the passphrase has " + std::to_string(passphrase_.size()) +
                                    " characters; a backup's passphrase needs at least 12");
}

const codec::SealKey& PassphraseSealer::key_for(const std::string& salt, const codec::ScryptParams& params) {
    const auto id = params_id(salt, params);
    auto it = keys_.find(id);
    if (it == keys_.end()) it = keys_.emplace(id, codec::passphrase_key(passphrase_, salt, params)).first;
    return it->second;
}

std::string PassphraseSealer::seal(std::string_view plaintext, const std::string& name) {
    boost::json::object header{{"kdf", "scrypt"},
                               {"n", params_.n},
                               {"r", params_.r},
                               {"p", params_.p},
                               {"salt", codec::to_lower_hex(salt_)},
                               {"name", name}};
    const std::string head = std::string(kMagic) + boost::json::serialize(header) + "\n";
    return head + codec::seal(key_for(salt_, params_), plaintext, head);
}

std::string PassphraseSealer::open(std::string_view sealed, const std::string& name) {
    const auto not_sealed = [&](const std::string& why) {
        return std::runtime_error(name + ": not a sealed file of a Sekisho backup (" + why + ")");
    };
    if (!sealed.starts_with(kMagic)) throw not_sealed("no 'sekisho-sealed 1' line");
    const auto end = sealed.find('\n', kMagic.size());
    if (end == std::string_view::npos) throw not_sealed("no header line");
    const std::string head(sealed.substr(0, end + 1));
    codec::ScryptParams params;
    std::string kdf, salt_hex, recorded_name;
    try {
        const auto header = boost::json::parse(head.substr(kMagic.size())).as_object();
        kdf = std::string(header.at("kdf").as_string());
        params.n = header.at("n").to_number<std::uint64_t>();
        params.r = header.at("r").to_number<std::uint32_t>();
        params.p = header.at("p").to_number<std::uint32_t>();
        salt_hex = std::string(header.at("salt").as_string());
        recorded_name = std::string(header.at("name").as_string());
    } catch (const std::exception& e) {
        throw not_sealed(std::string("bad header: ") + e.what());
    }
    const auto salt = codec::from_hex(salt_hex);
    if (kdf != "scrypt") throw not_sealed("unknown kdf '" + kdf + "'");
    if (!salt || salt->size() < 16) throw not_sealed("bad salt");
    if (recorded_name != name)
        throw std::runtime_error(name + ": sealed as " + recorded_name + ", not under this name (moved?)");
    std::optional<std::string> plain;
    try {
        plain = codec::open_sealed(key_for(*salt, params), sealed.substr(end + 1), head);
    } catch (const std::invalid_argument& e) {
        throw not_sealed(e.what());
    }
    if (!plain) throw WrongPassphrase(name + ": the passphrase does not open it (a wrong passphrase, or the file was altered)");
    return *plain;
}

std::string read_passphrase_file(const std::string& path) {
    const unsigned mode = file_mode(path);
    const std::string text = read_file(path);
    if ((mode & 077u) != 0)
        throw std::runtime_error(path + ": group or others may read the passphrase file; chmod 600 it");
    std::string line = text.substr(0, text.find('\n'));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) throw std::runtime_error(path + ": the passphrase file's first line is empty");
    return line;
}

} // namespace sekisho::backup
