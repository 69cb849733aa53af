#!/usr/bin/env bash
# The demo: installs what is needed, builds, creates a demo environment (CAs, a server
# certificate, one enrolled terminal, a config), starts a sample backend that echoes the
# headers it receives and the gateway in front of it, then shows the two factors with curl.
# Stays in the foreground; Ctrl-C stops everything. DEMO_DIR, DEMO_PORT, BACKEND_PORT override.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh >/dev/null

demo_dir=${DEMO_DIR:-demo}
port=${DEMO_PORT:-8443}
backend_port=${BACKEND_PORT:-8080}
if [ ! -f "$demo_dir/sekisho.yaml" ]; then
  build/ctl/sekishoctl demo init "$demo_dir" --listen "127.0.0.1:$port" --upstream "http://127.0.0.1:$backend_port"
fi
demo_json="$demo_dir/demo.json"
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); 
for k in sys.argv[2].split("."): d=d[k]
print(d)' "$demo_json" "$1"; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

python3 tests/integration/echo_backend.py --port "$backend_port" --name demo-backend &
pids+=($!)
build/gateway/sekisho --config "$(field config)" &
pids+=($!)

admin_url=$(field admin_url)
for _ in $(seq 1 50); do
  curl -fsS "${admin_url}healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

tls="--cacert $(field ca_bundle) --cert $(field device.cert) --key $(field device.key)"
url=$(field gateway_url)
jar="$demo_dir/cookies.txt"
login="curl $tls -c $jar -H 'Content-Type: application/json' -d '{\"username\":\"$(field user.id)\",\"password\":\"$(field user.password)\"}' ${url}_sekisho/api/login"
cmd="curl $tls -b $jar $url"
echo
echo "== Sekisho demo is running =="
echo "Factor 1, the terminal certificate, alone gets the login page (302):"
echo "  curl $tls -o /dev/null -w '%{http_code} %{redirect_url}\n' $url"
eval "curl $tls --silent --show-error -o /dev/null -w '  -> %{http_code} %{redirect_url}\n' $url" || true
echo
echo "Factor 2, the demo user's password, gives a session bound to this terminal:"
echo "  $login"
eval "$login --silent --show-error" || true
echo
echo "With both, the request reaches the backend (it echoes what it received, user included):"
echo "  $cmd"
eval "$cmd --silent --show-error" || true
echo
echo "Without a terminal certificate the handshake is refused:"
echo "  curl --cacert $(field ca_bundle) $url"
echo "Browser: import $(field device.p12) (password: $(field device.p12_password)), trust $(field ca_bundle),"
echo "open $url and sign in as $(field user.id) / $(field user.password)."
echo "Metrics: ${admin_url}metrics    JWKS: ${admin_url}_sekisho/jwks.json"
echo "Operations dashboard (authentication failures, lockouts, expiring terminals): $(field dashboard_url)"
echo
echo "Enroll another terminal: create a one-time ticket, then open the enroll_url it prints"
echo "in a browser (or use EST: .well-known/est/simpleenroll with the ticket as HTTP Basic):"
echo "  build/ctl/sekishoctl device --config $(field config) ticket create --facility demo-clinic --name terminal-02"
echo "Enrollment page: $(field enroll_url)"
echo "Press Ctrl-C to stop."
wait
