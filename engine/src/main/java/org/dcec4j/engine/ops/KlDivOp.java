package org.dcec4j.engine.ops;

import java.util.Objects;
import org.dcec4j.engine.Op;
import org.dcec4j.engine.Tensor;

/**
 * DCEC's clustering loss (a fused op): y = L_c = KL(P‖Q) = (1/B) Σ_i Σ_j p_ij log(p_ij / q_ij), summed over
 * clusters and averaged over the batch. P is a constant: no gradient flows into it (it is not even an
 * input of the graph node). Terms with p_ij = 0 contribute 0 (the limit of p log p); a NaN or negative p_ij is
 * not skipped but makes the loss NaN, so a broken target shows instead of counting as 0.
 * <pre>  ∂L/∂q_ij = −∂L/∂y · p_ij / (B · q_ij)</pre>
 * where L is the loss that back-propagation starts from and ∂L/∂y the gradient reaching this op's output: 1 when
 * L = L_c, γ when L = L_r + γ·L_c (DCEC, IDEC).
 * Math: docs/math/activations-losses.md#kl
 */
public final class KlDivOp extends Op {
    private final Tensor p, q;

    private KlDivOp(Tensor p, Tensor q) { super(q); this.p = p; this.q = q; }

    public static Tensor apply(Tensor p, Tensor q) {
        Objects.requireNonNull(p, "kl: p"); Objects.requireNonNull(q, "kl: q");
        if (!p.sameShape(q) || q.rank() != 2) throw new IllegalArgumentException("kl: p and q of the same shape [B,K] expected, got " + p + " and " + q);
        int B = q.dim(0);
        double s = 0;
        for (int i = 0; i < q.size(); i++) {
            double pv = p.data[i];
            if (pv != 0) s += pv * (StrictMath.log(pv) - StrictMath.log(q.data[i]));
        }
        Tensor y = Tensor.scalar((float) (s / B));
        return record(y, recording(q) ? new KlDivOp(p, q) : null);
    }

    @Override protected void backward(Tensor out) {
        float dy = out.grad()[0];
        int B = q.dim(0);
        float[] dq = q.grad();
        // ∂L/∂q_ij = −∂L/∂y · p_ij / (B · q_ij),  ∂L/∂y = dy
        for (int i = 0; i < dq.length; i++) if (p.data[i] != 0f) dq[i] -= dy * p.data[i] / (B * q.data[i]);
    }
}
