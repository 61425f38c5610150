/* Register-only FMA loop: the compute ceiling of this machine (docs/benchmarks.md#machine-peak).
 * Build and run, AVX2 (8 lanes):     gcc -O3 -mavx2 -mfma -fopenmp bench/peer/fma_peak.c -o /tmp/fma_peak && OMP_NUM_THREADS=2 /tmp/fma_peak
 *                AVX-512 (16 lanes): gcc -O3 -mavx512f -fopenmp bench/peer/fma_peak.c -o /tmp/fma_peak512 && OMP_NUM_THREADS=2 /tmp/fma_peak512
 * A measuring tool only: nothing in dcec4j is native code. Ten independent accumulators hide the FMA latency. */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>
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
  double tot=0;
  #pragma omp parallel reduction(+:tot)
  {
    V a0=SET1(0.1f),a1=SET1(0.2f),a2=SET1(0.3f),a3=SET1(0.4f),a4=SET1(0.5f),a5=SET1(0.6f),a6=SET1(0.7f),a7=SET1(0.8f),a8=SET1(0.9f),a9=SET1(1.1f);
    V b=SET1(0.999999f), c=SET1(1e-7f);
    struct timespec t0,t1; clock_gettime(CLOCK_MONOTONIC,&t0);
    long N=300000000;
    for(long n=0;n<N;n++){ F(a0)F(a1)F(a2)F(a3)F(a4)F(a5)F(a6)F(a7)F(a8)F(a9) __asm__ volatile("" : REG(a0),REG(a1),REG(a2),REG(a3),REG(a4),REG(a5),REG(a6),REG(a7),REG(a8),REG(a9)); }
    clock_gettime(CLOCK_MONOTONIC,&t1);
    double s=(t1.tv_sec-t0.tv_sec)+(t1.tv_nsec-t0.tv_nsec)*1e-9;
    V t=ADD(ADD(ADD(a0,a1),ADD(a2,a3)),ADD(ADD(a4,a5),ADD(ADD(a6,a7),ADD(a8,a9))));
    float tmp[LANES]; STORE(tmp,t); if(tmp[0]==12345) printf("x");
    tot += N*10.0*2*LANES/s/1e9;   /* 10 FMAs of LANES lanes, 2 FLOP each */
  }
  printf("%d lanes: total GFLOP/s %.1f\n", LANES, tot);
}
