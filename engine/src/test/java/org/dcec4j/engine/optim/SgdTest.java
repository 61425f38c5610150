package org.dcec4j.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.io.TensorFile;
import org.junit.jupiter.api.Test;

class SgdTest {

    /** Three steps with g = 0.5, lr 0.1, μ 0.9 from p = 1, by hand: b = 0.5, 0.95, 1.355; p = 0.95, 0.855, 0.7195. */
    @Test void momentumStepsMatchTheHandComputedSequenceInBothForms() {
        for (Sgd.Form form : Sgd.Form.values()) {
            Tensor p = Tensor.parameter(new float[] {1f}, 1);
            Sgd opt = new Sgd(List.of(p), 0.1f, 0.9f, form);
            float[] expected = {0.95f, 0.855f, 0.7195f};
            for (int t = 0; t < 3; t++) {
                opt.zeroGrad();
                p.grad()[0] = 0.5f;
                opt.step();
                assertEquals(expected[t], p.data[0], 1e-6, form + ", step " + (t + 1));
            }
        }
    }

    /**
     * Each parameter has a velocity of its own: two parameters of one size in one optimiser take the bits each takes in an
     * optimiser of its own, in both forms, and continues so from its saved state (every other test here has a single
     * parameter, so one velocity for all, or one entry of the saved state read for all, passed).
     */
    @Test void everyParameterHasItsOwnVelocity() {
        float[][] grads = {{0.5f, -1f}, {-0.25f, 2f}, {1.5f, 0.75f}, {-2f, 0.125f}};
        for (Sgd.Form form : Sgd.Form.values()) {
            Tensor a = Tensor.parameter(new float[] {1f, -1f}, 2), b = Tensor.parameter(new float[] {0.5f, 2f}, 2);
            Tensor a1 = Tensor.parameter(a.data.clone(), 2), b1 = Tensor.parameter(b.data.clone(), 2);
            Sgd both = new Sgd(List.of(a, b), 0.1f, 0.9f, form);
            Sgd onlyA = new Sgd(List.of(a1), 0.1f, 0.9f, form), onlyB = new Sgd(List.of(b1), 0.1f, 0.9f, form);
            for (int t = 0; t < 3; t++) {
                both.zeroGrad(); onlyA.zeroGrad(); onlyB.zeroGrad();
                System.arraycopy(grads[t], 0, a.grad(), 0, 2); System.arraycopy(grads[t], 0, a1.grad(), 0, 2);
                System.arraycopy(grads[t + 1], 0, b.grad(), 0, 2); System.arraycopy(grads[t + 1], 0, b1.grad(), 0, 2);
                both.step(); onlyA.step(); onlyB.step();
                assertArrayEquals(a1.data, a.data, form + ", step " + (t + 1) + ", first parameter");
                assertArrayEquals(b1.data, b.data, form + ", step " + (t + 1) + ", second parameter");
            }
            // and each velocity is saved and restored under its own entry
            TensorFile.Builder fb = TensorFile.builder();
            both.saveState(fb, "opt.");
            Sgd resumed = new Sgd(List.of(a, b), 0.1f, 0.9f, form);
            resumed.loadState(TensorFile.parse(fb.toBytes(), "state"), "opt.", "state");
            resumed.zeroGrad(); onlyA.zeroGrad(); onlyB.zeroGrad();
            System.arraycopy(grads[3], 0, a.grad(), 0, 2); System.arraycopy(grads[3], 0, a1.grad(), 0, 2);
            System.arraycopy(grads[0], 0, b.grad(), 0, 2); System.arraycopy(grads[0], 0, b1.grad(), 0, 2);
            resumed.step(); onlyA.step(); onlyB.step();
            assertArrayEquals(a1.data, a.data, form + ", after loading, first parameter");
            assertArrayEquals(b1.data, b.data, form + ", after loading, second parameter");
        }
    }

    /** μ = 0 is plain SGD: p ← p − lr·g. */
    @Test void zeroMomentumIsPlainGradientDescent() {
        Tensor p = Tensor.parameter(new float[] {2f, -1f}, 2);
        Sgd opt = new Sgd(List.of(p), 0.25f, 0f, Sgd.Form.KERAS);
        for (int t = 0; t < 2; t++) {
            opt.zeroGrad();
            p.grad()[0] = 1f; p.grad()[1] = -2f;
            opt.step();
        }
        assertArrayEquals(new float[] {1.5f, 0f}, p.data, 0f);
    }

