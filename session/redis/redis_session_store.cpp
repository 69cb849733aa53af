#include "session/redis/redis_session_store.hpp"

#include "codec/hex.hpp"
#include "session/redis/session_scripts.hpp"
#include "session/session_codec.hpp"
#include "session/session_id.hpp"

#include <openssl/crypto.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <charconv>

namespace sekisho::session::redis {
namespace {

constexpr std::size_t kCacheEntries = 200000;
constexpr int kExpireBatch = 500;

// HKDF over the cookie's id, salted with a key of the cluster secret: a session can be
// sealed (and so planted in Redis) only by who holds both.
codec::SealKey key_of_session(const codec::SealKey& cluster_salt, const std::string& session_id) {
    return codec::derive_key(session_id,
                             std::string_view(reinterpret_cast<const char*>(cluster_salt.data()), cluster_salt.size()),
                             "session value v1");
}

std::string value_context(const std::string& id_hash) { return "session:" + id_hash; }
std::string index_context(const std::string& id_hash) { return "index:" + id_hash; }
std::string flag_context(const std::string& id_hash) { return "must-change:" + id_hash; }

std::int64_t to_int(std::string_view text) {
    std::int64_t v = 0;
    std::from_chars(text.data(), text.data() + text.size(), v);
    return v;
}

std::string number(std::int64_t v) { return std::to_string(v); }

std::int64_t write_back_after(const StoreSettings& settings, const SessionLimits& limits) {
    return std::max<std::int64_t>(1, std::min(settings.write_back_seconds, limits.idle_seconds / 10));
}

} // namespace

RedisSessionStore::RedisSessionStore(boost::asio::any_io_executor executor, StoreSettings settings)
    : settings_(std::move(settings)),
      index_key_(codec::derive_key(settings_.index_secret, "sekisho-session", "session index v1")),
      value_salt_(codec::derive_key(settings_.index_secret, "sekisho-session",
                                    "session value salt v1:" + settings_.key_prefix)),
      client_(executor, settings_.endpoint, settings_.max_connections), cache_(settings_.cache_for, kCacheEntries) {
    subscriber_ = std::make_unique<Subscriber>(
        boost::asio::make_strand(executor), settings_.endpoint, client_.tls_context(), channel(),
        [this](const std::string& message) { on_message(message); },
        // Ends announced while the subscription was down went unheard: forget every copy.
        [this] { cache_.clear(); });
}

RedisSessionStore::~RedisSessionStore() { subscriber_.reset(); }

std::string RedisSessionStore::key(std::string_view kind, std::string_view name) const {
    return settings_.key_prefix + std::string(kind) + ":" + std::string(name);
}

std::string RedisSessionStore::index_key(std::string_view kind, std::string_view value) const {
    unsigned char mac[32];
    unsigned int n = 0;
    const std::string message = std::string(kind) + ":" + std::string(value);
    HMAC(EVP_sha256(), index_key_.data(), static_cast<int>(index_key_.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &n);
    return key(kind, codec::to_lower_hex(mac, n));
}

std::string RedisSessionStore::seen_mac(const std::string& id_hash, UnixSeconds seen) const {
    unsigned char mac[32];
    unsigned int n = 0;
    const std::string message = "seen:" + id_hash + ":" + number(seen);
    HMAC(EVP_sha256(), index_key_.data(), static_cast<int>(index_key_.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &n);
    return codec::to_lower_hex(mac, n);
}

std::string RedisSessionStore::seal_flag(const std::string& id_hash, bool must_change) const {
    return codec::seal(index_key_, must_change ? "1" : "0", flag_context(id_hash));
}

std::string RedisSessionStore::seal_index(const Session& s) const {
    Session index = s; // what the other instances need without the cookie, nothing more
    index.display_name.clear();
    index.source.clear();
    index.previous_login_at.reset();
    index.previous_login_from.clear();
    index.failures_since = 0;
    return codec::seal(index_key_, encode_session(index), index_context(s.id_hash));
}

std::vector<Session> RedisSessionStore::open_index(const Reply& triples, std::size_t from) const {
    std::vector<Session> out;
    for (std::size_t i = from; i + 2 < triples.elements.size(); i += 3) {
        const std::string& hash = triples.elements[i].text;
        const auto plain = codec::open_sealed(index_key_, triples.elements[i + 1].text, index_context(hash));
        if (!plain) continue;
        auto s = decode_session(*plain);
        if (!s || s->id_hash != hash) continue;
        s->last_seen = std::max(s->last_seen, to_int(triples.elements[i + 2].text));
        out.push_back(std::move(*s));
    }
    return out;
}

void RedisSessionStore::answered(std::optional<std::string> failure) {
    std::lock_guard lock(mutex_);
    failure_ = std::move(failure);
}

Task<Reply> RedisSessionStore::recorded(Task<Reply> op) {
    try {
        Reply r = co_await std::move(op);
        answered(std::nullopt);
        co_return r;
    } catch (const StoreUnavailable& e) {
        answered(e.what());
        throw;
    }
}

Task<Reply> RedisSessionStore::call(std::vector<std::string> argv) {
    return recorded(client_.command(std::move(argv)));
}

Task<Reply> RedisSessionStore::call(const Script& script, std::vector<std::string> keys,
                                    std::vector<std::string> args) {
    return recorded(client_.run_script(script, std::move(keys), std::move(args)));
}

Task<void> RedisSessionStore::check_cluster(bool again) {
    if (cluster_checked_.load() && !again) co_return;
    const std::string mark_key = settings_.key_prefix + "cluster-check";
    const std::string context = "cluster-check:" + settings_.key_prefix;
    std::vector<std::string> set{"SET", mark_key, codec::seal(index_key_, "sekisho", context), "NX"};
    auto setting = call(std::move(set));
    co_await std::move(setting);
    std::vector<std::string> get{"GET", mark_key};
    auto getting = call(std::move(get));
    const Reply mark = co_await std::move(getting);
    if (!mark.is_nil() && !codec::open_sealed(index_key_, mark.text, context)) {
        cluster_checked_ = false;
        const std::string why = "Redis at " + client_.endpoint().describe() + " holds, under key_prefix \"" +
                                settings_.key_prefix + "\", the sessions of instances with another "
                                "cluster.secret_file: give each cluster a key_prefix of its own, or every instance "
                                "of one cluster the same secret";
        answered(why);
        throw StoreUnavailable(why);
    }
    cluster_checked_ = true;
}

Task<CreateResult> RedisSessionStore::create(Session s, std::string session_id, SessionLimits limits,
                                             UnixSeconds now) {
    auto checking = check_cluster(false);
    co_await std::move(checking);
    const std::string hash = s.id_hash;
    const std::string value =
        codec::seal(key_of_session(value_salt_, session_id), encode_session(s), value_context(hash));
    std::vector<std::string> keys{key("s", hash), index_key("u", s.user), index_key("d", s.device), key("exp", "all")};
    std::vector<std::string> args{hash, value, seal_index(s), number(now), number(s.created_at), number(s.ends_at),
                                  seal_flag(hash, s.must_change), number(limits.idle_seconds),
                                  number(limits.absolute_seconds), number(limits.max_per_user),
                                  std::string(limits.evict_oldest ? "1" : "0"), number(settings_.grace_seconds),
                                  settings_.key_prefix, channel(), seen_mac(hash, now)};
    const auto generation = cache_.generation();
    auto op = call(create_script(), std::move(keys), std::move(args));
    const Reply r = co_await std::move(op);
    CreateResult result;
    if (r.elements.empty() || r.elements[0].integer != 1) co_return result;
    result.created = true;
    result.evicted = open_index(r, 1);
    for (const auto& e : result.evicted) cache_.drop(e.id_hash);
    cache_.put(hash, {s, now}, SessionCache::Clock::now(), generation);
    co_return result;
}

Task<std::optional<Session>> RedisSessionStore::fetch(const std::string& session_id, const std::string& hash,
                                                      const SessionLimits& limits, UnixSeconds now) {
    std::vector<std::string> argv{"HMGET", key("s", hash), "v", "seen", "sm", "mc"};
    auto op = call(std::move(argv));
    const Reply r = co_await std::move(op);
    if (r.elements.size() != 4 || r.elements[0].is_nil()) co_return std::nullopt;
    const auto plain =
        codec::open_sealed(key_of_session(value_salt_, session_id), r.elements[0].text, value_context(hash));
    if (!plain) co_return std::nullopt;
    auto s = decode_session(*plain);
    if (!s || s->id_hash != hash) co_return std::nullopt;
    // What is not sealed is taken only when its MAC holds: a write to Redis cannot stretch
    // a session's idle time or clear its pending password change.
    const auto seen = to_int(r.elements[1].text);
    if (CRYPTO_memcmp(seen_mac(hash, seen).data(), r.elements[2].text.data(),
                      std::min<std::size_t>(64, r.elements[2].text.size())) == 0 &&
        r.elements[2].text.size() == 64)
        s->last_seen = std::max(s->last_seen, std::min(seen, now));
    const auto flag = codec::open_sealed(index_key_, r.elements[3].text, flag_context(hash));
    if (!flag) co_return std::nullopt;
    s->must_change = *flag == "1";
    if (!is_live(*s, limits, now)) co_return std::nullopt; // left for expire() to report
    co_return s;
}

Task<std::optional<Session>> RedisSessionStore::touch(std::string session_id, SessionLimits limits,
                                                      UnixSeconds now) {
    const std::string hash = hash_session_id(session_id);
    const auto steady = SessionCache::Clock::now();
    std::optional<SessionCache::Entry> entry;
    auto fetched = steady;
    const auto generation = cache_.generation();
    if (auto held = cache_.get(hash, steady)) {
        entry = std::move(held->entry);
        fetched = held->fetched;
    } else {
        auto checking = check_cluster(false);
        co_await std::move(checking);
        auto op = fetch(session_id, hash, limits, now);
        auto s = co_await std::move(op);
        if (!s) co_return std::nullopt;
        entry = SessionCache::Entry{std::move(*s), 0};
        entry->stored_seen = entry->session.last_seen;
    }
    if (!is_live(entry->session, limits, now)) {
        cache_.drop(hash);
        co_return std::nullopt;
    }
    if (now - entry->stored_seen >= write_back_after(settings_, limits)) {
        std::vector<std::string> keys{key("s", hash), key("exp", "all")};
        std::vector<std::string> args{hash, number(now), number(limits.idle_seconds), number(limits.absolute_seconds),
                                      number(settings_.grace_seconds), seen_mac(hash, now)};
        auto op = call(refresh_script(), std::move(keys), std::move(args));
        const Reply moved = co_await std::move(op);
        if (moved.integer != 1) {
            cache_.drop(hash);
            co_return std::nullopt;
        }
        entry->stored_seen = now;
    }
    entry->session.last_seen = now;
    cache_.put(hash, *entry, fetched, generation);
    co_return entry->session;
}

Task<bool> RedisSessionStore::erase(std::string id_hash) {
    cache_.drop(id_hash);
    std::vector<std::string> keys{key("s", id_hash), key("exp", "all")};
    std::vector<std::string> args{id_hash, settings_.key_prefix, channel()};
    auto op = call(erase_script(), std::move(keys), std::move(args));
    const Reply r = co_await std::move(op);
    co_return r.integer == 1;
}

Task<std::vector<Session>> RedisSessionStore::erase_user(std::string user, std::string keep) {
    std::vector<std::string> keys{index_key("u", user), key("exp", "all")};
    std::vector<std::string> args{keep, settings_.key_prefix, channel()};
    auto op = call(erase_set_script(), std::move(keys), std::move(args));
    const Reply r = co_await std::move(op);
    auto ended = open_index(r);
    for (const auto& s : ended) cache_.drop(s.id_hash);
    co_return ended;
}

Task<std::vector<Session>> RedisSessionStore::erase_device(std::string device) {
    std::vector<std::string> keys{index_key("d", device), key("exp", "all")};
    std::vector<std::string> args{std::string(), settings_.key_prefix, channel()};
    auto op = call(erase_set_script(), std::move(keys), std::move(args));
    const Reply r = co_await std::move(op);
    auto ended = open_index(r);
    for (const auto& s : ended) cache_.drop(s.id_hash);
    co_return ended;
}

Task<bool> RedisSessionStore::clear_must_change(std::string id_hash) {
    cache_.drop(id_hash);
    std::vector<std::string> keys{key("s", id_hash)};
    std::vector<std::string> args{id_hash, channel(), seal_flag(id_hash, false)};
    auto op = call(clear_flag_script(), std::move(keys), std::move(args));
    const Reply r = co_await std::move(op);
    co_return r.integer == 1;
}

Task<std::vector<Session>> RedisSessionStore::list(SessionLimits limits, UnixSeconds now) {
    auto checking = check_cluster(false);
    co_await std::move(checking);
    std::vector<std::string> keys{key("exp", "all")};
    std::vector<std::string> args{number(now), number(limits.idle_seconds), number(limits.absolute_seconds),
                                  settings_.key_prefix};
    auto op = call(list_script(), std::move(keys), std::move(args));
    const Reply r = co_await std::move(op);
    auto out = open_index(r);
    std::sort(out.begin(), out.end(), [](const Session& a, const Session& b) { return a.created_at < b.created_at; });
    co_return out;
}

Task<std::size_t> RedisSessionStore::count(SessionLimits, UnixSeconds now) {
    std::vector<std::string> argv{"ZCOUNT", key("exp", "all"), "(" + number(now), "+inf"};
    auto op = call(std::move(argv));
    const Reply r = co_await std::move(op);
    co_return static_cast<std::size_t>(std::max<std::int64_t>(0, r.integer));
}

Task<std::vector<Session>> RedisSessionStore::expire(SessionLimits limits, UnixSeconds now) {
    auto checking = check_cluster(true);
    co_await std::move(checking);
    std::vector<Session> ended;
    for (;;) {
        std::vector<std::string> keys{key("exp", "all")};
        std::vector<std::string> args{number(now), number(limits.idle_seconds), number(limits.absolute_seconds),
                                      settings_.key_prefix, channel(), number(kExpireBatch)};
        auto op = call(expire_script(), std::move(keys), std::move(args));
        const Reply r = co_await std::move(op);
        auto batch = open_index(r);
        for (auto& s : batch) {
            cache_.drop(s.id_hash);
            ended.push_back(std::move(s));
        }
        if (r.elements.size() < 3 * static_cast<std::size_t>(kExpireBatch)) break;
    }
    co_return ended;
}

void RedisSessionStore::on_message(const std::string& message) {
    if (message.size() < 5) return;
    const std::string hash = message.substr(4);
    cache_.drop(hash);
    if (message.starts_with("end:")) {
        std::function<void(const std::string&)> callback;
        {
            std::lock_guard lock(mutex_);
            callback = ended_elsewhere_;
        }
        if (callback) callback(hash);
    }
}

void RedisSessionStore::on_ended_elsewhere(std::function<void(const std::string&)> callback) {
    std::lock_guard lock(mutex_);
    ended_elsewhere_ = std::move(callback);
}

std::optional<std::string> RedisSessionStore::unavailable() const {
    std::lock_guard lock(mutex_);
    return failure_;
}

} // namespace sekisho::session::redis
