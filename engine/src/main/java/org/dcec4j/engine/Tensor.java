package org.dcec4j.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * A float32 tensor: contiguous, row-major (NCHW for images), with a lazily allocated gradient and a
 * pointer to the {@link Op} that produced it (null for leaves such as inputs and parameters).
 *
 * <p>{@code data} is public on purpose: kernels and tests read and write it directly, the way llm.c
 * hands raw float pointers around. The shape is immutable; {@link #reshape} makes a new tensor that
 * shares {@code data}.
 *
 * <p>Every tensor has rank 1 or more. A scalar is a tensor of shape [1] ({@link #scalar}): losses and sums make
 * theirs that way, {@link #item()} reads it, and {@code sum(x, axis, false)} of a rank-1 tensor keeps [1]. Rank 0 (no
 * dimensions: {@code zeros()}, {@code of(data)}, {@code reshape()}) is refused where it would be made, since nothing in
 * the engine produces it and {@link org.dcec4j.engine.io.TensorFile} (rank 1 to 8) could not save it.
 *
 * <p>Ops keep their inputs' (and some their outputs') {@code data} by reference for the backward pass, and nothing
 * records a change to it (PyTorch keeps a version counter and refuses; this engine does not check). Writing the data
 * of a tensor between the forward pass that used it and the backward pass gives gradients computed with the new
 * values, silently. Change parameters only after {@code backward()} (an optimiser's step) or before the next forward.
 *
 * <p>Math: docs/math/autograd.md#tensor
 */
public final class Tensor {
    private final int[] shape;
    /** The values, row-major. Length = product of the shape. */
    public final float[] data;
    private float[] grad;
    private boolean requiresGrad;
    private Op op;
    private String name;

    Tensor(float[] data, int[] shape) {
        this.shape = shape.clone();
        int size = size(this.shape);
        if (size != data.length)
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size + " values, data has " + data.length);
        this.data = data;
    }

    // ---------------------------------------------------------------- construction
    /** A tensor of zeros; {@code shape} has at least one dimension (rank 0 is refused: a scalar is [1]). */
    public static Tensor zeros(int... shape) { return new Tensor(new float[size(Objects.requireNonNull(shape, "shape"))], shape); }

    /**
     * Elements of a tensor of this shape: at least one dimension (no rank 0: see the class comment), every dimension
     * positive and the product at most Integer.MAX_VALUE (checked at each factor, so that a product past 2^63 cannot
     * wrap to a small or zero size).
     */
    private static int size(int[] shape) {
        if (shape.length == 0)
            throw new IllegalArgumentException("a tensor needs at least one dimension, got shape []: rank 0 is not supported;"
                    + " a scalar is shape [1] (Tensor.scalar)");
        long size = 1;
        for (int d : shape) {
            if (d < 1) throw new IllegalArgumentException("tensor dimensions must be positive: " + Arrays.toString(shape));
            size *= d;
            if (size > Integer.MAX_VALUE)
                throw new IllegalArgumentException("tensor too large: " + Arrays.toString(shape) + " has more than 2^31 - 1 elements");
        }
        return (int) size;
    }

    /**
     * For ops: a tensor whose every element the caller is about to write. Its array comes from the
     * {@link StepArena} open on this thread (contents unspecified until written), or is new when none is.
     */
    public static Tensor output(int... shape) { return new Tensor(StepArena.array(size(Objects.requireNonNull(shape, "shape"))), shape); }

    /** Wraps (does not copy) {@code data}. */
    public static Tensor of(float[] data, int... shape) { return new Tensor(Objects.requireNonNull(data, "data"), Objects.requireNonNull(shape, "shape")); }

    /** A scalar (shape [1]). */
    public static Tensor scalar(float v) { return new Tensor(new float[] {v}, new int[] {1}); }

    /** A leaf that collects gradients (a parameter or an input under test). */
    public static Tensor parameter(float[] data, int... shape) {
        Tensor t = new Tensor(Objects.requireNonNull(data, "data"), Objects.requireNonNull(shape, "shape"));
        t.requiresGrad = true;
        return t;
    }

    // ---------------------------------------------------------------- shape
    public int[] shape() { return shape.clone(); }
    public int rank() { return shape.length; }
    /**
     * The size of dimension {@code i}; a negative {@code i} counts from the end (−1 is the last).
     *
     * @throws IndexOutOfBoundsException naming the shape when {@code i} is not in −rank … rank − 1
     */
    public int dim(int i) {
        if (i < -shape.length || i >= shape.length)
            throw new IndexOutOfBoundsException("dim(" + i + ") of a tensor of shape " + Arrays.toString(shape) + " (rank "
                    + shape.length + ": -" + shape.length + " to " + (shape.length - 1) + ")");
        return shape[i < 0 ? shape.length + i : i];
    }
    public int size() { return data.length; }
    public boolean sameShape(Tensor o) { return Arrays.equals(shape, o.shape); }

    /** A tensor that shares this one's data under another shape (differentiable). */
    public Tensor reshape(int... newShape) { return org.dcec4j.engine.ops.ReshapeOp.apply(this, newShape); }

    // ---------------------------------------------------------------- autograd state
    public boolean requiresGrad() { return requiresGrad; }
    public Tensor requiresGrad(boolean on) {
        if (op != null && !on) throw new IllegalStateException("cannot turn off gradients of a computed tensor; use detach()");
        requiresGrad = on;
        return this;
    }

    /**
     * ∂L/∂this, allocated (zero) on first use. Accumulated (+=) by backward passes. A computed tensor's
     * gradient comes from the {@link StepArena} open on this thread, if any; a leaf's is always its own. Inside
     * an open arena, the gradient of a convolution's output with a fused ReLU is masked in place once its op has
     * back-propagated: it then reads ∂L/∂z, 0 where the output is 0 ({@link
     * org.dcec4j.engine.kernels.Activation#backward}).
     *
     * @throws IllegalStateException for a tensor that does not require gradients and has no gradient buffer: no
     *     gradient is computed for it, and zeros would read as "the loss does not depend on it" (PyTorch's {@code .grad}
     *     is None there). Mark an input {@code requiresGrad(true)} before the forward pass to get its gradient.
     */
    public float[] grad() {
        if (grad == null && !requiresGrad)
            throw new IllegalStateException("grad() of " + this + ", which does not require gradients: none is computed for it"
                    + " (make it with Tensor.parameter or call requiresGrad(true) before the forward pass)");
        if (grad == null) grad = op != null ? StepArena.zeroedArray(data.length) : new float[data.length];
        return grad;
    }

    /** True once a gradient buffer exists. */
    public boolean hasGrad() { return grad != null; }

    /**
     * For the first gradient to reach this tensor in a backward pass, from an op whose backward writes every element
     * of it: the gradient buffer, which from then on is {@link #grad()}, with contents unspecified (a computed
     * tensor's comes from the {@link StepArena} open on this thread, not cleared). The caller must write all of it,
     * with the bits that accumulating into zeros would give (the engine's ops do, except for the sign of a zero left
     * by underflowing products in conv_transpose2d's: docs/math/autograd.md#memory); later gradients accumulate into
     * {@link #grad()} as usual. Saves clearing the buffer and reading the zeros back.
     *
     * @throws IllegalStateException if this tensor has a gradient already ({@link #hasGrad()})
     */
    public float[] freshGrad() {
        if (grad != null) throw new IllegalStateException("freshGrad(): " + this + " has a gradient already");
        grad = op != null ? StepArena.array(data.length) : new float[data.length];
        return grad;
    }

    /** Sets the gradient to zero (the one place gradients are cleared; optimisers and modules call it). */
    public void zeroGrad() { if (grad != null) Arrays.fill(grad, 0f); }

    /** Removes the gradient buffer ({@link #hasGrad()} false again): {@link Autograd#gradients} restoring a leaf it found without one. */
    void dropGrad() { grad = null; }

    /** The op that computed this tensor, or null for a leaf. */
    public Op op() { return op; }
    public boolean isLeaf() { return op == null; }

    /** Records {@code creator} as this tensor's producer: called by ops, once, right after forward. */
    public void setOp(Op creator) {
        if (this.op != null) throw new IllegalStateException("tensor already has a creator");
        this.op = creator;
        this.requiresGrad = true;
    }

    /** Same data, cut from the graph. */
    public Tensor detach() { return new Tensor(data, shape); }

    /** A deep copy of the data, cut from the graph. */
    public Tensor copy() { return new Tensor(data.clone(), shape); }

    /** Runs back-propagation from this scalar (seed ∂L/∂L = 1). */
    public void backward() { Autograd.backward(this); }

    public float item() {
        if (data.length != 1) throw new IllegalStateException("item() needs a one-element tensor, shape " + Arrays.toString(shape));
        return data[0];
    }

    public String name() { return name; }
    public Tensor name(String n) { this.name = n; return this; }

    @Override public String toString() {
        return "Tensor" + Arrays.toString(shape) + (name == null ? "" : " " + name) + (op == null ? "" : " <- " + op.name());
    }
}
