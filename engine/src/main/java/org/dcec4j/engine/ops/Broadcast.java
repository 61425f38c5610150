package org.dcec4j.engine.ops;

import java.util.Arrays;

/**
 * NumPy-style broadcasting for element-wise binary ops, restricted to operands of equal rank: along each
 * axis the sizes are equal or one of them is 1. The backward of a broadcast operand sums the incoming
 * gradient over the axes it was stretched along.
 *
 * <p>Math: docs/math/elementwise.md#broadcasting
 */
final class Broadcast {
    private Broadcast() {}

    static int[] resultShape(int[] a, int[] b, String op) {
        if (a.length != b.length)
            throw new IllegalArgumentException(op + ": operands must have the same rank, got " + Arrays.toString(a) + " and " + Arrays.toString(b));
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b[i] || b[i] == 1) out[i] = a[i];
            else if (a[i] == 1) out[i] = b[i];
            else throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast (axis " + i + ")");
        }
        return out;
    }

    /**
     * For every flat index of {@code out}, the flat index of the operand of shape {@code from} that it
     * reads; null when the shapes are equal (identity).
     */
    static int[] indexMap(int[] from, int[] out) {
        if (Arrays.equals(from, out)) return null;
        int size = 1;
        for (int d : out) size *= d;
        int[] map = new int[size];
        int rank = out.length;
        int[] stride = new int[rank];                 // strides of `from`, 0 along broadcast axes
        int s = 1;
        for (int i = rank - 1; i >= 0; i--) { stride[i] = from[i] == 1 ? 0 : s; s *= from[i]; }
        int[] idx = new int[rank];
        int src = 0;
        for (int o = 0; o < size; o++) {
            map[o] = src;
            for (int i = rank - 1; i >= 0; i--) {     // odometer increment
                idx[i]++; src += stride[i];
                if (idx[i] < out[i]) break;
                src -= stride[i] * idx[i]; idx[i] = 0;
            }
        }
        return map;
    }

    static int at(int[] map, int o) { return map == null ? o : map[o]; }
}
