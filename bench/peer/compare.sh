#!/usr/bin/env bash
# Peer comparison of the CAE training step (batch 256): dcec4j (JMH TrainStepBenchmark) against PyTorch (Debian's
# python3-torch), in alternating rounds of one session, with the host's FMA peak measured in the same run.
#   bench/peer/compare.sh [--layers] [rounds=2] [threads="1 2"] [sizes="28 16"]    (--layers may stand anywhere)
# PyTorch runs twice per round: "tuned" (the fair set-up, quoted in docs/benchmarks.md: OPENBLAS_CORETYPE unset
# unless OpenBLAS does not know the CPU, see below, one BLAS/OpenMP thread beside torch's own threads, glibc malloc
# told to keep memory) and "default" (as installed, with none of those variables even if the caller exported them; its large tensors go back to the OS on every free, the BLAS pool
# may oversubscribe the cores, and OpenBLAS picks its kernels by itself); above one thread a third time, "tunedblas":
# tuned but with the BLAS at torch's thread count and OpenMP's idle threads sleeping (OMP_WAIT_POLICY=PASSIVE), since
# Debian's PyTorch runs its transposed convolutions as BLAS products, which one BLAS thread keeps on one core. The
# ratio is quoted to the faster of the two tuned set-ups.
# Both sides are timed step by step and a round is the median of its steps: PyTorch's repetitions, and every step JMH
# times in sample mode (-bm sample; a round's mean, stalls of the host included, is printed beside the table).
# Needs bench/target/benchmarks.jar (mvn -B -pl bench -am package -DskipTests), gcc, and
# apt-get install -y python3-torch libopenblas0-pthread. Never run it while another job uses the cores.
# It ends with a host check: a run whose FMA peak or cache/memory bandwidth drifts between its start and end, or whose
# JMH iterations or rounds spread, is marked DISTURBED and is not quoted (bench/peer/summarize.py, docs/benchmarks.md#host-check).
# Before the check the summary states each performance target against the run, met only when every round meets it
# (docs/benchmarks.md#targets-in-the-summary).
set -euo pipefail
cd "$(dirname "$0")/../.."
LAYERS=""; ARGS=()
for a in "$@"; do
  case "$a" in
    --layers) LAYERS=1 ;;
    -*) echo "unknown option $a (usage: compare.sh [--layers] [rounds] [threads] [sizes])" >&2; exit 2 ;;
    *) ARGS+=("$a") ;;
  esac
done
# "-", not ":-": an argument given empty (compare.sh 2 "" 28, a variable that was not set) is refused below, not
# taken for the default list, which ran both thread counts when the caller had asked for something else
ROUNDS="${ARGS[0]-2}"; THREADS="${ARGS[1]-1 2}"; SIZES="${ARGS[2]-28 16}"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "rounds must be a positive number, got '$ROUNDS'" >&2; exit 2; }
# a list left unquoted (compare.sh 2 1 2 28) spreads over the next arguments: threads 1, sizes 2, and the 28 was
# dropped without a word; a comma (threads 1,2) is a list to JMH's -p but not to torch_bench.py
[ "${#ARGS[@]}" -le 3 ] || { echo "at most three arguments: rounds, threads, sizes (quote a list: \"1 2\"), got ${#ARGS[@]}: ${ARGS[*]}" >&2; exit 2; }
[ -n "${THREADS//[[:space:]]/}" ] && [ -n "${SIZES//[[:space:]]/}" ] \
  || { echo "threads and sizes must name at least one number each, got '$THREADS' and '$SIZES'" >&2; exit 2; }
