package org.dcec4j.engine.ops;

import java.util.Objects;
import org.dcec4j.engine.Op;
import org.dcec4j.engine.Tensor;

/** y = a − b (broadcasting). Math: docs/math/elementwise.md#add-sub */
public final class SubOp extends Op {
    private final Tensor a, b;
    private final int[] mapA, mapB;

    private SubOp(Tensor a, Tensor b, int[] mapA, int[] mapB) { super(a, b); this.a = a; this.b = b; this.mapA = mapA; this.mapB = mapB; }

    public static Tensor apply(Tensor a, Tensor b) {
        Objects.requireNonNull(a, "sub: a"); Objects.requireNonNull(b, "sub: b");
        int[] shape = Broadcast.resultShape(a.shape(), b.shape(), "sub");
        int[] mapA = Broadcast.indexMap(a.shape(), shape), mapB = Broadcast.indexMap(b.shape(), shape);
        Tensor y = Tensor.zeros(shape);
        for (int i = 0; i < y.size(); i++) y.data[i] = a.data[Broadcast.at(mapA, i)] - b.data[Broadcast.at(mapB, i)];
        return record(y, recording(a, b) ? new SubOp(a, b, mapA, mapB) : null);
    }

    @Override protected void backward(Tensor out) {
        float[] dy = out.grad();
        // ∂L/∂a = ∂L/∂y
        if (a.requiresGrad()) { float[] da = a.grad(); for (int i = 0; i < dy.length; i++) da[Broadcast.at(mapA, i)] += dy[i]; }
        // ∂L/∂b = −∂L/∂y
        if (b.requiresGrad()) { float[] db = b.grad(); for (int i = 0; i < dy.length; i++) db[Broadcast.at(mapB, i)] -= dy[i]; }
    }
}
