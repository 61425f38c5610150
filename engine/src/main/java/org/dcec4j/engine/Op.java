package org.dcec4j.engine;

/**
 * One differentiable operation. Each op class computes its forward in a static {@code apply(...)},
 * keeps exactly what backward needs in named fields, and implements {@link #backward(Tensor)} right
 * below, with the formula above each gradient line.
 *
 * <p>{@code backward} reads {@code out.grad()} (∂L/∂out) and <em>accumulates</em> (+=) into the
 * {@code grad()} of every input that {@link Tensor#requiresGrad()}; it never zeroes anything. An op that can
 * compute a whole input gradient in one pass may instead <em>write</em> it when it is the first to reach that input
 * ({@link Tensor#hasGrad()} false, buffer from {@link Tensor#freshGrad()}), with the bits adding into zeros gives.
 *
 * <p>Math: docs/math/autograd.md#ops
 */
public abstract class Op {
    private final Tensor[] inputs;

    protected Op(Tensor... inputs) { this.inputs = inputs.clone(); }

    /** The inputs, in argument order (the order in which autograd visits parents). */
    public final Tensor[] inputs() { return inputs.clone(); }

    final Tensor input(int i) { return inputs[i]; }
    final int inputCount() { return inputs.length; }

    /** Accumulates ∂L/∂input into the inputs that require gradients, from ∂L/∂out = out.grad(). */
    protected abstract void backward(Tensor out);

    public String name() { return getClass().getSimpleName(); }

    /**
     * Attaches {@code op} as the creator of {@code out} when a graph is being recorded (gradients enabled
     * and some input requires them); returns {@code out} either way.
     */
    protected static Tensor record(Tensor out, Op op) {
        if (op != null) out.setOp(op);
        return out;
    }

    /** True when the forward of an op over these inputs must record a graph node. */
    protected static boolean recording(Tensor... inputs) { return Autograd.needsGrad(inputs); }
}
