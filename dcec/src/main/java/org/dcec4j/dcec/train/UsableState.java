package org.dcec4j.dcec.train;

import java.util.ArrayList;
import java.util.List;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.model.ClusteringLayer;
import org.dcec4j.engine.Autograd;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.io.TensorFile;
import org.dcec4j.engine.optim.Optimizer;

/**
 * Whether a model after an update can be kept: every weight finite, and under them a batch's reconstruction loss and
 * (with centres) soft assignments finite. A training step's loss is computed before its update, so a last update that
 * overflowed (weights of 1e30 whose outputs are NaN) is seen only here; the trainers call it before each checkpoint and
 * at the end of each phase. One forward pass of one batch and no random draw, so no result depends on it.
 *
 * <p>{@link #checkState} checks the optimiser's state the same way: the square of a gradient beyond about 1.8e19 (data
 * far from [0, 1]) overflows float32 and makes Adam's v infinite while the weights and the loss stay finite (the
 * parameter's updates are 0 from then on). Saved in a checkpoint, such a state is refused by {@code --resume}.
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

    /**
     * The first value of an optimiser's state (Adam's moments, SGD's velocity) that is not finite, named as a checkpoint
     * names it ({@code prefix} then the entry: {@code adam.v.0}), or null. A copy of the state is made to read it; a
     * state too large for one tensor file (which no checkpoint could hold either) is not checked.
     */
    public static Problem checkState(Optimizer optimizer, String prefix) {
        TensorFile.Builder b = TensorFile.builder();
        optimizer.saveState(b, prefix);
        byte[] bytes;
        try {
            bytes = b.toBytes();
        } catch (IllegalArgumentException tooLarge) {
            return null;
        }
        return checkState(TensorFile.parse(bytes, "the optimiser state"), "the optimiser state");
    }

    /**
     * The first value of a state file's tensors (an optimiser's state, or weights and state averaged over partitions)
     * that is not finite, named as {@code what} and the tensor ({@code the optimiser state 'adam.v.0'}), or null.
     */
    public static Problem checkState(TensorFile state, String what) {
        for (String name : state.names())
            for (float v : state.get(name).data())
                if (!Float.isFinite(v)) return new Problem(what + " '" + name + "'", v);
        return null;
    }
}
