package org.dcec4j.dcec.train;

import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.engine.F;
import org.dcec4j.engine.StepArena;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.optim.Optimizer;

/**
 * One mini-batch step of the autoencoder's pretraining, shared by {@link DcecTrainer} and the distributed trainer's
 * parameter averaging so that both take the same step by construction (as {@link ClusteringStep} is for the
 * clustering phase).
 *
 * <p>Math: docs/math/dcec.md
 */
public final class PretrainingStep {
    private PretrainingStep() {}

    /**
     * L_r on the batch x and — when it is finite — backward and one optimiser step; the caller stops when it is not (the
     * weights are then untouched). The step's activations and gradients live in {@code arena}.
     *
     * @return L_r of the batch
     */
    public static float run(StepArena arena, Autoencoder ae, Optimizer opt, Tensor x) {
        try (var step = arena.open()) {
            opt.zeroGrad();
            // L_r = (1/(B·C·H·W)) Σ (G(F(x)) − x)²
            Tensor loss = F.mse(ae.decode(ae.encode(x)), x);
            float l = loss.item();
            if (!Float.isFinite(l)) return l;
            loss.backward();
            opt.step();
            return l;
        }
    }
}
