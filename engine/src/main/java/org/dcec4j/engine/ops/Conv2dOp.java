package org.dcec4j.engine.ops;

import org.dcec4j.engine.Op;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.kernels.Activation;
import org.dcec4j.engine.kernels.ConvGeometry;
import org.dcec4j.engine.kernels.Kernels;

/**
 * 2-D convolution (cross-correlation, as in PyTorch and Keras) with stride and explicit per-side zero
 * padding, optionally followed by a fused ReLU: x[N,C,H,W], w[K,C,KH,KW], b[K] (or none) → y[N,K,OH,OW].
 * <pre>  y[n,k,oh,ow] = act(b[k] + Σ_c Σ_kh Σ_kw w[k,c,kh,kw] · x[n,c, oh·SH+kh−PT, ow·SW+kw−PL])</pre>
 * Math: docs/math/conv2d.md, docs/math/activations-losses.md#fused-relu
 */
public final class Conv2dOp extends Op {
    private final Kernels k;
    private final Tensor x, w, b;
    private final ConvGeometry g;
    private final Activation act;

    private Conv2dOp(Kernels k, Tensor x, Tensor w, Tensor b, ConvGeometry g, Activation act) {
        super(b == null ? new Tensor[] {x, w} : new Tensor[] {x, w, b});
        this.k = k; this.x = x; this.w = w; this.b = b; this.g = g; this.act = act;
    }

    /**
     * padding = {top, bottom, left, right}; {@code act} is applied in the same pass (fused). The forward and
     * the backward run on the kernels {@code k}.
     */
    public static Tensor apply(Kernels k, Tensor x, Tensor w, Tensor b, int strideH, int strideW, int[] padding, Activation act) {
        java.util.Objects.requireNonNull(k, "conv2d: k");
        java.util.Objects.requireNonNull(x, "conv2d: x");
        java.util.Objects.requireNonNull(w, "conv2d: w");
        if (x.rank() != 4 || w.rank() != 4 || x.dim(1) != w.dim(1))
            throw new IllegalArgumentException("conv2d: x[N,C,H,W] and w[K,C,KH,KW] expected, got " + x + " and " + w);
        java.util.Objects.requireNonNull(act, "conv2d: activation (Activation.NONE for none)");
        ConvGeometry.checkSides("conv2d: padding", padding);
        if (b != null && (b.rank() != 1 || b.dim(0) != w.dim(0)))
            throw new IllegalArgumentException("conv2d: bias of shape [" + w.dim(0) + "] expected, got " + b);
        ConvGeometry g = new ConvGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3),
                strideH, strideW, padding[0], padding[1], padding[2], padding[3]);
        Tensor y = Tensor.output(g.N, g.K, g.OH, g.OW);            // written whole by the kernel
        k.conv2dForward(y.data, x.data, w.data, b == null ? null : b.data, act, g);
        return record(y, recording(x, w, b) ? new Conv2dOp(k, x, w, b, g, act) : null);
    }

    /** The activation fused into this op's output (its output's gradient is masked in place inside a step arena). */
    public Activation activation() { return act; }

    @Override protected void backward(Tensor out) {
        // through the fused activation first: ∂L/∂z = ∂L/∂y · act'(z), z = the pre-activation. From here on dy holds
        // ∂L/∂z (not ∂L/∂y), and the convolution's gradients below are taken with it:
        float[] dy = act.backward(k, out.grad(), out.data);
        // ∂L/∂x[n,c,h,ww] = Σ_k Σ_{(oh,kh): oh·SH+kh−PT=h} Σ_{(ow,kw): ow·SW+kw−PL=ww} w[k,c,kh,kw] · ∂L/∂z[n,k,oh,ow]
        // ∂L/∂w[k,c,kh,kw] = Σ_n Σ_oh Σ_ow ∂L/∂z[n,k,oh,ow] · x[n,c, oh·SH+kh−PT, ow·SW+kw−PL]
        // ∂L/∂b[k] = Σ_n Σ_oh Σ_ow ∂L/∂z[n,k,oh,ow]
        float[] dw = w.requiresGrad() ? w.grad() : null, db = b != null && b.requiresGrad() ? b.grad() : null;
        if (x.requiresGrad() && x.hasGrad()) {
            // a later gradient of x is added
            k.conv2dBackwardInput(x.grad(), dy, w.data, g);
            k.conv2dBackward(null, dw, db, dy, x.data, w.data, g);
        } else {
            // the first gradient to reach x is written: the transposed convolution with no bias writes the same sum,
            // started from zero, that backward-input adds to ∂L/∂x (and a sum started from +0 is never −0, so it
            // has the bits of 0 + sum); all three gradients in one call, which the vector kernels overlap
            k.conv2dBackward(x.requiresGrad() ? x.freshGrad() : null, dw, db, dy, x.data, w.data, g);
        }
    }
}
