/* Cache-line round trip between two CPUs (docs/benchmarks.md#hosts): thread A, pinned to CPU a, writes an odd value
 * to a shared counter and waits for thread B, pinned to CPU b, to answer with the next even one; the line moves
 * between the two cores twice per round trip. Cores that share an L3 typically answer within tens of nanoseconds;
 * cores on two chiplets (or sockets), whose caches meet only past their L3s, take several times longer, and every
 * chunk a thread reads that the other wrote pays it. A measuring tool only: nothing in dcec4j is native code.
 *   gcc -O2 -pthread bench/peer/core_latency.c -o bench/target/core_latency && bench/target/core_latency 0 1 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static _Alignas(64) atomic_long counter;
static const long ROUNDS = 2000000;
static void pin(int cpu) {
  cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu, &s);
  if (pthread_setaffinity_np(pthread_self(), sizeof s, &s) != 0) { fprintf(stderr, "cannot pin to CPU %d\n", cpu); exit(1); }
}
static void *answer(void *arg) {
  pin(*(int *)arg);
  for (long i = 0; i < ROUNDS; i++) {
    while (atomic_load_explicit(&counter, memory_order_acquire) != 2 * i + 1) ;
    atomic_store_explicit(&counter, 2 * i + 2, memory_order_release);
  }
  return NULL;
}
int main(int argc, char **argv) {
  int a = argc > 1 ? atoi(argv[1]) : 0, b = argc > 2 ? atoi(argv[2]) : 1;
  pthread_t t; pthread_create(&t, NULL, answer, &b); pin(a);
  struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < ROUNDS; i++) {
    atomic_store_explicit(&counter, 2 * i + 1, memory_order_release);
    while (atomic_load_explicit(&counter, memory_order_acquire) != 2 * i + 2) ;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1); pthread_join(t, NULL);
  double ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / ROUNDS;
  printf("CPU %d <-> CPU %d: round trip %.1f ns, one way %.1f ns\n", a, b, ns, ns / 2);
  return 0;
}
