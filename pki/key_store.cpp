#include "pki/key_store.hpp"

#include "pki/pkcs11_uri.hpp"

#include <libp11.h>
#include <openssl/pem.h>

#include <map>
#include <mutex>
#include <utility>
#include <string_view>

namespace sekisho::pki {

PrivateKey::PrivateKey(EvpPkeyPtr key, std::shared_ptr<void> keepalive)
    : keepalive_(std::move(keepalive)), key_(std::move(key)) {}

namespace {

// Never prompt on a terminal for a passphrase: an encrypted key file is an error here.
int refuse_passphrase(char*, int, int, void*) { return -1; }

PrivateKey load_pem_key(const std::string& path) {
    BioPtr bio(BIO_new_file(path.c_str(), "rb"));
    if (!bio) throw OpensslError("cannot open private key file " + path);
    EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr));
    if (!key) {
        throw OpensslError("cannot read a private key from " + path +
                           " (expected an unencrypted PEM private key)");
    }
    return PrivateKey(std::move(key), nullptr);
}

// One loaded PKCS#11 module and its slot list, shared by every key taken from it: a second
// copy would break the first when released (C_CloseAllSessions on the slot, C_Finalize).
struct Pkcs11Module {
    PKCS11_CTX* ctx = nullptr;
    bool loaded = false;
    PKCS11_SLOT* slots = nullptr;
    unsigned int slot_count = 0;
    ~Pkcs11Module() {
        if (slots != nullptr) PKCS11_release_all_slots(ctx, slots, slot_count);
        if (loaded) PKCS11_CTX_unload(ctx);
        if (ctx != nullptr) PKCS11_CTX_free(ctx);
    }
};

// Loaded modules by path, with how many keys use each. A module is unloaded when its last
// key goes, under the same lock that loads keys, so a load never overlaps an unload.
struct ModuleRegistry {
    std::recursive_mutex mutex; // a failed load releases its lease while holding the lock
    std::map<std::string, std::pair<std::unique_ptr<Pkcs11Module>, int>> modules;
};

ModuleRegistry& registry() {
    // Never destroyed: a key held by a static object may be released after main() returns.
    static ModuleRegistry* instance = new ModuleRegistry;
    return *instance;
}

// A key's hold on its module: the PrivateKey keepalive.
struct Pkcs11Lease {
    std::string path;
    Pkcs11Module* module = nullptr;
    ~Pkcs11Lease() {
        std::lock_guard lock(registry().mutex);
        auto it = registry().modules.find(path);
        if (it != registry().modules.end() && --it->second.second == 0) registry().modules.erase(it);
    }
};

// Takes a lease on the module at path, loading it on first use. Caller holds the registry lock.
std::shared_ptr<Pkcs11Lease> lease_module(const std::string& path, const std::string& where) {
    auto& entry = registry().modules[path];
    if (!entry.first) {
        auto module = std::make_unique<Pkcs11Module>();
        module->ctx = PKCS11_CTX_new();
        if (module->ctx == nullptr) {
            registry().modules.erase(path);
            throw OpensslError(where + ": cannot create a libp11 context");
        }
        if (PKCS11_CTX_load(module->ctx, path.c_str()) != 0) {
            registry().modules.erase(path);
            throw OpensslError(where + ": cannot load PKCS#11 module " + path);
        }
        module->loaded = true;
        if (PKCS11_enumerate_slots(module->ctx, &module->slots, &module->slot_count) != 0) {
            registry().modules.erase(path);
            throw OpensslError(where + ": cannot list the slots of " + path);
        }
        entry = {std::move(module), 0};
    }
    ++entry.second;
    auto lease = std::make_shared<Pkcs11Lease>();
    lease->path = path;
    lease->module = entry.first.get();
    return lease;
}

