package org.dcec4j.engine.nn;

import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;

/** [N, ...] → [N, shape...] (the batch dimension is kept). */
public final class Reshape extends Module {
    private final int[] shape;

    public Reshape(int... shape) { this.shape = shape.clone(); }

    @Override public Tensor forward(Tensor x) {
        int[] s = new int[shape.length + 1];
        s[0] = x.dim(0);
        System.arraycopy(shape, 0, s, 1, shape.length);
        return F.reshape(x, s);
    }
}
