/* Register-only AVX2 FMA loop: the compute ceiling of this machine (docs/benchmarks.md#machine-peak).
 * Build and run: gcc -O3 -mavx2 -mfma -fopenmp bench/peer/fma_peak.c -o /tmp/fma_peak && OMP_NUM_THREADS=2 /tmp/fma_peak
 * A measuring tool only: nothing in dcec4j is native code. Ten independent accumulators hide the FMA latency. */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>
#include <omp.h>
#define F(x) x=_mm256_fmadd_ps(x,b,c);
int main(){
  double tot=0;
  #pragma omp parallel reduction(+:tot)
  {
    __m256 a0=_mm256_set1_ps(0.1f),a1=_mm256_set1_ps(0.2f),a2=_mm256_set1_ps(0.3f),a3=_mm256_set1_ps(0.4f),a4=_mm256_set1_ps(0.5f),a5=_mm256_set1_ps(0.6f),a6=_mm256_set1_ps(0.7f),a7=_mm256_set1_ps(0.8f),a8=_mm256_set1_ps(0.9f),a9=_mm256_set1_ps(1.1f);
    __m256 b=_mm256_set1_ps(0.999999f), c=_mm256_set1_ps(1e-7f);
    struct timespec t0,t1; clock_gettime(CLOCK_MONOTONIC,&t0);
    long N=300000000;
    for(long n=0;n<N;n++){ F(a0)F(a1)F(a2)F(a3)F(a4)F(a5)F(a6)F(a7)F(a8)F(a9) __asm__ volatile("" : "+x"(a0),"+x"(a1),"+x"(a2),"+x"(a3),"+x"(a4),"+x"(a5),"+x"(a6),"+x"(a7),"+x"(a8),"+x"(a9)); }
    clock_gettime(CLOCK_MONOTONIC,&t1);
    double s=(t1.tv_sec-t0.tv_sec)+(t1.tv_nsec-t0.tv_nsec)*1e-9;
    __m256 t=_mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0,a1),_mm256_add_ps(a2,a3)),_mm256_add_ps(_mm256_add_ps(a4,a5),_mm256_add_ps(_mm256_add_ps(a6,a7),_mm256_add_ps(a8,a9))));
    float tmp[8]; _mm256_storeu_ps(tmp,t); if(tmp[0]==12345) printf("x");
    tot += N*10.0*16/s/1e9;
  }
  printf("total GFLOP/s %.1f\n", tot);
}
