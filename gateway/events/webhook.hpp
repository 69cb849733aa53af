// Delivering alerts: JSON POSTs to one http:// or https:// URL from a thread of its own,
// retried with backoff (1, 2, 4, 8, 16 s), so that no request handler ever waits for it.
// https verifies the receiver against the system's CA store.
#pragma once

#include "worker/queue_worker.hpp"

#include <string>

namespace sekisho::gateway {

class Webhook {
public:
    // Throws std::invalid_argument naming key (the setting) for a malformed URL.
    explicit Webhook(std::string url, const std::string& key = "alerts.webhook");
    ~Webhook();                        // stops after the delivery in progress

    void post(std::string json);
    const std::string& url() const { return url_; }

private:
    void run();
    bool deliver(const std::string& json, std::string& error);

    std::string url_, host_, port_, target_;
    // What logs and the trail say: scheme, host and port. Slack and Teams put the webhook's
    // secret in the path (and others in the query or user info), so the URL is never shown.
    std::string shown_;
    bool tls_ = false;
    // Bounded: each alert is in the audit trail too. Last: stopped before what it uses.
    worker::QueueWorker sender_{1000};
};

} // namespace sekisho::gateway
