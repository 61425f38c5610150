/* Register-only FMA loop: the compute ceiling of this machine (docs/benchmarks.md#machine-peak).
 * Build and run, AVX2 (8 lanes):     gcc -O3 -mavx2 -mfma -fopenmp bench/peer/fma_peak.c -o /tmp/fma_peak && OMP_NUM_THREADS=2 /tmp/fma_peak
 *                AVX-512 (16 lanes): gcc -O3 -mavx512f -fopenmp bench/peer/fma_peak.c -o /tmp/fma_peak512 && OMP_NUM_THREADS=2 /tmp/fma_peak512
 * A measuring tool only: nothing in dcec4j is native code. Ten independent accumulators hide the FMA latency. */
#include <immintrin.h>
#include <stdio.h>
#include <omp.h>
#ifdef __AVX512F__
typedef __m512 V;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define STORE _mm512_storeu_ps
#define REG "+v"
#else
typedef __m256 V;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
#define STORE _mm256_storeu_ps
#define REG "+x"
#endif
#define F(x) x=FMA(x,b,c);
int main(){
  const long N=300000000;
  double first=1e300, last=-1e300, rates=0; int nt=1;
  #pragma omp parallel reduction(+:rates)
  {
    V a0=SET1(0.1f),a1=SET1(0.2f),a2=SET1(0.3f),a3=SET1(0.4f),a4=SET1(0.5f),a5=SET1(0.6f),a6=SET1(0.7f),a7=SET1(0.8f),a8=SET1(0.9f),a9=SET1(1.1f);
    V b=SET1(0.999999f), c=SET1(1e-7f);
    #pragma omp single
    nt=omp_get_num_threads();
    #pragma omp barrier
    double t0=omp_get_wtime();
    for(long n=0;n<N;n++){ F(a0)F(a1)F(a2)F(a3)F(a4)F(a5)F(a6)F(a7)F(a8)F(a9) __asm__ volatile("" : REG(a0),REG(a1),REG(a2),REG(a3),REG(a4),REG(a5),REG(a6),REG(a7),REG(a8),REG(a9)); }
    double t1=omp_get_wtime();
    V t=ADD(ADD(ADD(a0,a1),ADD(a2,a3)),ADD(ADD(a4,a5),ADD(ADD(a6,a7),ADD(a8,a9))));
    float tmp[LANES]; STORE(tmp,t); if(tmp[0]==12345) printf("x");
    rates += N*10.0*2*LANES/(t1-t0)/1e9;
    #pragma omp critical
    { if(t0<first) first=t0; if(t1>last) last=t1; }
  }
  /* 10 FMAs of LANES lanes, 2 FLOP each, per step and thread. The total is every thread's FLOPs over the one interval
   * from the first thread's start to the last one's end: the sum of each thread's own rate (printed beside it) would
   * count two threads that did not overlap, one descheduled while the other ran, as two cores' worth. */
  printf("%d lanes, %d thread(s) (their own rates sum to %.1f): total GFLOP/s %.1f\n", LANES, nt, rates,
         nt*N*10.0*2*LANES/(last-first)/1e9);
}
