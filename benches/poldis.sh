#!/usr/bin/env bash
# The Poldis report end to end from a SQLite database of 1,000,000 and 10,000,000
# synthetic incidents: `dira report poldis` (load, count with polars, write the CSV),
# against the same tables computed by SQL GROUP BY in the sqlite3 shell on the same
# file (benches/poldis.sql). The 1M rows come from `dira synthetic` + `dira import`;
# the 10M database copies them ten times with new ids, numbers and event ids (SQL),
# because importing 10M rows through validation would take most of the run.
#
#   benches/poldis.sh              # YEAR=2025
set -euo pipefail
cd "$(dirname "$0")/.."

YEAR=${YEAR:-2025}
OUT=bench-out/poldis
need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need sqlite3 sqlite3
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --locked --quiet
DIRA=target/release/dira
export DIRA_LOG=warn
rm -rf "$OUT" && mkdir -p "$OUT"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

"$DIRA" --database "sqlite://$OUT/gen.db" synthetic --count 1000000 --first-year $((YEAR - 4)) --out "$OUT/rows.csv"
"$DIRA" --database "sqlite://$OUT/1m.db" import "$OUT/rows.csv" 2>/dev/null
# Everything into the main file before copying it (a copy without its WAL could miss
# committed rows).
sqlite3 "$OUT/1m.db" "PRAGMA wal_checkpoint(TRUNCATE);" > /dev/null
cp "$OUT/1m.db" "$OUT/10m.db"
sqlite3 "$OUT/10m.db" "PRAGMA journal_mode=WAL; PRAGMA cache_size=-262144;
  WITH k(n) AS (VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9))
  INSERT INTO incidents SELECT id || '-' || n, registration_number || '-' || n, source_reference, registered_at,
    occurred_from, occurred_to, unit, district, basic_team, municipality, registration_type, channel, grounds,
    manifestations, domain, articles, victim_kind, suspect_known, summary, narrative, status, rejection_reason,
    screened_at, prosecution_status, forwarded_on, prosecution_updated_on, event_id || '-' || n, version, created_by,
    updated_at FROM incidents, k;" > /dev/null

printf "%-10s %14s %12s %18s %8s\n" rows "dira seconds" "dira MB" "sqlite3 seconds" "ratio"
for size in 1m 10m; do
  db="$OUT/$size.db"
  rows=$(sqlite3 "$db" "SELECT count(*) FROM incidents")
  sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" > /dev/null
  /usr/bin/time -f "%e %M" -o "$OUT/$size.time" "$DIRA" --database "sqlite://$db" report poldis --year "$YEAR" --out "$OUT/$size.csv"
  read -r secs kb < "$OUT/$size.time"
  start=$(date +%s.%N)
  sqlite3 -cmd ".parameter set :Y $YEAR" "$db" < benches/poldis.sql
  end=$(date +%s.%N)
  base=$(python3 -c "print(f'{$end - $start:.2f}')")
  ratio=$(python3 -c "print(f'{$base / $secs:.2f}')")
  printf "%-10s %14s %12s %18s %8s\n" "$rows" "$secs" $((kb / 1024)) "$base" "$ratio"
done
echo "(ratio = sqlite3 seconds / dira seconds; incidents of $YEAR: $(grep '^summary,incidents' "$OUT/1m.csv" | cut -d, -f4) in 1M)"
