package org.dcec4j.dcec.train;

import java.util.ArrayList;
import java.util.List;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.model.ClusteringLayer;
import org.dcec4j.engine.Autograd;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;

/**
 * Whether a model after an update can be kept: every weight finite, and under them a batch's reconstruction loss and
 * (with centres) soft assignments finite. A training step's loss is computed before its update, so a last update that
 * overflowed (weights of 1e30 whose outputs are NaN) is seen only here; the trainers call it before each checkpoint and
 * at the end of each phase. One forward pass of one batch and no random draw, so no result depends on it.
 */
public final class UsableState {
    private UsableState() {}

    /** What is wrong and the value found. */
    public record Problem(String what, float value) {}

    /**
     * The first problem found, or null.
     *
     * @param layer the centres, or null before the clustering phase
     * @param xb    a batch of images, [B, C, H, W]
     */
    public static Problem check(Autoencoder ae, ClusteringLayer layer, float alpha, Tensor xb) {
        List<Tensor> all = new ArrayList<>(ae.module().parameters());
        if (layer != null) all.add(layer.mu);
        for (Tensor t : all)
            for (float v : t.data)
                if (!Float.isFinite(v)) return new Problem("a weight", v);
        try (var ignored = Autograd.noGrad()) {
            Tensor z = ae.encode(xb);
            float l = F.mse(ae.decode(z), xb).item();
            if (!Float.isFinite(l)) return new Problem("the reconstruction of the first batch", l);
            if (layer != null)
                for (float v : F.studentT(z, layer.mu, alpha).data)
                    if (!Float.isFinite(v)) return new Problem("the soft assignments of the first batch", v);
        }
        return null;
    }
}
