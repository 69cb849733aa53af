// A backup's secrets (keys, password files) sealed under a passphrase that a person keeps
// apart from the backup: AES-256-GCM (codec/sealed) with a key from scrypt
// (codec/passphrase). A sealed file is self-describing, so it opens without the manifest:
//
//   sekisho-sealed 1\n
//   {"kdf":"scrypt","n":131072,"r":8,"p":1,"salt":"<hex>","name":"files/pki/device-ca.key"}\n
//   nonce || ciphertext || tag
//
// The two text lines are the associated data: the parameters and the file's name in the
// backup are authenticated too, so a sealed file renamed into another's place does not open.
#pragma once

#include "codec/passphrase.hpp"

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace sekisho::backup {

// The passphrase does not open a sealed file (wrong passphrase, or the file was altered).
class WrongPassphrase : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class PassphraseSealer {
public:
    // Refuses a passphrase shorter than 12 characters (std::invalid_argument).
    explicit PassphraseSealer(std::string passphrase, codec::ScryptParams params = {});

    // One salt per sealer (one key derivation per backup, not per file).
    std::string seal(std::string_view plaintext, const std::string& name);
    // Throws WrongPassphrase naming `name`, std::runtime_error for a file that is no sealed file.
    std::string open(std::string_view sealed, const std::string& name);

private:
    const codec::SealKey& key_for(const std::string& salt, const codec::ScryptParams& params);

    std::string passphrase_;
    codec::ScryptParams params_;
    std::string salt_;
    std::map<std::string, codec::SealKey> keys_; // "salt/n/r/p" → key: derived once each
};

// The first line of the file, without its line end: a passphrase file written by `echo` or
// an editor works. Refuses a file group or others may read, and an empty passphrase.
std::string read_passphrase_file(const std::string& path);

} // namespace sekisho::backup