    /** With a constant lr the Keras state is −lr times PyTorch's: the two forms follow one sequence up to rounding. */
    @Test void kerasAndPyTorchFormsAgreeOnRandomGradients() {
        SplittableRandom rng = new SplittableRandom(3);
        float[] init = new float[64];
        for (int i = 0; i < init.length; i++) init[i] = (float) rng.nextGaussian();
        Tensor a = Tensor.parameter(init.clone(), 64), b = Tensor.parameter(init.clone(), 64);
        Sgd pt = new Sgd(List.of(a), 0.05f, 0.9f, Sgd.Form.PYTORCH), keras = new Sgd(List.of(b), 0.05f, 0.9f, Sgd.Form.KERAS);
        for (int t = 0; t < 50; t++) {
            pt.zeroGrad(); keras.zeroGrad();
            for (int i = 0; i < 64; i++) { float g = (float) rng.nextGaussian(); a.grad()[i] = g; b.grad()[i] = g; }
            pt.step(); keras.step();
        }
        for (int i = 0; i < 64; i++) assertEquals(a.data[i], b.data[i], 1e-4 * (1 + Math.abs(a.data[i])), "element " + i);
    }

    /** Saved after 3 steps and loaded into a fresh optimiser, 3 more steps give the bits of 6 uninterrupted steps. */
    @Test void savedStateContinuesBitForBit() {
        float[][] grads = new float[6][3];
        SplittableRandom rng = new SplittableRandom(9);
        for (float[] g : grads) for (int i = 0; i < 3; i++) g[i] = (float) rng.nextGaussian();
        Tensor whole = Tensor.parameter(new float[] {0.1f, 0.2f, 0.3f}, 3);
        Sgd w = new Sgd(List.of(whole), 0.01f, 0.9f, Sgd.Form.KERAS);
        for (float[] g : grads) { w.zeroGrad(); System.arraycopy(g, 0, whole.grad(), 0, 3); w.step(); }

        Tensor first = Tensor.parameter(new float[] {0.1f, 0.2f, 0.3f}, 3);
        Sgd s1 = new Sgd(List.of(first), 0.01f, 0.9f, Sgd.Form.KERAS);
        for (int t = 0; t < 3; t++) { s1.zeroGrad(); System.arraycopy(grads[t], 0, first.grad(), 0, 3); s1.step(); }
        TensorFile.Builder fb = TensorFile.builder();
        s1.saveState(fb, "opt.");
        TensorFile file = TensorFile.parse(fb.toBytes(), "state");
        Tensor second = Tensor.parameter(first.data.clone(), 3);
        Sgd s2 = new Sgd(List.of(second), 0.01f, 0.9f, Sgd.Form.KERAS);
        s2.loadState(file, "opt.", "state");
        for (int t = 3; t < 6; t++) { s2.zeroGrad(); System.arraycopy(grads[t], 0, second.grad(), 0, 3); s2.step(); }
        assertArrayEquals(whole.data, second.data);   // bits: a delta of 0 takes +0 and −0 for equal
    }

    @Test void stateOfTheWrongShapeIsRefusedWithItsName() {
        TensorFile.Builder fb = TensorFile.builder();
        new Sgd(List.of(Tensor.parameter(new float[4], 4)), 0.1f, 0.5f).saveState(fb, "opt.");
        TensorFile file = TensorFile.parse(fb.toBytes(), "state");
        Sgd other = new Sgd(List.of(Tensor.parameter(new float[3], 3)), 0.1f, 0.5f);
        TensorFile.FormatException e = assertThrows(TensorFile.FormatException.class, () -> other.loadState(file, "opt.", "ckpt.dc4j"));
        assertTrue(e.getMessage().contains("ckpt.dc4j") && e.getMessage().contains("opt.b.0"), e.getMessage());
        // a velocity that is not finite is refused too, naming the entry, the value and its index
        TensorFile nan = TensorFile.parse(TensorFile.builder().tensor("opt.b.0", new int[] {3}, new float[] {0, Float.NaN, 0}).toBytes(), "state");
        e = assertThrows(TensorFile.FormatException.class, () -> other.loadState(nan, "opt.", "ckpt.dc4j"));
        assertTrue(e.getMessage().equals("ckpt.dc4j: optimiser state 'opt.b.0' holds NaN at index 1; expected finite values"), e.getMessage());
    }

    @Test void badSettingsAreRefused() {
        List<Tensor> ps = List.of(Tensor.parameter(new float[1], 1));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, 0f, 0.9f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, Float.NaN, 0.9f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, 0.1f, 1f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, 0.1f, -0.1f));
    }
}