bool token_matches(const PKCS11_TOKEN* token, const Pkcs11Uri& uri) {
    auto same = [](const std::optional<std::string>& wanted, const char* actual) {
        return !wanted || (actual != nullptr && *wanted == actual);
    };
    return token != nullptr && token->initialized && same(uri.token, token->label) &&
           same(uri.manufacturer, token->manufacturer) && same(uri.model, token->model) &&
           same(uri.serial, token->serialnr);
}

bool key_matches(const PKCS11_KEY& key, const Pkcs11Uri& uri) {
    if (uri.object && (key.label == nullptr || *uri.object != key.label)) return false;
    if (uri.id && std::string_view(reinterpret_cast<const char*>(key.id), key.id_len) != *uri.id) {
        return false;
    }
    return true;
}

std::string key_labels(PKCS11_KEY* keys, unsigned int count) {
    std::string out;
    for (unsigned int i = 0; i < count; ++i) {
        if (!out.empty()) out += ", ";
        out += keys[i].label != nullptr ? keys[i].label : "(no label)";
    }
    return out.empty() ? "none" : out;
}

PrivateKey load_pkcs11_key(const std::string& spec, const std::string& module_arg) {
    const Pkcs11Uri uri = parse_pkcs11_uri(spec);
    const std::string where = "PKCS#11 key " + uri.masked;
    const std::string module_path = !module_arg.empty() ? module_arg : uri.module_path.value_or("");
    if (module_path.empty()) {
        throw std::runtime_error(where + ": no PKCS#11 module given (set tls.pkcs11_module or "
                                         "module-path= in the URI)");
    }

    std::lock_guard lock(registry().mutex);
    std::shared_ptr<Pkcs11Lease> lease = lease_module(module_path, where);
    Pkcs11Module* module = lease->module;
    PKCS11_SLOT* slot = nullptr;
    for (unsigned int i = 0; i < module->slot_count && slot == nullptr; ++i) {
        if (token_matches(module->slots[i].token, uri)) slot = &module->slots[i];
    }
    if (slot == nullptr) {
        throw std::runtime_error(where + ": no initialized token matches in " + module_path);
    }

    const std::optional<std::string> pin = pin_of(uri);
    if (pin) {
        if (PKCS11_login(slot, 0, pin->c_str()) != 0) {
            throw OpensslError(where + ": login to token '" + slot->token->label +
                               "' failed (check the PIN)");
        }
    } else if (slot->token->loginRequired) {
        throw std::runtime_error(where + ": token '" + std::string(slot->token->label) +
                                 "' needs a PIN: add pin-value= or pin-source= to the URI");
    }

    PKCS11_KEY* keys = nullptr;
    unsigned int key_count = 0;
    if (PKCS11_enumerate_keys(slot->token, &keys, &key_count) != 0) {
        throw OpensslError(where + ": cannot list the private keys on the token");
    }
    PKCS11_KEY* chosen = nullptr;
    unsigned int matches = 0;
    for (unsigned int i = 0; i < key_count; ++i) {
        if (!key_matches(keys[i], uri)) continue;
        if (chosen == nullptr) chosen = &keys[i];
        ++matches;
    }
    if (chosen == nullptr) {
        throw std::runtime_error(where + ": no matching private key on the token (keys: " +
                                 key_labels(keys, key_count) + ")");
    }
    if (matches > 1) {
        throw std::runtime_error(where + ": " + std::to_string(matches) +
                                 " private keys match; add object= or id= (keys: " +
                                 key_labels(keys, key_count) + ")");
    }
    EvpPkeyPtr key(PKCS11_get_private_key(chosen));
    if (!key) throw OpensslError(where + ": cannot use the key through libp11");
    return PrivateKey(std::move(key), std::move(lease));
}

} // namespace

PrivateKey load_private_key(const std::string& spec, const std::string& pkcs11_module) {
    if (is_pkcs11_uri(spec)) return load_pkcs11_key(spec, pkcs11_module);
    return load_pem_key(spec);
}

} // namespace sekisho::pki
