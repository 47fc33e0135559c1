#!/usr/bin/env bash
# Candidate scan throughput: `dira candidates scan` over 1,000,000 synthetic general
# incidents (`dira synthetic --general`), default term list, into a fresh SQLite
# database. Reported: MB of narrative text per second of the whole scan (CSV parsing,
# matching and storing the matches included). Baseline in the same run: GNU grep with
# the same terms as fixed strings, case-insensitive, whole words, over the same file.
#
#   benches/candidates.sh            # ROWS=1000000 RUNS=3
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1000000}
RUNS=${RUNS:-3}
OUT=bench-out/candidates
cargo build --release --locked --quiet
DIRA=target/release/dira
export DIRA_LOG=warn
rm -rf "$OUT" && mkdir -p "$OUT"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

"$DIRA" --database "sqlite://$OUT/gen.db" synthetic --general --count "$ROWS" --out "$OUT/general.csv"
echo "input: $ROWS general incidents, $(du -m "$OUT/general.csv" | cut -f1) MB of CSV"

for run in $(seq 1 "$RUNS"); do
  rm -f "$OUT"/scan.db*
  "$DIRA" --database "sqlite://$OUT/scan.db" candidates scan "$OUT/general.csv" 2> "$OUT/scan-$run.err" > "$OUT/matches.csv"
  echo "dira run $run: $(tail -1 "$OUT/scan-$run.err")"
done

# grep cannot do prefixes and whole words at once: prefix terms are given without
# their *, which makes grep's job (plain words) a little easier than dira's.
grep -v '^#' fixtures/candidate-terms.txt | sed 's/\*$//' | grep -v '^$' > "$OUT/grep-terms.txt"
bytes=$(python3 - "$OUT/general.csv" <<'PY'
import csv, sys
print(sum(len(r["narrative"].encode()) for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))))
PY
)
start=$(date +%s.%N)
grep -c -i -w -F -f "$OUT/grep-terms.txt" "$OUT/general.csv" > "$OUT/grep-count.txt" || true
end=$(date +%s.%N)
python3 -c "print(f'grep -iwF baseline: {$bytes/1e6:.1f} MB of narrative (whole file read) in {$end-$start:.2f} s, {$bytes/1e6/($end-$start):.0f} MB/s, {open(\"$OUT/grep-count.txt\").read().strip()} lines matched')"
