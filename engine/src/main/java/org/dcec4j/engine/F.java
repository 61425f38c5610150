package org.dcec4j.engine;

import org.dcec4j.engine.kernels.Activation;
import org.dcec4j.engine.kernels.Kernels;
import org.dcec4j.engine.ops.AddOp;
import org.dcec4j.engine.ops.Conv2dOp;
import org.dcec4j.engine.ops.ConvTranspose2dOp;
import org.dcec4j.engine.ops.DivOp;
import org.dcec4j.engine.ops.KlDivOp;
import org.dcec4j.engine.ops.LinearOp;
import org.dcec4j.engine.ops.LogOp;
import org.dcec4j.engine.ops.MatMulOp;
import org.dcec4j.engine.ops.MseOp;
import org.dcec4j.engine.ops.MulOp;
import org.dcec4j.engine.ops.PowOp;
import org.dcec4j.engine.ops.ReluOp;
import org.dcec4j.engine.ops.ReshapeOp;
import org.dcec4j.engine.ops.ScaleOp;
import org.dcec4j.engine.ops.StudentTOp;
import org.dcec4j.engine.ops.SubOp;
import org.dcec4j.engine.ops.SumAxisOp;
import org.dcec4j.engine.ops.SumOp;

/**
 * The functional facade over every differentiable op (in the spirit of torch.nn.functional). Each
 * method is one line that names the op class holding the forward, the backward and the math link.
 * The ops that run kernels take them first ({@code Kernels k}); their overloads without it run on
 * {@link Backend#shared()}, the JVM's default backend.
 */
public final class F {
    private F() {}

    public static Tensor add(Tensor a, Tensor b) { return AddOp.apply(a, b); }
    public static Tensor sub(Tensor a, Tensor b) { return SubOp.apply(a, b); }
    public static Tensor mul(Tensor a, Tensor b) { return MulOp.apply(a, b); }
    public static Tensor div(Tensor a, Tensor b) { return DivOp.apply(a, b); }
    /** s·x */
    public static Tensor scale(Tensor x, float s) { return ScaleOp.apply(x, s, 0f); }
    /** x + c */
    public static Tensor addScalar(Tensor x, float c) { return ScaleOp.apply(x, 1f, c); }
    public static Tensor pow(Tensor x, float e) { return PowOp.apply(x, e); }
    public static Tensor log(Tensor x) { return LogOp.apply(x); }
    public static Tensor sum(Tensor x) { return SumOp.sum(x); }
    public static Tensor mean(Tensor x) { return SumOp.mean(x); }
    public static Tensor sum(Tensor x, int axis, boolean keepDim) { return SumAxisOp.apply(x, axis, keepDim); }
    public static Tensor reshape(Tensor x, int... shape) { return ReshapeOp.apply(x, shape); }
    public static Tensor flatten(Tensor x) { return ReshapeOp.flatten(x); }
    public static Tensor relu(Kernels k, Tensor x) { return ReluOp.apply(k, x); }
    /** y = x·Wᵀ + b */
    public static Tensor linear(Kernels k, Tensor x, Tensor w, Tensor b) { return LinearOp.apply(k, x, w, b); }
    public static Tensor matmul(Kernels k, Tensor a, Tensor b) { return MatMulOp.apply(k, a, b); }
    /** act(conv2d(x, w, b)) in one pass; padding = {top, bottom, left, right} */
    public static Tensor conv2d(Kernels k, Tensor x, Tensor w, Tensor b, int stride, int[] padding, Activation act) {
        return Conv2dOp.apply(k, x, w, b, stride, stride, padding, act);
    }
    /** act(convTranspose2d(x, w, b)) in one pass; crop = {top, bottom, left, right} */
    public static Tensor convTranspose2d(Kernels k, Tensor x, Tensor w, Tensor b, int stride, int[] crop, Activation act) {
        return ConvTranspose2dOp.apply(k, x, w, b, stride, stride, crop, act);
    }

    // ---- the same on the JVM's default backend
    public static Tensor relu(Tensor x) { return relu(defaultKernels(), x); }
    /** y = x·Wᵀ + b */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) { return linear(defaultKernels(), x, w, b); }
    public static Tensor matmul(Tensor a, Tensor b) { return matmul(defaultKernels(), a, b); }
    /** padding = {top, bottom, left, right} */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, int stride, int[] padding) { return conv2d(x, w, b, stride, padding, Activation.NONE); }
    /** act(conv2d(x, w, b)) in one pass; padding = {top, bottom, left, right} */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, int stride, int[] padding, Activation act) { return conv2d(defaultKernels(), x, w, b, stride, padding, act); }
    /** crop = {top, bottom, left, right} */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor b, int stride, int[] crop) { return convTranspose2d(x, w, b, stride, crop, Activation.NONE); }
    /** act(convTranspose2d(x, w, b)) in one pass; crop = {top, bottom, left, right} */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor b, int stride, int[] crop, Activation act) {
        return convTranspose2d(defaultKernels(), x, w, b, stride, crop, act);
    }

    private static Kernels defaultKernels() { return Backend.shared().kernels(); }
    public static Tensor mse(Tensor a, Tensor target) { return MseOp.apply(a, target); }
    /** DCEC soft assignment q[B,K] */
    public static Tensor studentT(Tensor z, Tensor mu, float alpha) { return StudentTOp.apply(z, mu, alpha); }
    /** KL(P‖Q) summed over clusters, averaged over the batch; p is a constant */
    public static Tensor klDiv(Tensor p, Tensor q) { return KlDivOp.apply(p, q); }
}
