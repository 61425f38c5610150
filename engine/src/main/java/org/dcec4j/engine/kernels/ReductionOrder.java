package org.dcec4j.engine.kernels;

/**
 * The order in which the kernels add up their terms. Float addition is not associative, so "the same
 * sum" computed in two orders gives two results; dcec4j fixes one order per kernel, and the scalar
 * reference and the vector kernels at every species width and thread count follow it. That is what
 * makes a run reproduce bit for bit on any machine.
 *
 * <p>The rules (docs/kernels.md#reduction-order):
 * <ul>
 *   <li><b>Products</b> (convolutions, matrix products): each output element is one chain of fused
 *       multiply-adds {@code s = fma(a_l, b_l, s)} over the reduction index l in increasing order, started
 *       from the bias, from zero, or, for an accumulating product, from the output's old value. The vector
 *       kernels vectorise across independent outputs, never along l, and carry the chain across their
 *       cache blocks. Positions in a convolution's zero padding are terms with the value 0.</li>
 *   <li><b>Transposed scatter</b> (convolution backward-input, transposed convolution forward): each
 *       input pixel receives one term per kernel tap (kh, kw) that reaches it; each term is a product chain
 *       over the channels k; the terms are added in (kh, kw) order to a sum started from zero (then
 *       added to dx) or from the bias (then activated and written).</li>
 *   <li><b>Weight gradient</b> of a convolution: the reduction over l = (n, oh, ow), NP = N·OH·OW terms,
 *       is cut into {@link #weightRanges R} contiguous ranges [⌊NP·r/R⌋, ⌊NP·(r+1)/R⌋); each range is a
 *       product chain from zero; the range sums are added in order r = 0, 1, … and the total is added
 *       to dw. R depends on NP only, so the split serves parallelism without changing with the threads.</li>
 *   <li><b>Bias gradient</b> of a layer with output dy[N, K, S]: the images are cut into
 *       {@link #biasRanges R = min(8, N)} ranges as above. Within a range, for each channel k,
 *       {@link #LANES 16} partial sums take the elements s = 16·m + q of every full group of 16 of every
 *       row dy[n, k, ·] (lane q), and one tail sum takes the remaining S mod 16 elements of each row, in
 *       (n, s) order; the range's value is ((lane₀ + lane₁) + … + lane₁₅) + tail. Range values are added
 *       in order and the total is added to db. Sixteen lanes are one 512-bit, two 256-bit or four
 *       128-bit vectors, so every width computes the same 16 sums.</li>
 *   <li>Element-wise kernels (ReLU, Adam) have no reduction; their expressions are written the same
 *       way, operation by operation, in both twins.</li>
 * </ul>
 */
public final class ReductionOrder {
    private ReductionOrder() {}

    /** Partial sums of the bias gradient: one 512-bit vector of floats. */
    public static final int LANES = 16;

    /** Most ranges a reduction is cut into. */
    public static final int MAX_RANGES = 8;

    /** Fewest terms per range of the weight gradient (a shorter reduction is cut into fewer ranges). */
    public static final int MIN_RANGE_TERMS = 512;

    /** Number of ranges of a weight-gradient reduction of {@code NP} terms: ⌊NP / 512⌋, between 1 and 8. */
    public static int weightRanges(int NP) {
        return Math.max(1, Math.min(MAX_RANGES, NP / MIN_RANGE_TERMS));
    }

    /** Number of image ranges of a bias gradient over {@code N} images: min(8, N). */
    public static int biasRanges(int N) {
        return Math.min(MAX_RANGES, N);
    }

    /** First index of range r of R over {@code total} terms: ⌊total·r/R⌋ (range r ends where r + 1 starts). */
    public static int rangeStart(int total, int ranges, int r) {
        return (int) ((long) total * r / ranges);
    }
}
