package org.dcec4j.dcec.train;

import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.model.ClusteringLayer;
import org.dcec4j.dcec.train.TrainingListener.Losses;
import org.dcec4j.engine.F;
import org.dcec4j.engine.StepArena;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.optim.Optimizer;

/**
 * One mini-batch step of the clustering phase (Algorithm 1 of the paper), shared by {@link DcecTrainer} and the
 * distributed trainer so that both take the same step by construction.
 *
 * <p>Math: docs/math/dcec.md
 */
public final class ClusteringStep {
    private ClusteringStep() {}

    /**
     * Forward on the batch x ([n, C, H, W]) against its targets p ([n, K], constant), then — when the loss is
     * finite — backward and one optimiser step. With {@code keepDecoder} (DCEC, IDEC) L = L_r + γ·L_c, otherwise
     * (DEC-style) L = L_c and L_r is reported as 0. The caller checks {@code L} and stops the run when it is not
     * finite; the weights are then untouched. The step's activations and gradients live in {@code arena}, which
     * hands the previous step's arrays out again (the arithmetic is the same without it).
     *
     * @return L, L_c and L_r of the batch
     */
    public static Losses run(StepArena arena, Autoencoder ae, ClusteringLayer layer, Optimizer opt, Tensor x, float[] p,
                             int n, int K, boolean keepDecoder, float gamma) {
        try (var step = arena.open()) {
            return run(ae, layer, opt, x, p, n, K, keepDecoder, gamma);
        }
    }

    private static Losses run(Autoencoder ae, ClusteringLayer layer, Optimizer opt, Tensor x, float[] p, int n, int K,
                              boolean keepDecoder, float gamma) {
        opt.zeroGrad();
        Tensor z = ae.encode(x);
        // L_c = (1/B) Σ_i Σ_j p_ij log(p_ij / q_ij), P constant
        Tensor lc = F.klDiv(Tensor.of(p, n, K), layer.forward(z));
        Tensor lr = keepDecoder ? F.mse(ae.decode(z), x) : null;
        // L = L_r + γ·L_c   (DEC-style: L = L_c)
        Tensor loss = keepDecoder ? F.add(lr, F.scale(lc, gamma)) : lc;
        float l = loss.item();
        if (!Float.isFinite(l)) return new Losses(l, Double.NaN, Double.NaN);
        loss.backward();
        opt.step();
        return new Losses(l, lc.item(), keepDecoder ? lr.item() : 0);
    }
}
