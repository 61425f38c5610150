#!/usr/bin/env bash
# How quiet is this host, minute by minute? Samples, for SECONDS (default 600), the triad bandwidth of the cache and of
# the memory on one thread and on all of them (mem_bw.c) and the FMA peak on all threads (fma_peak.c, the widest FMA
# the CPU runs), one sample after another (about 4 s each), then prints how far readings a minute, two, five and nine
# apart drift (bench/peer/host_watch.py). compare.sh's host check calls a run disturbed when its two bandwidth
# readings, about twelve minutes apart, differ by more than 15 %: the share of pairs past that limit here is the
# chance that a run started now is flagged for the bandwidth alone (docs/benchmarks.md#host-watch).
#   bench/peer/host_watch.sh [SECONDS]      Never run it beside another job that uses the cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_WATCH="${1-600}"
[[ "$SECONDS_TO_WATCH" =~ ^[1-9][0-9]*$ ]] || { echo "SECONDS must be a positive number, got '$SECONDS_TO_WATCH'" >&2; exit 2; }
OUT="$(mktemp -d)"
grep -q avx512f /proc/cpuinfo && FLAGS=-mavx512f || FLAGS="-mavx2 -mfma"
gcc -O3 $FLAGS -fopenmp bench/peer/fma_peak.c -o "$OUT/fma"
gcc -O3 -march=native -fopenmp bench/peer/mem_bw.c -o "$OUT/mem_bw"
ALL=$(nproc)
echo "== $(lscpu | sed -n 's/^Model name: *//p'), $ALL CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg); watching ${SECONDS_TO_WATCH} s"
end=$(( $(date +%s) + SECONDS_TO_WATCH ))
# samples.txt: epoch seconds, cache and memory GB/s on 1 thread, on all threads, FMA GFLOP/s on all threads
while [ "$(date +%s)" -lt "$end" ]; do
  one=$(OMP_NUM_THREADS=1 "$OUT/mem_bw" | awk '/GB\/s/ {printf "%s ", $NF}')
  all=$(OMP_NUM_THREADS=$ALL "$OUT/mem_bw" | awk '/GB\/s/ {printf "%s ", $NF}')
  fma=$(OMP_NUM_THREADS=$ALL "$OUT/fma" | awk '/GFLOP/ {print $NF}')
  echo "$(date +%s) $one$all$fma" >> "$OUT/samples.txt"
done
/usr/bin/python3 bench/peer/host_watch.py "$OUT/samples.txt" "$ALL"
echo "(raw samples: $OUT/samples.txt)"