for v in $THREADS $SIZES; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "threads and sizes are positive numbers separated by spaces, got '$THREADS' and '$SIZES'" >&2; exit 2; }
done
JAR=bench/target/benchmarks.jar
PY=/usr/bin/python3
[ -f "$JAR" ] || { echo "missing $JAR: run mvn -B -pl bench -am package -DskipTests" >&2; exit 1; }
$PY -c 'import torch' 2>/dev/null || { echo "PyTorch missing: apt-get install -y python3-torch libopenblas0-pthread" >&2; exit 1; }
OUT="$(mktemp -d)"
echo "== $(lscpu | sed -n 's/^Model name: *//p') (family $(lscpu | sed -n 's/^CPU family: *//p'), model $(lscpu | sed -n 's/^Model: *//p')), $(nproc) CPUs"
echo "== $(java -version 2>&1 | head -1); torch $($PY -c 'import torch; print(torch.__version__)'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# || true: with no libblas.so.3 there (another layout, a pip torch) readlink fails, and under pipefail and -e the
# assignment ended the script silently, before the "not found" and the warning below could say so
BLAS="$(readlink -f /usr/lib/*/libblas.so.3 2>/dev/null | head -1 || true)"
echo "== BLAS behind PyTorch: ${BLAS:-not found}"
case "$BLAS" in
  *openblas*|*mkl*|*blis*) ;;
  *) echo "warning: PyTorch runs on the reference BLAS here; its transposed convs will be far slower than usual" \
          "(apt-get install -y libopenblas0-pthread)" >&2 ;;
esac

# OpenBLAS chooses its kernels from the CPU's family and model. A CPU newer than the library falls back to the
# generic Prescott (SSE3) kernels: Debian 12's OpenBLAS 0.3.21 does that on Intel's Emerald Rapids (family 6,
# model 207), where a 1-thread 1024x1024 matmul then runs at 32 GFLOP/s instead of 146 and PyTorch's transposed
# convolutions 2.4x slower (docs/benchmarks.md#openblas-core). On such a fallback the tuned peer names the newest
# core the CPU runs: SkylakeX with AVX-512, Haswell with AVX2. A fallback is a core whose kernels use no AVX2 (the
# pre-Haswell names below, in OpenBLAS's spelling) chosen on a CPU that has AVX2; a core with AVX2 kernels (Haswell,
# Zen, SkylakeX, ...) is OpenBLAS's own fair choice and is left alone, even on a CPU with AVX-512 (as on Zen 4).
CORE="$(env -u OPENBLAS_CORETYPE OPENBLAS_VERBOSE=2 $PY -c 'import torch' 2>&1 | sed -n 's/^Core: *//p' | head -1)"
CORETYPE=(-u OPENBLAS_CORETYPE)
case "$CORE" in
  Prescott|Katmai|Coppermine|Northwood|Banias|Core2|Penryn|Dunnington|Nehalem|Atom|Sandybridge|\
  Athlon|Opteron*|Barcelona|Bobcat|"")
    if grep -q avx512f /proc/cpuinfo; then CORETYPE=(OPENBLAS_CORETYPE=SkylakeX)
    elif grep -q avx2 /proc/cpuinfo; then CORETYPE=(OPENBLAS_CORETYPE=Haswell); fi ;;
esac
echo "== OpenBLAS's own choice of kernels: ${CORE:-not reported}; tuned peer: ${CORETYPE[*]}"

# the FMA peak, AVX2 and (where the CPU has it) AVX-512, 1 thread and all threads: peak.txt lines "bits threads GFLOP/s";
# and the triad bandwidth of the cache and of the memory (what other tenants can take without touching the FMA units):
# bandwidth.txt lines "level threads GB/s"
peak() {
  gcc -O3 -mavx2 -mfma -fopenmp bench/peer/fma_peak.c -o "$OUT/fma256"
  grep -q avx512f /proc/cpuinfo && gcc -O3 -mavx512f -fopenmp bench/peer/fma_peak.c -o "$OUT/fma512"
  gcc -O3 -march=native -fopenmp bench/peer/mem_bw.c -o "$OUT/mem_bw"
  for t in $(echo "$THREADS" | tr ' ' '\n' | sort -u); do
    for b in 256 512; do
      [ -x "$OUT/fma$b" ] || continue
      g=$(OMP_NUM_THREADS=$t "$OUT/fma$b" | awk '/GFLOP/ {print $NF}')
      echo "$b $t $g" >> "$OUT/peak.txt"
    done
    OMP_NUM_THREADS=$t "$OUT/mem_bw" | awk -v t="$t" '/GB\/s/ {print $1, t, $NF}' >> "$OUT/bandwidth.txt"
  done
}
peak

