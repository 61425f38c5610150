#!/usr/bin/env bash
# Peer comparison: the same DCEC layers and the whole CAE training step in dcec4j (JMH) and in
# PyTorch (Debian's python3-torch), in one session, printed as one table with the ratio.
#   bench/peer/compare.sh [threads=2] [size=28]
# Needs bench/target/benchmarks.jar (mvn -B -pl bench -am package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS="${1:-2}"
SIZE="${2:-28}"
JAR=bench/target/benchmarks.jar
[ -f "$JAR" ] || { echo "missing $JAR: run mvn -B -pl bench -am package -DskipTests" >&2; exit 1; }
OUT="$(mktemp -d)"
echo "== $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; $(java -version 2>&1 | head -1); load: $(cut -d' ' -f1-3 /proc/loadavg)"
# Debian's torch takes its BLAS (used by transposed conv, not by oneDNN's conv2d) from the libblas.so.3
# alternative. The Netlib reference BLAS that python3-torch pulls in makes the deconv rows ~7x slower:
# compare against OpenBLAS (apt-get install -y libopenblas0-pthread).
BLAS="$(readlink -f /usr/lib/*/libblas.so.3 2>/dev/null | head -1)"
echo "== BLAS behind PyTorch: ${BLAS:-not found}"
case "$BLAS" in
  *openblas*|*mkl*|*blis*) ;;
  *) echo "warning: PyTorch runs on the reference BLAS here; its transposed convs will be far slower than usual" \
          "(apt-get install -y libopenblas0-pthread)" >&2 ;;
esac

# dcec4j: every layer forward+backward and the training step, vector kernels, THREADS threads
java -jar "$JAR" 'ConvBenchmark.pass|TrainStepBenchmark.step' \
  -p pass=all -p size="$SIZE" -p batch=256 -p impl=vector -p threads="$THREADS" \
  -f 1 -wi 2 -w 1s -i 5 -r 1s -rf json -rff "$OUT/jmh.json" > "$OUT/jmh.log"

# PyTorch: torch threads explicit, BLAS/OpenMP pools pinned to 1 (the default oversubscribes the cores)
OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
  /usr/bin/python3 bench/peer/torch_bench.py --threads "$THREADS" --size "$SIZE" --jmh "$OUT/jmh.json"
echo "(torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'); JMH log: $OUT/jmh.log)"
