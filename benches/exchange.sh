#!/usr/bin/env bash
# Exchange CSV import and export on SQLite, 1,000,000 synthetic incidents made by
# `dira synthetic` (the product's own generator). Baseline in the same run: the
# sqlite3 shell's `.import` of the same file into a table of the same columns with
# the same indexes (no validation), and the shell writing dira's table to CSV.
#
#   benches/exchange.sh            # ROWS=1000000
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1000000}
OUT=bench-out/exchange
need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need sqlite3 sqlite3
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --locked --quiet
DIRA=target/release/dira
export DIRA_LOG=warn
rm -rf "$OUT" && mkdir -p "$OUT"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

timed() { # label, command...: prints "seconds peak_kb"
  local label=$1; shift
  sync # the previous step's writes reach the disk before this step's clock starts
  /usr/bin/time -f "%e %M" -o "$OUT/$label.time" "$@" > /dev/null 2> "$OUT/$label.err" || {
    echo "$label failed:"; cat "$OUT/$label.err"; exit 1; }
  cat "$OUT/$label.time" | tail -1
}
rate() { python3 -c "print(round($ROWS / $1))"; }

read -r gen_s gen_kb < <(timed generate "$DIRA" --database "sqlite://$OUT/gen.db" synthetic --count "$ROWS" --out "$OUT/rows.csv")
read -r imp_s imp_kb < <(timed import "$DIRA" --database "sqlite://$OUT/dira.db" import "$OUT/rows.csv")
read -r exp_s exp_kb < <(timed export "$DIRA" --database "sqlite://$OUT/dira.db" export --out "$OUT/export.csv")
stored=$(sqlite3 "$OUT/dira.db" "SELECT count(*) FROM incidents")
[ "$stored" = "$ROWS" ] || { echo "stored $stored of $ROWS"; exit 1; }
cmp -s <(tail -n +2 "$OUT/rows.csv" | wc -l) <(tail -n +2 "$OUT/export.csv" | wc -l) || echo "WARNING: export line count differs"

cols=$(head -1 "$OUT/rows.csv" | sed 's/,/ TEXT,/g')
# The rollback journal, as `dira import` uses when it has the file to itself.
sqlite3 "$OUT/base.db" "CREATE TABLE t($cols TEXT);
  CREATE UNIQUE INDEX t_number ON t(registration_number); CREATE INDEX t_at ON t(registered_at);
  CREATE INDEX t_unit ON t(unit, registered_at); CREATE INDEX t_event ON t(event_id);" > /dev/null
read -r bimp_s bimp_kb < <(timed base-import sqlite3 "$OUT/base.db" ".import --csv --skip 1 $OUT/rows.csv t")
read -r bexp_s bexp_kb < <(timed base-export sqlite3 "$OUT/dira.db" ".mode csv" ".output $OUT/base-export.csv" "SELECT * FROM incidents")

# SQLite's bulk copy: the same rows and history copied by INSERT … SELECT from dira's
# database into an empty one made by dira's migrations, under the same journal. Same
# tables, so SQLite's transfer optimisation copies stored records and index entries
# without decoding them: no parsing, no validation, no binding, no row-by-row insert.
"$DIRA" --database "sqlite://$OUT/floor.db" audit > /dev/null
sync
start=$(date +%s.%N)
sqlite3 "$OUT/floor.db" "PRAGMA journal_mode=DELETE; PRAGMA cache_size=-262144; ATTACH '$OUT/dira.db' AS src; BEGIN;
  INSERT INTO incidents SELECT * FROM src.incidents;
  INSERT INTO incident_history (incident_id, version, at, user_name, action, changes)
    SELECT incident_id, version, at, user_name, action, changes FROM src.incident_history;
  COMMIT; PRAGMA journal_mode=WAL;" > /dev/null
floor_s=$(python3 -c "print(f'{$(date +%s.%N) - $start:.2f}')")

size=$(du -m "$OUT/rows.csv" | cut -f1)
printf "%-28s %10s %12s %12s\n" step seconds rows/s "peak MB"
printf "%-28s %10s %12s %12s\n" "dira synthetic (${size} MB)" "$gen_s" "$(rate "$gen_s")" $((gen_kb / 1024))
printf "%-28s %10s %12s %12s\n" "dira import" "$imp_s" "$(rate "$imp_s")" $((imp_kb / 1024))
printf "%-28s %10s %12s %12s\n" "sqlite3 .import (baseline)" "$bimp_s" "$(rate "$bimp_s")" $((bimp_kb / 1024))
printf "%-28s %10s %12s %12s\n" "sqlite3 INSERT…SELECT copy" "$floor_s" "$(rate "$floor_s")" -
printf "%-28s %10s %12s %12s\n" "dira export" "$exp_s" "$(rate "$exp_s")" $((exp_kb / 1024))
printf "%-28s %10s %12s %12s\n" "sqlite3 CSV out (baseline)" "$bexp_s" "$(rate "$bexp_s")" $((bexp_kb / 1024))
python3 -c "print(f'import: dira / sqlite3 shell = {$bimp_s / $imp_s:.2f}, dira / INSERT…SELECT copy = {$floor_s / $imp_s:.2f}; export: dira / sqlite3 shell = {$bexp_s / $exp_s:.2f}')"
