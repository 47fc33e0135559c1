#!/usr/bin/env bash
# The regional monitor and the ODIHR report from a SQLite database of 1,000,000
# synthetic incidents (`dira synthetic` + `dira import`) with ADV figures for every
# municipality and year (made here), against the national Poldis report on the same
# file in the same run: the monitor reads every unit's rows (events are chosen
# nationally), so its cost is the Poldis load plus its own counting.
#
#   benches/monitor.sh              # YEAR=2025 UNIT=AMS
#   DIRA_BIN=target/release/dira benches/monitor.sh   # skip the build
set -euo pipefail
cd "$(dirname "$0")/.."

YEAR=${YEAR:-2025}
UNIT=${UNIT:-AMS}
OUT=bench-out/monitor
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
if [ -z "${DIRA_BIN:-}" ]; then cargo build --release --locked --quiet; fi
DIRA=${DIRA_BIN:-target/release/dira}
export DIRA_LOG=warn
rm -rf "$OUT" && mkdir -p "$OUT"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

DB="sqlite://$OUT/1m.db"
"$DIRA" --database "sqlite://$OUT/gen.db" synthetic --count 1000000 --first-year $((YEAR - 4)) --out "$OUT/rows.csv"
"$DIRA" --database "$DB" import "$OUT/rows.csv" 2>/dev/null
python3 - "$OUT/adv.csv" "$YEAR" <<'PY'
import csv, random, sys
out, year = sys.argv[1], int(sys.argv[2])
random.seed(7)
munis = [r["code"] for r in csv.DictReader(open("fixtures/municipalities.csv"))]
codes = {}
for r in csv.DictReader(open("fixtures/monitor-codes.csv")):
    codes.setdefault(r["list"], []).append(r["code"])
with open(out, "w") as f:
    f.write("year,municipality,category,code,reports\n")
    for y in range(year - 4, year + 1):
        for m in munis:
            total = random.randint(20, 400)
            f.write(f"{y},{m},total,,{total}\n")
            for cat, lst in (("ground", "adv_ground"), ("domain", "adv_domain"), ("manner", "adv_manner")):
                for c in codes[lst]:
                    f.write(f"{y},{m},{cat},{c},{random.randint(0, total // 4)}\n")
PY
"$DIRA" --database "$DB" adv import "$OUT/adv.csv" 2>/dev/null

run() { # name, then the command's arguments
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$OUT/$name.time" "$DIRA" --database "$DB" "$@" > /dev/null
  read -r secs kb < "$OUT/$name.time"
  echo "$name $secs $((kb / 1024))"
}
printf "%-22s %10s %10s %8s\n" report seconds "peak MB" ratio
base=""
while read -r name secs mb; do
  [ -z "$base" ] && base=$secs
  ratio=$(python3 -c "print(f'{$secs / $base:.2f}')")
  printf "%-22s %10s %10s %8s\n" "$name" "$secs" "$mb" "$ratio"
done < <(
  run poldis-national report poldis --year "$YEAR" --out "$OUT/poldis.csv"
  run "monitor-$UNIT" report monitor --unit "$UNIT" --year "$YEAR" --format json --out "$OUT/monitor.json"
  run "monitor-$UNIT-xlsx" report monitor --unit "$UNIT" --year "$YEAR" --publication --format xlsx --out "$OUT/monitor.xlsx"
  run odihr report odihr --year "$YEAR" --out "$OUT/odihr.csv"
)
echo "(ratio = seconds / the national Poldis report's seconds, same run, same file)"
