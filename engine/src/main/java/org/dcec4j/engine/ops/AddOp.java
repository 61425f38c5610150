package org.dcec4j.engine.ops;

import java.util.Objects;
import org.dcec4j.engine.Op;
import org.dcec4j.engine.Tensor;

/** y = a + b (broadcasting). Math: docs/math/elementwise.md#add-sub */
public final class AddOp extends Op {
    private final Tensor a, b;
    private final int[] mapA, mapB;

    private AddOp(Tensor a, Tensor b, int[] mapA, int[] mapB) { super(a, b); this.a = a; this.b = b; this.mapA = mapA; this.mapB = mapB; }

    public static Tensor apply(Tensor a, Tensor b) {
        Objects.requireNonNull(a, "add: a"); Objects.requireNonNull(b, "add: b");
        int[] shape = Broadcast.resultShape(a.shape(), b.shape(), "add");
        int[] mapA = Broadcast.indexMap(a.shape(), shape), mapB = Broadcast.indexMap(b.shape(), shape);
        Tensor y = Tensor.zeros(shape);
        for (int i = 0; i < y.size(); i++) y.data[i] = a.data[Broadcast.at(mapA, i)] + b.data[Broadcast.at(mapB, i)];
        return record(y, recording(a, b) ? new AddOp(a, b, mapA, mapB) : null);
    }

    @Override protected void backward(Tensor out) {
        float[] dy = out.grad();
        // ∂L/∂a = ∂L/∂y  (summed over broadcast axes)
        if (a.requiresGrad()) { float[] da = a.grad(); for (int i = 0; i < dy.length; i++) da[Broadcast.at(mapA, i)] += dy[i]; }
        // ∂L/∂b = ∂L/∂y
        if (b.requiresGrad()) { float[] db = b.grad(); for (int i = 0; i < dy.length; i++) db[Broadcast.at(mapB, i)] += dy[i]; }
    }
}
