package org.dcec4j.engine.ops;

import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.F;
import static org.dcec4j.engine.ops.GradCheck.check;
import static org.dcec4j.engine.ops.GradCheck.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.dcec4j.engine.kernels.Activation;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of every op's backward (small random shapes, odd sizes, strides 1 and 2, batch 1). */
class OpsGradientTest {
    private final SplittableRandom rng = new SplittableRandom(7);

    @Test void elementwiseWithBroadcasting() {
        Tensor a = param(rng, -1, 1, 3, 4), b = param(rng, -1, 1, 3, 4), row = param(rng, -1, 1, 1, 4), col = param(rng, 0.5f, 2, 3, 1);
        check("add", t -> F.add(t[0], t[1]), a, b);
        check("add broadcast", t -> F.add(t[0], t[1]), a, row);
        check("sub broadcast", t -> F.sub(t[0], t[1]), col, a);
        check("mul broadcast", t -> F.mul(t[0], t[1]), a, col);
        check("div broadcast", t -> F.div(t[0], t[1]), a, col);
        Tensor z = param(rng, -1, 1, 2, 1, 3), mu = param(rng, -1, 1, 1, 4, 3);
        check("sub 3-d broadcast both", t -> F.sub(t[0], t[1]), z, mu);
        // the stretched operand first: its gradient is summed through the index map of a, not of b
        Tensor positive = param(rng, 0.5f, 2, 3, 4);
        check("mul broadcast first", t -> F.mul(t[0], t[1]), row, a);
        check("div broadcast first", t -> F.div(t[0], t[1]), col, positive);
        check("add broadcast first", t -> F.add(t[0], t[1]), row, a);
    }

    /** Whole-number exponents are allowed on negative x (PowOp's contract): x³, x⁻², x² on [−2, −0.5]. */
    @Test void powOfNegativesWithWholeExponents() {
        Tensor x = param(rng, -2f, -0.5f, 3, 5);
        check("pow 3 of negatives", t -> F.pow(t[0], 3f), x);
        check("pow -2 of negatives", t -> F.pow(t[0], -2f), x);
        check("pow 2 of negatives", t -> F.pow(t[0], 2f), x);
    }

    @Test void sumAlongTheFirstAxisAndOfAVector() {
        Tensor x = param(rng, -1, 1, 3, 4, 2), v = param(rng, -1, 1, 7);
        check("sum axis 0 drop", t -> F.sum(t[0], 0, false), x);
        check("sum axis 0 keep", t -> F.sum(t[0], 0, true), x);
        check("sum of a vector, axis 0", t -> F.sum(t[0], 0, false), v);
    }

    @Test void scalePowLogSum() {
        Tensor x = param(rng, 0.5f, 2f, 2, 3, 5);
        check("scale", t -> F.scale(t[0], -1.7f), x);
        check("addScalar", t -> F.addScalar(t[0], 3f), x);
        check("pow -1.5", t -> F.pow(t[0], -1.5f), x);
        check("log", t -> F.log(t[0]), x);
        check("sum", t -> F.sum(t[0]), x);
        check("mean", t -> F.mean(t[0]), x);
        check("sum axis 1 keep", t -> F.sum(t[0], 1, true), x);
        check("sum axis -1 drop", t -> F.sum(t[0], -1, false), x);
        check("reshape", t -> F.reshape(t[0], 6, -1), x);
    }

    /**
     * The forward values of the element-wise ops and reductions against loops written here in double. The finite
     * differences above compare back-propagation with the op's own forward, so a mistake made the same way in both (a
     * mean over n − 1, an index map that reads the wrong element in the forward and sends its gradient there too) passes
     * them; PyTorch's fixtures cover the layers and losses only (GoldenOpsTest).
     */
    @Test void forwardValuesAgainstLoops() {
        Tensor a = GradCheck.random(rng, -1, 1, 3, 4), row = GradCheck.random(rng, -1, 1, 1, 4);
        Tensor col = GradCheck.random(rng, 0.5f, 2, 3, 1), x = GradCheck.random(rng, 0.5f, 2, 2, 3, 5);
        double[] add = new double[12], sub = new double[12], mul = new double[12], div = new double[12], divFirst = new double[12];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++) {
                double aij = a.data[i * 4 + j], r = row.data[j], c = col.data[i];
                add[i * 4 + j] = aij + r; sub[i * 4 + j] = c - aij; mul[i * 4 + j] = aij * c; div[i * 4 + j] = aij / c;
                divFirst[i * 4 + j] = r / c;
            }
        same("add [3,4] + [1,4]", add, F.add(a, row), 3, 4);
        same("sub [3,1] - [3,4]", sub, F.sub(col, a), 3, 4);
        same("mul [3,4] * [3,1]", mul, F.mul(a, col), 3, 4);
        same("div [3,4] / [3,1]", div, F.div(a, col), 3, 4);
        same("div [1,4] / [3,1]", divFirst, F.div(row, col), 3, 4);

