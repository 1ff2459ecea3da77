#!/usr/bin/env bash
# Instructions per call of freddy and of raw ureq doing the same work, counted by callgrind:
# each mode runs N and 2N calls against a server in another process, and (I(2N) - I(N)) / N
# is the cost of one call with start-up and the first connect cancelled out.
#
#   scripts/callgrind.sh            # N=1000
#   N=500 scripts/callgrind.sh
#
# The profiles stay in target/callgrind/ for `callgrind_annotate target/callgrind/MODE.2N.out`.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
OUT=target/callgrind
mkdir -p "$OUT"

command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
# The same optimized build `cargo bench` uses (symbols are enough for function-level profiles).
cargo build --release --example bench_calls
BIN=target/release/examples/bench_calls

coproc SERVER { exec "$BIN" serve; }
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
read -r URL <&"${SERVER[0]}"

instructions() { # mode calls
  local file="$OUT/$1.$2.out"
  valgrind --tool=callgrind --callgrind-out-file="$file" "$BIN" "$1" "$URL" "$2" 2>/dev/null
  awk '/^(summary|totals):/ { print $2; exit }' "$file"
}

declare -A per_call
for mode in raw-get freddy-get raw-create freddy-create; do
  one=$(instructions "$mode" "$N")
  two=$(instructions "$mode" $((2 * N)))
  per_call[$mode]=$(( (two - one) / N ))
  printf '%-14s %12d instructions per call\n' "$mode" "${per_call[$mode]}"
done
awk -v f="${per_call[freddy-get]}" -v r="${per_call[raw-get]}" \
  'BEGIN { printf "authenticated_get / raw ureq GET: %.3f\n", f / r }'
awk -v f="${per_call[freddy-create]}" -v r="${per_call[raw-create]}" \
  'BEGIN { printf "responses().create / raw ureq POST: %.3f\n", f / r }'
