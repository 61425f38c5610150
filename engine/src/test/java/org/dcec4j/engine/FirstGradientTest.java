package org.dcec4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.dcec4j.engine.kernels.Activation;
import org.dcec4j.engine.kernels.Kernels;
import org.dcec4j.engine.kernels.ScalarKernels;
import org.dcec4j.engine.nn.Conv2d;
import org.dcec4j.engine.nn.ConvTranspose2d;
import org.dcec4j.engine.nn.Linear;
import org.dcec4j.engine.nn.Padding;
import org.dcec4j.engine.ops.Conv2dOp;
import org.dcec4j.engine.ops.ConvTranspose2dOp;
import org.junit.jupiter.api.Test;

/**
 * The first gradient to reach a computed tensor is written into {@link Tensor#freshGrad()} instead of added into a
 * cleared array (docs/math/autograd.md#memory). The oracle is the accumulating path itself: the same graph
 * back-propagated once with every gradient buffer created beforehand (so every op adds into zeros) must give the
 * same bits, for every computed tensor's gradient and every parameter's, −0 terms included.
 */
class FirstGradientTest {

    @Test void writtenFirstGradientsHaveTheBitsOfAddingIntoZerosScalar() {
        sameBitsWrittenAndAdded(new ScalarKernels());
    }

    @Test void writtenFirstGradientsHaveTheBitsOfAddingIntoZerosVector() {
        assumeTrue(Backend.vectorModulePresent(), "needs --add-modules jdk.incubator.vector");
        try (Backend b = Backend.create(Backend.Kind.VECTOR, 2)) {
            sameBitsWrittenAndAdded(b.kernels());
        }
    }

    @Test void freshGradIsOnlyForTheFirstGradient() {
        Tensor p = Tensor.parameter(new float[3], 3);
        float[] g = p.freshGrad();
        assertTrue(p.hasGrad());
        assertTrue(g == p.grad(), "freshGrad() becomes grad()");
        assertThrows(IllegalStateException.class, p::freshGrad);
    }

    private static void sameBitsWrittenAndAdded(Kernels k) {
        Net net = new Net(k);
        Random r = new Random(11);
        StepArena arena = new StepArena();
        // a new batch every step: from the second step on, the arena hands freshGrad() the previous step's arrays,
        // full of that step's (different) values, so a written form that skipped an element would show
        for (int step = 0; step < 3; step++) {
            float[] xb = new float[3 * 8 * 8];
            for (int i = 0; i < xb.length; i++) xb[i] = r.nextFloat() - 0.3f;
            Tensor x = Tensor.of(xb, 3, 1, 8, 8);
            // the target equals the output at every third element, so that the MSE gradient has exact zero terms,
            // which a negative seed makes −0: the written forms must turn them into +0 as adding into zeros does
            float[] target = net.forward(x).data.clone();
            for (int i = 0; i < target.length; i++) if (i % 3 != 0) target[i] += 0.25f * (r.nextFloat() - 0.5f);
            Tensor t = Tensor.of(target, 3, 1, 8, 8);

            List<int[]> masks = new ArrayList<>();
            List<int[]> added = backward(net, x, t, true, null, masks);
            List<int[]> written = backward(net, x, t, false, null, null);
            List<int[]> inArena = backward(net, x, t, false, arena, null);
            assertEquals(added.size(), written.size());
            int masked = 0;
            for (int i = 0; i < added.size(); i++) {
                assertArrayEquals(added.get(i), written.get(i), "step " + step + ", gradient " + i);
                // inside the arena a fused ReLU's output gradient is masked in place once its op has run:
                // it reads ∂L/∂z = ∂L/∂y · [y > 0], 0 where the output is 0; every other gradient is unchanged
                int[] want = added.get(i).clone(), mask = masks.get(i);
                if (mask != null) {
                    for (int e = 0; e < want.length; e++) if (mask[e] == 0) want[e] = 0;
                    if (!java.util.Arrays.equals(want, added.get(i))) masked++;
                }
                assertArrayEquals(want, inArena.get(i), "step " + step + ", gradient " + i + " (arena)");
            }
            assertEquals(3, masked, "conv1's, conv2's and deconv2's output gradients have entries masked in place");
        }
        assertTrue(arena.reusedArrays() > 0);
    }