        double total = 0;
        double[] scaled = new double[30], shifted = new double[30], pow = new double[30], log = new double[30];
        double[] axis0 = new double[15], axis1 = new double[10], axisLast = new double[6];
        for (int p = 0; p < 2; p++)
            for (int q = 0; q < 3; q++)
                for (int s = 0; s < 5; s++) {
                    double v = x.data[(p * 3 + q) * 5 + s];
                    total += v;
                    int i = (p * 3 + q) * 5 + s;
                    scaled[i] = -1.7 * v; shifted[i] = v + 3; pow[i] = Math.pow(v, -1.5); log[i] = Math.log(v);
                    axis0[q * 5 + s] += v; axis1[p * 5 + s] += v; axisLast[p * 3 + q] += v;
                }
        same("sum", new double[] {total}, F.sum(x), 1);
        same("mean", new double[] {total / 30}, F.mean(x), 1);
        same("sum axis 0 keep", axis0, F.sum(x, 0, true), 1, 3, 5);
        same("sum axis 1 drop", axis1, F.sum(x, 1, false), 2, 5);
        same("sum axis -1 keep", axisLast, F.sum(x, -1, true), 2, 3, 1);
        same("scale", scaled, F.scale(x, -1.7f), 2, 3, 5);
        same("addScalar", shifted, F.addScalar(x, 3f), 2, 3, 5);
        same("pow -1.5", pow, F.pow(x, -1.5f), 2, 3, 5);
        same("log", log, F.log(x), 2, 3, 5);

