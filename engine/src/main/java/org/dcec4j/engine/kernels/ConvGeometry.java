package org.dcec4j.engine.kernels;

import java.util.Arrays;

/**
 * The shape of one 2-D convolution, shared by conv2d and conv_transpose2d.
 *
 * <p>Notation (docs/math/notation.md): input x[N,C,H,W], weight w[K,C,KH,KW], output y[N,K,OH,OW],
 * stride SH/SW, explicit per-side zero padding PT (top), PB (bottom), PL (left), PR (right):
 * <pre>
 *   OH = (H + PT + PB − KH) / SH + 1        OW = (W + PL + PR − KW) / SW + 1
 *   y[n,k,oh,ow] = Σ_c Σ_kh Σ_kw w[k,c,kh,kw] · x[n,c, oh·SH + kh − PT, ow·SW + kw − PL]
 * </pre>
 * (out-of-range input positions read as zero; rows/columns that no window reaches are ignored,
 * exactly like PyTorch and TensorFlow). A transposed convolution with per-side cropping
 * (CT, CB, CL, CR) is the adjoint of the convolution that has padding (CT, CB, CL, CR): its input is
 * this geometry's output side and its output is this geometry's input side.
 *
 * <p>Math: docs/math/conv2d.md#geometry
 */
public final class ConvGeometry {
    public final int N, C, H, W;      // input
    public final int K, KH, KW;       // filters
    public final int SH, SW;          // stride
    public final int PT, PB, PL, PR;  // zero padding per side
    public final int OH, OW;          // output

    public ConvGeometry(int N, int C, int H, int W, int K, int KH, int KW, int SH, int SW,
                        int PT, int PB, int PL, int PR) {
        if (N < 1 || C < 1 || H < 1 || W < 1 || K < 1 || KH < 1 || KW < 1 || SH < 1 || SW < 1)
            throw new IllegalArgumentException("conv geometry sizes must be positive: " + describe(N, C, H, W, K, KH, KW, SH, SW, PT, PB, PL, PR));
        if (PT < 0 || PB < 0 || PL < 0 || PR < 0)
            throw new IllegalArgumentException("conv padding must be >= 0 (use a crop on the transposed side): " + describe(N, C, H, W, K, KH, KW, SH, SW, PT, PB, PL, PR));
        if ((long) H + PT + PB > Integer.MAX_VALUE || (long) W + PL + PR > Integer.MAX_VALUE)
            throw new IllegalArgumentException("conv padded input larger than 2^31 - 1: " + describe(N, C, H, W, K, KH, KW, SH, SW, PT, PB, PL, PR));
        if (H + PT + PB < KH || W + PL + PR < KW)
            throw new IllegalArgumentException("kernel larger than the padded input: " + describe(N, C, H, W, K, KH, KW, SH, SW, PT, PB, PL, PR));
        this.N = N; this.C = C; this.H = H; this.W = W;
        this.K = K; this.KH = KH; this.KW = KW;
        this.SH = SH; this.SW = SW;
        this.PT = PT; this.PB = PB; this.PL = PL; this.PR = PR;
        this.OH = (H + PT + PB - KH) / SH + 1;
        this.OW = (W + PL + PR - KW) / SW + 1;
    }

    /**
     * Checks an op's per-side amounts (padding or crop) before they are read: four values {top, bottom, left,
     * right}, each &gt;= 0. {@code name} names the argument in the message.
     */
    public static void checkSides(String name, int[] sides) {
        if (sides == null || sides.length != 4 || sides[0] < 0 || sides[1] < 0 || sides[2] < 0 || sides[3] < 0)   // every op call: no stream
            throw new IllegalArgumentException(name + ": four values {top, bottom, left, right}, each >= 0, expected, got "
                    + Arrays.toString(sides));
    }

    /** Same geometry with another batch size (layers see many batch sizes; the last batch is short). */
    public ConvGeometry withBatch(int n) {
        return n == N ? this : new ConvGeometry(n, C, H, W, K, KH, KW, SH, SW, PT, PB, PL, PR);
    }

    public int inputSize()  { return N * C * H * W; }
    public int weightSize() { return K * C * KH * KW; }
    public int outputSize() { return N * K * OH * OW; }

    /** Multiply-adds of the forward pass (each is 2 FLOPs); backward-input and backward-weight cost the same. */
    public long macs() { return (long) N * K * OH * OW * C * KH * KW; }

    @Override public String toString() {
        return describe(N, C, H, W, K, KH, KW, SH, SW, PT, PB, PL, PR) + " -> " + OH + "x" + OW;
    }

    @Override public boolean equals(Object o) {
        return o instanceof ConvGeometry g && Arrays.equals(key(), g.key());
    }

    @Override public int hashCode() { return Arrays.hashCode(key()); }

    private int[] key() { return new int[] {N, C, H, W, K, KH, KW, SH, SW, PT, PB, PL, PR}; }

    private static String describe(int N, int C, int H, int W, int K, int KH, int KW, int SH, int SW,
                                   int PT, int PB, int PL, int PR) {
        return "N" + N + " C" + C + " " + H + "x" + W + " K" + K + " k" + KH + "x" + KW
                + " s" + SH + "x" + SW + " pad(t" + PT + ",b" + PB + ",l" + PL + ",r" + PR + ")";
    }
}