    /**
     * One forward and backward pass from seed −1 (so that exact-zero MSE terms are −0). With {@code addIntoZeros}
     * every computed tensor's gradient exists before the pass, so every op adds. Returns the bits of every computed
     * tensor's gradient (in topological order) and of every parameter's; into {@code masks}, if given, one entry per
     * gradient: [y &gt; 0] as 0/1 for the output y of a convolution with a fused ReLU, null for every other.
     */
    private static List<int[]> backward(Net net, Tensor x, Tensor target, boolean addIntoZeros, StepArena arena,
                                        List<int[]> masks) {
        List<int[]> bits = new ArrayList<>();
        try (var s = arena != null ? arena.open() : null) {
            for (Tensor p : net.params) p.zeroGrad();
            Tensor loss = F.mse(net.forward(x), target);
            List<Tensor> order = Autograd.topologicalOrder(loss);
            if (addIntoZeros) for (Tensor u : order) if (!u.isLeaf()) u.grad();
            Autograd.backward(loss, new float[] {-1f});
            int computed = 0;
            for (Tensor u : order) if (!u.isLeaf()) {
                bits.add(bits(u.grad()));
                computed++;
                if (masks != null) masks.add(reluOutput(u) ? positive(u.data) : null);
            }
            assertTrue(computed >= 10, "the graph has every op that writes a first gradient");
        }
        for (Tensor p : net.params) {
            bits.add(bits(p.grad()));
            if (masks != null) masks.add(null);
        }
        return bits;
    }

    private static boolean reluOutput(Tensor u) {
        return u.op() instanceof Conv2dOp c && c.activation() == Activation.RELU
                || u.op() instanceof ConvTranspose2dOp d && d.activation() == Activation.RELU;
    }

    private static int[] positive(float[] y) {
        int[] m = new int[y.length];
        for (int i = 0; i < y.length; i++) m[i] = y[i] > 0f ? 1 : 0;
        return m;
    }

    /**
     * conv → conv (its input gradient is written by the transposed convolution; 16 input channels, so the vector
     * kernels take the pixel-major form at every width) → dense → relu → dense → deconv → deconv.
     */
    private static final class Net {
        final Kernels k;
        final Conv2d conv1 = new Conv2d(1, 16, 3, 1, Padding.same(), Activation.RELU, new SplittableRandom(1));
        final Conv2d conv2 = new Conv2d(16, 6, 3, 2, Padding.same(), Activation.RELU, new SplittableRandom(2));
        final Linear down = new Linear(6 * 4 * 4, 5, new SplittableRandom(3)), up = new Linear(5, 6 * 4 * 4, new SplittableRandom(4));
        final ConvTranspose2d deconv2 = new ConvTranspose2d(6, 16, 3, 2, Padding.same(), Activation.RELU, new SplittableRandom(5));
        final ConvTranspose2d deconv1 = new ConvTranspose2d(16, 1, 3, 1, Padding.same(), Activation.NONE, new SplittableRandom(6));
        final List<Tensor> params = new ArrayList<>();

        Net(Kernels k) {
            this.k = k;
            for (var m : List.of(conv1, conv2, down, up, deconv2, deconv1)) { m.use(k); params.addAll(m.parameters()); }
        }

        Tensor forward(Tensor x) {
            int n = x.dim(0);
            Tensor h = F.relu(k, up.forward(down.forward(conv2.forward(conv1.forward(x)).reshape(n, 96)))).reshape(n, 6, 4, 4);
            return deconv1.forward(deconv2.forward(h));
        }
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Float.floatToRawIntBits(a[i]);
        return b;
    }
}