        Tensor m = GradCheck.random(rng, -1, 1, 4, 6), n = GradCheck.random(rng, -1, 1, 6, 3);
        double[] mm = new double[12];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 6; k++) mm[i * 3 + j] += (double) m.data[i * 6 + k] * n.data[k * 3 + j];
        same("matmul [4,6]·[6,3]", mm, F.matmul(m, n), 4, 3);
    }

    /** y has {@code shape} and every value within float rounding (a few ulps) of the double one. */
    private static void same(String what, double[] want, Tensor y, int... shape) {
        assertArrayEquals(shape, y.shape(), what + ": shape");
        for (int i = 0; i < want.length; i++)
            org.junit.jupiter.api.Assertions.assertEquals(want[i], y.data[i], 1e-6 * Math.max(1, Math.abs(want[i])), what + " at " + i);
    }

    @Test void reluAwayFromZero() {
        Tensor x = GradCheck.random(rng, -1, 1, 4, 7);
        for (int i = 0; i < x.size(); i++) if (Math.abs(x.data[i]) < 0.05f) x.data[i] = 0.3f;   // keep ±h off the kink
        x.requiresGrad(true);
        check("relu", t -> F.relu(t[0]), x);
    }

    @Test void linearAndMatmul() {
        Tensor x = param(rng, -1, 1, 5, 7), w = param(rng, -1, 1, 3, 7), b = param(rng, -1, 1, 3);
        check("linear", t -> F.linear(t[0], t[1], t[2]), x, w, b);
        check("linear batch 1 no bias", t -> F.linear(t[0], t[1], null), param(rng, -1, 1, 1, 7), w);
        check("matmul", t -> F.matmul(t[0], t[1]), param(rng, -1, 1, 4, 6), param(rng, -1, 1, 6, 3));
    }

    @Test void conv2dGeometries() {
        int[][] cases = {
            // N, C, H, W, K, KH, KW, S, PT, PB, PL, PR
            {2, 2, 7, 7, 3, 3, 3, 1, 1, 1, 1, 1},    // stride 1, symmetric
            {1, 1, 9, 6, 2, 5, 5, 2, 1, 2, 1, 2},    // Keras 'same' k5 s2, non-square, batch 1
            {2, 3, 8, 5, 2, 3, 2, 2, 0, 1, 0, 0},    // k3x2, asymmetric
            {1, 2, 7, 7, 2, 3, 3, 2, 0, 0, 0, 0},    // 'valid' k3 s2 on an odd size (DCEC conv3)
        };
        for (int[] c : cases) {
            Tensor x = param(rng, -1, 1, c[0], c[1], c[2], c[3]);
            Tensor w = param(rng, -1, 1, c[4], c[1], c[5], c[6]);
            Tensor b = param(rng, -1, 1, c[4]);
            int[] pad = {c[8], c[9], c[10], c[11]};
            check("conv2d " + java.util.Arrays.toString(c), t -> F.conv2d(t[0], t[1], t[2], c[7], pad), x, w, b);
            sameAsComposition("conv2d + fused relu " + java.util.Arrays.toString(c),
                    t -> F.conv2d(t[0], t[1], t[2], c[7], pad, Activation.RELU),
                    t -> F.relu(F.conv2d(t[0], t[1], t[2], c[7], pad)), x, w, b);
        }
    }

    @Test void convTranspose2dGeometries() {
        int[][] cases = {
            // N, CI, H, W, CO, K, S, CT, CB, CL, CR
            {2, 3, 4, 4, 2, 5, 2, 1, 2, 1, 2},    // Keras 'same' k5 s2
            {1, 2, 3, 3, 2, 3, 2, 0, 0, 0, 0},    // 'valid' k3 s2 (DCEC deconv3 at 28x28)
            {2, 2, 3, 5, 3, 3, 1, 1, 1, 1, 1},    // stride 1, non-square
            {1, 2, 3, 4, 1, 5, 2, 2, 1, 2, 1},    // PyTorch padding 2, output_padding 1
        };
        for (int[] c : cases) {
            Tensor x = param(rng, -1, 1, c[0], c[1], c[2], c[3]);
            Tensor w = param(rng, -1, 1, c[1], c[4], c[5], c[5]);
            Tensor b = param(rng, -1, 1, c[4]);
            int[] crop = {c[7], c[8], c[9], c[10]};
            check("conv_transpose2d " + java.util.Arrays.toString(c), t -> F.convTranspose2d(t[0], t[1], t[2], c[6], crop), x, w, b);
            sameAsComposition("conv_transpose2d + fused relu " + java.util.Arrays.toString(c),
                    t -> F.convTranspose2d(t[0], t[1], t[2], c[6], crop, Activation.RELU),
                    t -> F.relu(F.convTranspose2d(t[0], t[1], t[2], c[6], crop)), x, w, b);
        }
    }

    /**
     * A fused op must equal the composition it replaces: the same output and the same gradient of
     * L = Σ y ⊙ r for every input, bit for bit (raw bits, so a −0 for a +0 shows). Both forms run the same kernel,
     * whose sums start at the bias with or without the fused ReLU, and mask ∂L/∂y with the same written
     * {@code reluBackward}, so nothing is left to rounding.
     * The composition's parts are checked by finite differences above (relu away from its kink) and by
     * the PyTorch fixtures; finite differences on the fused op itself would straddle the kink wherever a
     * pre-activation lies within h of zero, which random convolution outputs do. The fused pass runs twice and
     * must give the same bits both times: nothing may carry over from one pass to the next (a version that reused
     * the masked-gradient buffer of {@link Activation#backward} across passes without clearing it failed here).
     */
    private static void sameAsComposition(String what, Function<Tensor[], Tensor> fused, Function<Tensor[], Tensor> composed, Tensor... in) {
        float[][] a = valueAndGrads(fused, in), again = valueAndGrads(fused, in), b = valueAndGrads(composed, in);
        for (int i = 0; i < a.length; i++)
            assertArrayEquals(a[i], again[i], what + ": a second identical pass changed " + (i == 0 ? "the output" : "the gradient of input " + (i - 1)));
        for (int i = 0; i < a.length; i++)
            for (int j = 0; j < a[i].length; j++)
                if (Float.floatToRawIntBits(a[i][j]) != Float.floatToRawIntBits(b[i][j]))
                    fail(what + ": " + (i == 0 ? "output" : "gradient of input " + (i - 1)) + " element " + j + " is "
                            + a[i][j] + ", the composition gives " + b[i][j]);
    }

    /** {y, ∂L/∂in[0], ∂L/∂in[1], …} for L = Σ y ⊙ r with r = 1, −2, 3, … (exact zeros of y included). */
    private static float[][] valueAndGrads(Function<Tensor[], Tensor> f, Tensor... in) {
        for (Tensor t : in) t.zeroGrad();
        Tensor y = f.apply(in);
        Tensor r = Tensor.zeros(y.shape());
        for (int i = 0; i < r.size(); i++) r.data[i] = (i % 7 - 3) + 0.5f;
        F.sum(F.mul(y, r)).backward();
        float[][] out = new float[in.length + 1][];
        out[0] = y.data.clone();
        for (int i = 0; i < in.length; i++) out[i + 1] = in[i].grad().clone();
        return out;
    }

    @Test void losses() {
        Tensor a = param(rng, -1, 1, 3, 5), target = param(rng, -1, 1, 3, 5);
        check("mse", t -> F.mse(t[0], t[1]), a, target);
        Tensor z = param(rng, -2, 2, 6, 3), mu = param(rng, -2, 2, 4, 3);
        check("student t alpha 1", t -> F.studentT(t[0], t[1], 1f), z, mu);
        check("student t alpha 2.5", t -> F.studentT(t[0], t[1], 2.5f), z, mu);
        Tensor p = Tensor.zeros(6, 4);
        for (int i = 0; i < p.size(); i++) p.data[i] = (float) rng.nextDouble();
        for (int i = 0; i < 6; i++) { float s = 0; for (int j = 0; j < 4; j++) s += p.data[i * 4 + j]; for (int j = 0; j < 4; j++) p.data[i * 4 + j] /= s; }
        check("kl(p || q(z, mu))", t -> F.klDiv(p, F.studentT(t[0], t[1], 1f)), z, mu);
    }

    /**
     * Terms with p_ij = 0 are skipped in the forward (the limit of p log p) and in the backward: the loss does not depend on
     * q_ij there, so ∂L/∂q_ij must be exactly 0 (not 0/0 = NaN where q_ij has underflowed to 0 too), and −p_ij / (B·q_ij)
     * elsewhere. q is a leaf here (no softmax or Student's
     * t in front), so the finite differences see the zero terms themselves; the hand value of the loss: B = 2,
     * L = ½ (1·log(1/0.5) + 0.25·log(0.25/0.2) + 0.75·log(0.75/0.6)).
     */
    @Test void klTermsWithZeroTargetHaveNoGradient() {
        Tensor p = Tensor.zeros(2, 3);
        p.data[0] = 1f;                                   // row 0: one-hot, two zero terms
        p.data[4] = 0.25f; p.data[5] = 0.75f;             // row 1: one zero term
        float[] qv = {0.5f, 0.5f, 0f, 0.2f, 0.2f, 0.6f};   // q_02 = 0: an underflowed soft assignment
        Tensor q = Tensor.parameter(qv.clone(), 2, 3);
        double expected = 0.5 * (Math.log(2) + 0.25 * Math.log(0.25 / 0.2) + 0.75 * Math.log(0.75 / 0.6));
        Tensor y = F.klDiv(p, q);
        org.junit.jupiter.api.Assertions.assertEquals(expected, y.data[0], 1e-6);
        y.backward();
        float[] dq = q.grad();
        for (int i = 0; i < qv.length; i++) {
            float want = p.data[i] == 0f ? 0f : -p.data[i] / (2 * qv[i]);
            org.junit.jupiter.api.Assertions.assertEquals(want, dq[i], 1e-6f, "dL/dq[" + i + "]");
        }
        check("kl(p with zero terms || q)", t -> F.klDiv(p, t[0]), q);
    }

    @Test void shapeErrorsAreClear() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> F.add(a, b));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("do not broadcast"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> F.linear(Tensor.zeros(2, 3), Tensor.zeros(4, 5), null));
        assertThrows(IllegalArgumentException.class, () -> F.conv2d(Tensor.zeros(1, 2, 5, 5), Tensor.zeros(3, 1, 3, 3), null, 1, new int[4]));
        assertThrows(IllegalArgumentException.class, () -> F.reshape(Tensor.zeros(2, 3), 4, -1));
        assertArrayEquals(new int[] {2, 3}, F.reshape(Tensor.zeros(6), 2, -1).shape());
    }
}
