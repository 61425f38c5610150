package org.dcec4j.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode automatic differentiation.
 *
 * <p>The whole core: order the graph topologically (iterative depth-first search, parents in argument
 * order, so the order is the same on every run), seed ∂L/∂L = 1, walk the order backwards and let each
 * op accumulate its inputs' gradients. Leaves (parameters, inputs) accumulate across calls until
 * someone calls {@link Tensor#zeroGrad()}; intermediate tensors start each pass at zero.
 *
 * <p>Math: docs/math/autograd.md#backward
 */
public final class Autograd {
    private Autograd() {}

    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    /** False inside a {@link #noGrad()} block: ops then record nothing (inference). */
    public static boolean isGradEnabled() { return NO_GRAD_DEPTH.get()[0] == 0; }

    /**
     * {@code try (var ignored = Autograd.noGrad()) { ... }} runs ops without recording a graph, on this thread (each
     * thread has its own state; the block is closed on the thread that opened it).
     */
    public static NoGrad noGrad() {
        NO_GRAD_DEPTH.get()[0]++;
        return new NoGrad(Thread.currentThread());
    }

    /** Closes a no-grad block. */
    public static final class NoGrad implements AutoCloseable {
        private final Thread owner;
        private boolean closed;
        private NoGrad(Thread owner) { this.owner = owner; }

        /** @throws IllegalStateException on another thread than the one that opened the block (which stays open) */
        @Override public void close() {
            if (Thread.currentThread() != owner)
                throw new IllegalStateException("a no-grad block opened on thread '" + owner.getName() + "' was closed on '"
                        + Thread.currentThread().getName() + "': close it on the thread that opened it");
            if (!closed) { closed = true; NO_GRAD_DEPTH.get()[0]--; }
        }
    }

    /** True when an op over these inputs must be recorded. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!isGradEnabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) return true;
        return false;
    }

    /** Every tensor that {@code root} depends on, each after all of its inputs (root last). */
    public static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        // explicit stack of (tensor, index of the next input to visit): post-order DFS without recursion
        ArrayList<Tensor> stack = new ArrayList<>();
        ArrayList<Integer> next = new ArrayList<>();
        stack.add(root); next.add(0); visited.add(root);
        while (!stack.isEmpty()) {
            int top = stack.size() - 1;
            Tensor t = stack.get(top);
            int i = next.get(top);
            Op op = t.op();
            if (op != null && i < op.inputCount()) {
                next.set(top, i + 1);
                Tensor parent = op.input(i);
                if (parent != null && parent.requiresGrad() && visited.add(parent)) {
                    stack.add(parent); next.add(0);
                }
            } else {
                stack.remove(top); next.remove(top);
                order.add(t);
            }
        }
        return order;
    }

    /** Back-propagates from a one-element {@code loss}: seeds ∂L/∂L = 1. */
    public static void backward(Tensor loss) {
        if (loss.size() != 1) throw new IllegalArgumentException("backward() needs a scalar loss, got " + loss);
        backward(loss, new float[] {1f});
    }

    /** Back-propagates from {@code out} with ∂L/∂out = {@code seed} (same length as out). */
    public static void backward(Tensor out, float[] seed) {
        if (!out.requiresGrad()) throw new IllegalStateException("backward() from a tensor that does not require gradients: " + out);
        if (seed.length != out.size()) throw new IllegalArgumentException("seed length " + seed.length + " != " + out.size());
        List<Tensor> order = topologicalOrder(out);
        for (Tensor t : order) if (!t.isLeaf()) t.zeroGrad();          // intermediates start at zero
        float[] g = out.grad();
        for (int i = 0; i < g.length; i++) g[i] += seed[i];             // ∂L/∂L = 1
        for (int i = order.size() - 1; i >= 0; i--) {                   // reverse topological order
            Tensor t = order.get(i);
            if (!t.isLeaf()) t.op().backward(t);
        }
    }

    /**
     * Functional gradients for tests: ∂loss/∂input for each input, as fresh arrays (zeros for an input the loss does
     * not reach). Every leaf's gradient buffer is left as it was: the inputs', and those of the other leaves the loss
     * reaches, which a backward pass would accumulate into; a leaf without a buffer is left without one (an optimiser
     * counts a parameter's steps from its first gradient).
     */
    public static float[][] gradients(Tensor loss, Tensor... inputs) {
        for (int i = 0; i < inputs.length; i++)
            if (!inputs[i].requiresGrad()) throw new IllegalArgumentException("input " + i + " does not require gradients");
        Map<Tensor, float[]> saved = new IdentityHashMap<>();     // leaf → its gradient before, null for none
        List<Tensor> leaves = new ArrayList<>(List.of(inputs));
        for (Tensor t : topologicalOrder(loss)) if (t.isLeaf()) leaves.add(t);
        for (Tensor t : leaves) {
            if (saved.containsKey(t)) continue;
            saved.put(t, t.hasGrad() ? t.grad().clone() : null);
            t.zeroGrad();
        }
        backward(loss);
        float[][] result = new float[inputs.length][];
        for (int i = 0; i < inputs.length; i++) result[i] = inputs[i].hasGrad() ? inputs[i].grad().clone() : new float[inputs[i].size()];
        saved.forEach((t, g) -> {
            if (g == null) t.dropGrad();
            else System.arraycopy(g, 0, t.grad(), 0, g.length);
        });
        return result;
    }
}