# the tuned set-up names every variable it depends on; OMP_WAIT_POLICY is unset so that a caller's export (the
# "tunedblas" set-up's PASSIVE, say) does not change it
TUNED=(env -u OMP_WAIT_POLICY "${CORETYPE[@]}" OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
       MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=268435456)
# the default set-up is PyTorch's own: none of the settings above, whatever the caller's shell exported
DEFAULT=(env -u OMP_NUM_THREADS -u MKL_NUM_THREADS -u OPENBLAS_NUM_THREADS -u OPENBLAS_CORETYPE -u OMP_WAIT_POLICY
         -u MALLOC_MMAP_THRESHOLD_ -u MALLOC_TRIM_THRESHOLD_ -u MALLOC_TOP_PAD_)
for r in $(seq 1 "$ROUNDS"); do
  for s in $SIZES; do
    for t in $THREADS; do
      # -foe true: without it a benchmark that throws (a set-up that refuses to time a wrong kernel, say) exits 0
      # with an empty JSON, and its row was silently missing from the summary while the peer's rounds ran on
      java -jar "$JAR" 'TrainStepBenchmark.step' -p size="$s" -p batch=256 -p impl=vector -p threads="$t" \
        -bm sample -tu ms -f 1 -wi 3 -w 2s -i 5 -r 2s -foe true -rf json -rff "$OUT/jmh-$r-$s-$t.json" > "$OUT/jmh-$r-$s-$t.log" \
        || { echo "dcec4j's TrainStepBenchmark failed at size $s, $t thread(s): see $OUT/jmh-$r-$s-$t.log" >&2; exit 1; }
      "${TUNED[@]}" $PY bench/peer/torch_bench.py --threads "$t" --size "$s" --step-only --json "$OUT/torch-tuned-$r-$s-$t.json" > /dev/null
      if [ "$t" -gt 1 ]; then
        "${TUNED[@]}" OPENBLAS_NUM_THREADS="$t" OMP_WAIT_POLICY=PASSIVE $PY bench/peer/torch_bench.py --threads "$t" --size "$s" \
          --step-only --json "$OUT/torch-tunedblas-$r-$s-$t.json" > /dev/null
      fi
      "${DEFAULT[@]}" $PY bench/peer/torch_bench.py --threads "$t" --size "$s" --step-only --json "$OUT/torch-default-$r-$s-$t.json" > /dev/null
    done
  done
done
if [ -n "$LAYERS" ]; then
  # per-layer table (forward + backward of each conv layer), one round, tuned PyTorch
  for t in $THREADS; do
    java -jar "$JAR" 'ConvBenchmark.pass' -p pass=all -p size=28 -p batch=256 -p impl=vector -p threads="$t" \
      -bm sample -tu ms -f 1 -wi 2 -w 1s -i 5 -r 1s -foe true -rf json -rff "$OUT/layers-$t.json" > "$OUT/layers-$t.log" \
      || { echo "dcec4j's ConvBenchmark failed at $t thread(s): see $OUT/layers-$t.log" >&2; exit 1; }
    "${TUNED[@]}" $PY bench/peer/torch_bench.py --threads "$t" --size 28 --jmh "$OUT/layers-$t.json"
  done
fi
peak   # again at the end, after the layer table too: the two measurements bracket everything the host check passes
$PY bench/peer/summarize.py "$OUT"
echo "(load after: $(cut -d' ' -f1-3 /proc/loadavg); raw results: $OUT)"
