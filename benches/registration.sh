#!/usr/bin/env bash
# Registration throughput through the full HTTP stack on SQLite: wrk with 32 concurrent
# connections POSTs complete registrations to `dira serve` (release build) on this
# machine; the load generator shares the cores. Baseline in the same run: the raw rate
# of single-row INSERT transactions into the same `incidents` table by the sqlite3 shell.
# Both are measured with SQLite's synchronous=NORMAL (dira's default) and FULL.
#
#   benches/registration.sh            # DURATION=20s CONNECTIONS=32 BASELINE_ROWS=100000 [DIRA_BIN=…]
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
BASELINE_ROWS=${BASELINE_ROWS:-100000}
PORT=${PORT:-18090}
OUT=bench-out/registration

need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk
need sqlite3 sqlite3
# DIRA_BIN compares another build (e.g. an older commit) in the same way.
if [ -z "${DIRA_BIN:-}" ]; then cargo build --release --locked --quiet; fi
DIRA=${DIRA_BIN:-target/release/dira}
rm -rf "$OUT" && mkdir -p "$OUT"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

baseline() { # $1 = NORMAL|FULL: rows/s of single-row transactions in the sqlite3 shell
  local db="$OUT/baseline-$1.db"
  "$DIRA" --database "sqlite://$db" token create --user x --role registrar --scope AMS >/dev/null
  python3 - "$BASELINE_ROWS" "$1" > "$OUT/baseline-$1.sql" <<'PY'
import sys, uuid
n, sync = int(sys.argv[1]), sys.argv[2]
print(f"PRAGMA journal_mode=WAL; PRAGMA synchronous={sync};")
for i in range(n):
    print("BEGIN; INSERT INTO incidents VALUES ("
          f"'{uuid.uuid4()}','AMS-2026-{i:07d}',NULL,'2026-11-23 10:00:00.123456','2026-11-01',NULL,'AMS',NULL,NULL,"
          "'GM0363','AANGIFTE','BALIE','HERKOMST','BELEDIGING','OPENBARE_RUIMTE','SR137C','PERSOON',0,"
          "'Uitgescholden in de tram','Melder werd in lijn 2 uitgescholden om zijn afkomst.','REGISTERED',NULL,NULL,"
          "NULL,NULL,NULL,NULL,1,'bench','2026-11-23 10:00:00.123456'); COMMIT;")
PY
  local start end
  start=$(date +%s.%N)
  sqlite3 "$db" < "$OUT/baseline-$1.sql" >/dev/null
  end=$(date +%s.%N)
  python3 -c "print(round($BASELINE_ROWS / ($end - $start)))"
}

dira_run() { # $1 = NORMAL|FULL: wrk against dira serve
  local db="$OUT/dira-$1.db"
  local token
  token=$(DIRA_LOG=warn "$DIRA" --database "sqlite://$db" token create --user bench --role registrar --scope AMS)
  DIRA_SQLITE_SYNCHRONOUS=$1 DIRA_LOG=warn "$DIRA" --database "sqlite://$db" serve --bind "127.0.0.1:$PORT" &
  local pid=$!
  until curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; do sleep 0.1; done
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s benches/register.lua \
    "http://127.0.0.1:$PORT/api/v1/incidents" -- "$token" > "$OUT/wrk-$1.txt"
  kill -TERM "$pid"; wait "$pid"
  local created stored
  created=$(sed -n 's/^created=\([0-9]*\).*/\1/p' "$OUT/wrk-$1.txt")
  stored=$(sqlite3 "$OUT/dira-$1.db" "SELECT count(*) FROM incidents")
  local rps p50 p99 other
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk-$1.txt")
  other=$(sed -n 's/.*other=\([0-9]*\).*/\1/p' "$OUT/wrk-$1.txt")
  p50=$(sed -n 's/^p50_ms=\([0-9.]*\).*/\1/p' "$OUT/wrk-$1.txt")
  p99=$(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' "$OUT/wrk-$1.txt")
  echo "$rps $p50 $p99 $created $stored $other"
}

printf "%-8s %12s %10s %10s %12s %12s %14s %8s\n" sync "dira req/s" "p50 ms" "p99 ms" "201s" "stored" "sqlite rows/s" ratio
for mode in NORMAL FULL; do
  read -r rps p50 p99 created stored other < <(dira_run "$mode")
  base=$(baseline "$mode")
  [ "$other" = 0 ] || echo "WARNING: $other answers were not 201" >&2
  [ "$stored" -ge "$created" ] || echo "LOST: $created acknowledged but only $stored stored" >&2
  ratio=$(python3 -c "print(f'{$rps / $base:.2f}')")
  printf "%-8s %12s %10s %10s %12s %12s %14s %8s\n" "$mode" "$rps" "$p50" "$p99" "$created" "$stored" "$base" "$ratio"
done
