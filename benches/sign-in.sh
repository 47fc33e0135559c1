#!/usr/bin/env bash
# Signing in and using a session, through the full HTTP stack (release build, SQLite):
#   - a password sign-in (Argon2id check, throttling counts, new session, audit entry),
#   - a page request with a session (session lookup, page, last request + audit entry),
#   - an API request with a bearer token (token lookup, answer, last use + audit entry),
# each as the median and 99th percentile of N sequential requests on one keep-alive
# connection. Baseline in the same run: GET /health (no credential, no audit entry).
# Peak memory: the server's VmHWM at the end.
#
#   benches/sign-in.sh            # N=300 [DIRA_BIN=…]
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-300}
PORT=${PORT:-18095}
OUT=bench-out/sign-in
if [ -z "${DIRA_BIN:-}" ]; then cargo build --release --locked --quiet; fi
DIRA=${DIRA_BIN:-target/release/dira}
rm -rf "$OUT" && mkdir -p "$OUT"
DB="sqlite://$OUT/dira.db"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

printf 'een-wachtwoord-voor-de-bench\n' | "$DIRA" --database "$DB" user create --user balie --role registrar --scope AMS 2>/dev/null
TOKEN=$("$DIRA" --database "$DB" token create --user koppeling --role registrar --scope AMS)
DIRA_LOG=warn "$DIRA" --database "$DB" serve --bind "127.0.0.1:$PORT" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; do sleep 0.1; done

python3 - "$PORT" "$N" "$TOKEN" <<'PY'
import http.client, statistics, sys, time, urllib.parse
port, n, token = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
conn = http.client.HTTPConnection("127.0.0.1", port)

def timed(method, path, body=None, headers=None):
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    response.read()
    return (time.perf_counter() - start) * 1000, response

def run(name, make):
    times, status = [], set()
    for _ in range(n):
        ms, response = make()
        times.append(ms)
        status.add(response.status)
    times.sort()
    return name, statistics.median(times), times[int(len(times) * 0.99) - 1], status

form = urllib.parse.urlencode({"user": "balie", "password": "een-wachtwoord-voor-de-bench"})
headers = {"Content-Type": "application/x-www-form-urlencoded"}
_, first = timed("POST", "/inloggen", form, headers)
cookie = first.getheader("Set-Cookie").split(";")[0]
rows = [
    run("GET /health (baseline)", lambda: timed("GET", "/health")),
    run("POST /inloggen (password)", lambda: timed("POST", "/inloggen", form, headers)),
    run("GET /registreren (session)", lambda: timed("GET", "/registreren", headers={"Cookie": cookie})),
    run("GET /api/v1/codes (token)", lambda: timed("GET", "/api/v1/codes", headers={"Authorization": f"Bearer {token}"})),
]
base = rows[0][1]
print(f"{'request':30} {'p50 ms':>8} {'p99 ms':>8} {'p50 ÷ baseline':>15}  status")
for name, p50, p99, status in rows:
    print(f"{name:30} {p50:8.2f} {p99:8.2f} {p50 / base:15.1f}  {sorted(status)}")
PY
echo "server peak memory (VmHWM): $(grep VmHWM /proc/$SERVER/status | awk '{print $2, $3}')"
