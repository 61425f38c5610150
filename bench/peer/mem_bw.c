/* Memory-side probe for the host check (docs/benchmarks.md#host-check): the bandwidth of a triad a[i] = b[i] + s*c[i]
 * on each thread's own three arrays, at two sizes, the median of timed passes:
 *   "cache":  3 x 2 MiB per thread, past the core's L2 and inside a shared L3, what the training step's activations
 *             and panels mostly live in;
 *   "memory": 3 x 32 MiB per thread, past any L3 here: DRAM.
 * Other tenants of a shared host can take the L3 and the memory bus while leaving the FMA units alone, so the
 * register-only fma_peak.c does not see them; this does.
 *   gcc -O3 -march=native -fopenmp bench/peer/mem_bw.c -o /tmp/mem_bw && OMP_NUM_THREADS=2 /tmp/mem_bw
 * Prints "cache total GB/s X" and "memory total GB/s Y" (bytes read and written by the triad, 12 per element, summed
 * over the threads). A measuring tool only: nothing in dcec4j is native code. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <omp.h>

static double now(void) {
  struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *x, const void *y) {
  double a = *(const double *) x, b = *(const double *) y;
  return a < b ? -1 : a > b;
}

/* GB/s of this thread's triad over n floats per array: the median of `passes` timed passes, each `reps` triads */
static double triad(long n, int reps, int passes) {
  float *a = aligned_alloc(64, n * sizeof(float)), *b = aligned_alloc(64, n * sizeof(float)),
        *c = aligned_alloc(64, n * sizeof(float));
  for (long i = 0; i < n; i++) { a[i] = 0; b[i] = 1; c[i] = 2; }
  double gbs[32];
  for (int p = -1; p < passes; p++) {          /* pass -1 warms up, untimed */
    #pragma omp barrier
    double t0 = now();
    for (int r = 0; r < reps; r++) {
      const float s = 0.5f + r * 1e-7f;
      for (long i = 0; i < n; i++) a[i] = b[i] + s * c[i];
      __asm__ volatile("" : : "r"(a) : "memory");
    }
    double t = now() - t0;
    if (p >= 0) gbs[p] = 12.0 * n * reps / t / 1e9;
  }
  if (a[n / 2] < 0) printf("x");
  free(a); free(b); free(c);
  qsort(gbs, passes, sizeof(double), cmp);
  return gbs[passes / 2];
}

int main(void) {
  const long cache = (2L << 20) / sizeof(float), memory = (32L << 20) / sizeof(float);
  double tc = 0, tm = 0;
  #pragma omp parallel reduction(+:tc, tm)
  {
    tc += triad(cache, 800, 7);
    tm += triad(memory, 32, 7);
  }
  printf("cache total GB/s %.1f\n", tc);
  printf("memory total GB/s %.1f\n", tm);
  return 0;
}
