#!/usr/bin/env bash
# The bulk paths on PostgreSQL beside SQLite, 1,000,000 synthetic incidents made by
# `dira synthetic`, each step against the backend's own floor measured in the same run:
#
# - import: `dira import` into PostgreSQL against a raw `COPY … FROM STDIN` (psql's
#   \copy) of the same file into a table of the same shape and indexes as `incidents`
#   (no validation, no history); `dira import` into SQLite for comparison;
# - Poldis: `dira report poldis` on PostgreSQL against the same report on SQLite;
# - export: `dira export` from PostgreSQL against `COPY (SELECT <the exchange
#   columns> FROM incidents ORDER BY id) TO STDOUT` written to a file by psql;
# - the HTTP import (`POST /api/v1/imports`) of 50,000 incidents through `dira serve`
#   on each backend.
#
# Needs a PostgreSQL server (default: the local one as user postgres); the run makes
# a database of its own and drops it at the end.
#
#   benches/postgres.sh                    # ROWS=1000000 YEAR=2025
#   DIRA_BIN=target/release/dira benches/postgres.sh   # skip the build
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1000000}
YEAR=${YEAR:-2025}
SERVER=${DIRA_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
BENCH_DB=dira_bench_$$
PG="$SERVER/$BENCH_DB"
OUT=bench-out/postgres
need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need psql postgresql-client
need curl curl
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
if [ -z "${DIRA_BIN:-}" ]; then cargo build --release --locked --quiet; fi
DIRA=${DIRA_BIN:-target/release/dira}
export DIRA_LOG=warn
rm -rf "$OUT" && mkdir -p "$OUT"
psql -q "$SERVER/postgres" -c "CREATE DATABASE $BENCH_DB"
trap 'psql -q "$SERVER/postgres" -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
  "$(psql -Atq "$PG" -c 'SHOW server_version') PostgreSQL, shared_buffers $(psql -Atq "$PG" -c 'SHOW shared_buffers')"

timed() { # label, command...: prints "seconds peak_kb"
  local label=$1; shift
  sync # the previous step's writes reach the disk before this step's clock starts
  /usr/bin/time -f "%e %M" -o "$OUT/$label.time" "$@" > /dev/null 2> "$OUT/$label.err" || {
    echo "$label failed:"; cat "$OUT/$label.err"; exit 1; }
  tail -1 "$OUT/$label.time"
}
rate() { python3 -c "print(round($ROWS / $1))"; }
psql_run() { psql -q -v ON_ERROR_STOP=1 "$PG" "$@"; }

"$DIRA" --database "sqlite://$OUT/gen.db" synthetic --count "$ROWS" --first-year $((YEAR - 4)) --out "$OUT/rows.csv" 2> /dev/null
header=$(head -1 "$OUT/rows.csv")

# dira's schema first (an empty `dira audit` runs the migrations), then the floor's
# table: the same columns, types, primary key, unique and other indexes as
# `incidents` (LIKE … INCLUDING ALL), defaults for the columns the file does not
# carry, `suspect_known` as boolean because the file says true/false.
"$DIRA" --database "$PG" audit > /dev/null
psql_run -c "CREATE TABLE floor (LIKE incidents INCLUDING ALL);
  ALTER TABLE floor ALTER id SET DEFAULT gen_random_uuid()::text, ALTER version SET DEFAULT 1,
    ALTER created_by SET DEFAULT 'bench', ALTER updated_at SET DEFAULT now(),
    ALTER suspect_known TYPE boolean USING suspect_known::int::boolean;"

# Empty fields of the NOT NULL columns are empty text, as dira stores them.
not_null=$(psql -Atq "$PG" -c "SELECT string_agg(column_name, ', ') FROM information_schema.columns
  WHERE table_name = 'floor' AND is_nullable = 'NO' AND column_default IS NULL AND data_type = 'text'")
read -r pimp_s pimp_kb < <(timed pg-import "$DIRA" --database "$PG" import "$OUT/rows.csv")
read -r copy_s copy_kb < <(timed pg-copy psql -q -v ON_ERROR_STOP=1 "$PG" -c "\\copy floor ($header) FROM '$OUT/rows.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL ($not_null))")
read -r simp_s simp_kb < <(timed sqlite-import "$DIRA" --database "sqlite://$OUT/dira.db" import "$OUT/rows.csv")
stored=$(psql -Atq "$PG" -c "SELECT count(*) FROM incidents")
[ "$stored" = "$ROWS" ] || { echo "stored $stored of $ROWS in PostgreSQL"; exit 1; }
psql_run -c "VACUUM ANALYZE"

read -r ppol_s ppol_kb < <(timed pg-poldis "$DIRA" --database "$PG" report poldis --year "$YEAR" --out "$OUT/pg-poldis.csv")
read -r spol_s spol_kb < <(timed sqlite-poldis "$DIRA" --database "sqlite://$OUT/dira.db" report poldis --year "$YEAR" --out "$OUT/sqlite-poldis.csv")
cmp -s "$OUT/pg-poldis.csv" "$OUT/sqlite-poldis.csv" || { echo "the Poldis reports of the two backends differ"; exit 1; }

read -r pexp_s pexp_kb < <(timed pg-export "$DIRA" --database "$PG" export --out "$OUT/pg-export.csv")
read -r cout_s cout_kb < <(timed pg-copy-out psql -q -v ON_ERROR_STOP=1 "$PG" -c "\\copy (SELECT $header FROM incidents ORDER BY id) TO '$OUT/copy-out.csv' WITH (FORMAT csv, HEADER true)")
[ "$(wc -l < "$OUT/pg-export.csv")" = "$(wc -l < "$OUT/copy-out.csv")" ] || echo "WARNING: export line count differs"

# The HTTP import (`POST /api/v1/imports`, at most 32 MiB) of HTTP_ROWS incidents of
# their own into a fresh database of each backend, through a running `dira serve`.
HTTP_ROWS=${HTTP_ROWS:-50000}
"$DIRA" --database "sqlite://$OUT/gen-http.db" synthetic --count "$HTTP_ROWS" --out "$OUT/http.csv" 2> /dev/null
http_import() { # database URL: prints seconds
  local url=$1 port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  token=$("$DIRA" --database "$url" token create --user bench --role admin --scope '*')
  "$DIRA" --database "$url" serve --bind "127.0.0.1:$port" > /dev/null 2>&1 &
  local pid=$!
  until curl -sf "http://127.0.0.1:$port/health" > /dev/null; do sleep 0.1; done
  local secs
  secs=$(curl -sf -o "$OUT/http-$pid.json" -w '%{time_total}' -H "Authorization: Bearer $token" \
    -H 'Content-Type: text/csv' --data-binary "@$OUT/http.csv" "http://127.0.0.1:$port/api/v1/imports")
  kill "$pid"; wait "$pid" 2> /dev/null || true
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert r['stored'] == r['rows'] > 0, r" \
    "$OUT/http-$pid.json" || { echo "HTTP import failed: $(cat "$OUT/http-$pid.json")" >&2; exit 1; }
  echo "$secs"
}
psql -q "$SERVER/postgres" -c "CREATE DATABASE ${BENCH_DB}_http"
trap 'psql -q "$SERVER/postgres" -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" -c "DROP DATABASE IF EXISTS ${BENCH_DB}_http WITH (FORCE)"' EXIT
phttp_s=$(http_import "$SERVER/${BENCH_DB}_http")
shttp_s=$(http_import "sqlite://$OUT/http.db")

printf "%-36s %9s %10s %8s\n" step seconds rows/s "peak MB"
line() { printf "%-36s %9s %10s %8s\n" "$1" "$2" "$(rate "$2")" "$3"; }
line "dira import, PostgreSQL" "$pimp_s" $((pimp_kb / 1024))
line "psql \\copy FROM (floor)" "$copy_s" "$((copy_kb / 1024)) (psql)"
line "dira import, SQLite" "$simp_s" $((simp_kb / 1024))
line "dira report poldis, PostgreSQL" "$ppol_s" $((ppol_kb / 1024))
line "dira report poldis, SQLite" "$spol_s" $((spol_kb / 1024))
line "dira export, PostgreSQL" "$pexp_s" $((pexp_kb / 1024))
line "psql \\copy (SELECT …) TO (floor)" "$cout_s" "$((cout_kb / 1024)) (psql)"
hline() { printf "%-36s %9s %10s %8s\n" "$1" "$2" "$(python3 -c "print(round($HTTP_ROWS / $2))")" -; }
hline "HTTP import of $HTTP_ROWS, PostgreSQL" "$phttp_s"
hline "HTTP import of $HTTP_ROWS, SQLite" "$shttp_s"
python3 - "$copy_s" "$pimp_s" "$ppol_s" "$spol_s" "$cout_s" "$pexp_s" <<'PY'
import sys
copy, imp, pp, sp, cout, exp = map(float, sys.argv[1:])
print(f"import: dira speed / COPY speed = {copy / imp:.2f} (target >= 0.6)")
print(f"Poldis: PostgreSQL time / SQLite time = {pp / sp:.2f} (target <= 1.5)")
print(f"export: dira speed / COPY TO speed = {cout / exp:.2f} (target >= 0.8)")
PY
