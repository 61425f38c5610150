package org.dcec4j.engine.ops;

import org.dcec4j.engine.Op;
import org.dcec4j.engine.StepArena;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.kernels.Activation;
import org.dcec4j.engine.kernels.ConvGeometry;
import org.dcec4j.engine.kernels.Kernels;

/**
 * 2-D transposed convolution with stride and explicit per-side cropping: x[N,CI,H,W],
 * w[CI,CO,KH,KW] (PyTorch layout), b[CO] (or none) → y[N,CO,OH,OW] with
 * OH = (H−1)·SH + KH − CT − CB, OW = (W−1)·SW + KW − CL − CR.
 * <p>It is the adjoint of the convolution g that maps [N,CO,OH,OW] to [N,CI,H,W] with weight w viewed as
 * [K=CI, C=CO, KH, KW] and padding = the crop, so one kernel set serves both:
 * forward = conv's backward-input, backward-input = conv's forward, backward-weight = conv's
 * backward-weight with the roles of x and dy swapped.
 * <pre>  y[n,co,h,ww] = act(b[co] + Σ_ci Σ_{(ih,kh): ih·SH+kh−CT=h} Σ_{(iw,kw): iw·SW+kw−CL=ww} w[ci,co,kh,kw] · x[n,ci,ih,iw])</pre>
 * with act = identity or a fused ReLU (docs/math/activations-losses.md#fused-relu).
 * Keras 'same' (k5 s2): crop (1, 2); PyTorch padding p, output_padding op: crop (p, p − op).
 * Math: docs/math/conv_transpose2d.md
 */
public final class ConvTranspose2dOp extends Op {
    private final Kernels k;
    private final Tensor x, w, b;
    private final ConvGeometry g;   // the convolution whose adjoint this is
    private final Activation act;

    private ConvTranspose2dOp(Kernels k, Tensor x, Tensor w, Tensor b, ConvGeometry g, Activation act) {
        super(b == null ? new Tensor[] {x, w} : new Tensor[] {x, w, b});
        this.k = k; this.x = x; this.w = w; this.b = b; this.g = g; this.act = act;
    }

    /**
     * crop = {top, bottom, left, right}; {@code act} is applied in the same pass (fused). The forward and the
     * backward run on the kernels {@code k}.
     */
    public static Tensor apply(Kernels k, Tensor x, Tensor w, Tensor b, int strideH, int strideW, int[] crop, Activation act) {
        java.util.Objects.requireNonNull(k, "conv_transpose2d: k");
        java.util.Objects.requireNonNull(x, "conv_transpose2d: x");
        java.util.Objects.requireNonNull(w, "conv_transpose2d: w");
        if (x.rank() != 4 || w.rank() != 4 || x.dim(1) != w.dim(0))
            throw new IllegalArgumentException("conv_transpose2d: x[N,CI,H,W] and w[CI,CO,KH,KW] expected, got " + x + " and " + w);
        // (the kernels read a null activation as "accumulate into y", which a fresh output must never be)
        java.util.Objects.requireNonNull(act, "conv_transpose2d: activation (Activation.NONE for none)");
        ConvGeometry.checkSides("conv_transpose2d: crop", crop);
        if (b != null && (b.rank() != 1 || b.dim(0) != w.dim(1)))
            throw new IllegalArgumentException("conv_transpose2d: bias of shape [" + w.dim(1) + "] expected, got " + b);
        if (strideH < 1 || strideW < 1)
            throw new IllegalArgumentException("conv_transpose2d: stride must be at least 1, got " + strideH + "x" + strideW);
        int N = x.dim(0), CI = x.dim(1), H = x.dim(2), W = x.dim(3), CO = w.dim(1), KH = w.dim(2), KW = w.dim(3);
        long oh = (H - 1L) * strideH + KH - crop[0] - crop[1];   // in long: a large stride must not wrap to a small size
        long ow = (W - 1L) * strideW + KW - crop[2] - crop[3];
        if (oh < 1 || ow < 1) throw new IllegalArgumentException("conv_transpose2d: crop leaves no output (" + oh + "x" + ow + ")");
        if (oh > Integer.MAX_VALUE || ow > Integer.MAX_VALUE)
            throw new IllegalArgumentException("conv_transpose2d: output " + oh + "x" + ow + " too large (input " + H + "x" + W
                    + ", stride " + strideH + "x" + strideW + ")");
        int OH = (int) oh, OW = (int) ow;
        ConvGeometry g = new ConvGeometry(N, CO, OH, OW, CI, KH, KW, strideH, strideW, crop[0], crop[1], crop[2], crop[3]);
        if (g.OH != H || g.OW != W) throw new IllegalStateException("adjoint geometry mismatch: " + g);
        Tensor y = Tensor.output(N, CO, OH, OW);                   // written whole by the kernel
        // y = act(b + convᵀ(x)): the convolution's input gradient with dy := x, bias and activation fused
        k.convTranspose2dForward(y.data, x.data, w.data, b == null ? null : b.data, act, g);
        return record(y, recording(x, w, b) ? new ConvTranspose2dOp(k, x, w, b, g, act) : null);
    }

    /** The activation fused into this op's output (its output's gradient is masked in place inside a step arena). */
    public Activation activation() { return act; }

    @Override protected void backward(Tensor out) {
        // through the fused activation first: ∂L/∂z = ∂L/∂y · act'(z), z = the pre-activation. From here on dy holds
        // ∂L/∂z (not ∂L/∂y), and the gradients below are taken with it:
        float[] dy = act.backward(k, out.grad(), out.data);
        // ∂L/∂x[n,ci,ih,iw] = Σ_co Σ_kh Σ_kw w[ci,co,kh,kw] · ∂L/∂z[n,co, ih·SH+kh−CT, iw·SW+kw−CL]   (0 where cropped):
        // conv(∂L/∂z, w), the adjoint of the adjoint being the convolution itself. The kernel writes; the first
        // gradient to reach x is written in place, a later one goes through t.
        // ∂L/∂w[ci,co,kh,kw] = Σ_n Σ_ih Σ_iw x[n,ci,ih,iw] · ∂L/∂z[n,co, ih·SH+kh−CT, iw·SW+kw−CL]
        // ∂L/∂b[co] = Σ_n Σ_h Σ_ww ∂L/∂z[n,co,h,ww]
        float[] dw = w.requiresGrad() ? w.grad() : null, db = b != null && b.requiresGrad() ? b.grad() : null;
        boolean later = x.requiresGrad() && x.hasGrad();
        float[] t = !x.requiresGrad() ? null : later ? StepArena.array(x.size()) : x.freshGrad();
        // all three gradients in one call, which the vector kernels overlap
        k.convTranspose2dBackward(t, dw, db, dy, x.data, w.data, g);
        if (later) {
            float[] dx = x.grad();
            for (int i = 0; i < t.length; i++) dx[i] += t[i];
        }
    }
}
