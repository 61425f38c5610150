package org.dcec4j.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dcec4j.engine.Backend;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.io.TensorFile;
import org.dcec4j.engine.kernels.Kernels;
import org.junit.jupiter.api.Test;

class AdamTest {
    /** As {@link Sgd} does: an infinite rate would make the weights ±Infinity at the first step. */
    @Test void refusesInfiniteRatesAndANullForm() {
        List<Tensor> params = List.of(Tensor.parameter(new float[] {1f}, 1));
        Kernels k = Backend.shared().kernels();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Adam(params, Float.POSITIVE_INFINITY));
        assertTrue(e.getMessage().contains("lr=Infinity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Adam(params, 1e-3f, 0.9f, 0.999f, Float.POSITIVE_INFINITY, Adam.Form.KERAS, k));
        assertTrue(e.getMessage().contains("eps=Infinity"), e.getMessage());
        NullPointerException n = assertThrows(NullPointerException.class, () -> new Adam(params, 1e-3f, 0.9f, 0.999f, 1e-7f, null, k));
        assertTrue(n.getMessage().contains("form"), n.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Sgd(params, Float.POSITIVE_INFINITY, 0f));
    }

    /** Sets p's gradient to g (creating the buffer), as a backward pass would. */
    private static void grad(Tensor p, float... g) { System.arraycopy(g, 0, p.grad(), 0, g.length); }

    private static Adam adam(List<Tensor> ps) { return new Adam(ps, 0.1f, 0.9f, 0.999f, 1e-8f, Adam.Form.PYTORCH, Backend.shared().kernels()); }

    /**
     * A parameter that first gets a gradient at step 2 takes its first bias correction then (t = 1 for it, as
     * torch.optim.Adam counts per parameter): it moves exactly as in an optimiser of its own started at that step. Once
     * it has a gradient, zeroGrad leaves zeros, and a step in which it took no part updates it with g = 0 (PyTorch 1.13's
     * zero_grad()). With one count for all it took t = 2 at its first update: 0.0744 instead of 0.1 here.
     */
    @Test void refusesAnEmptyListANullAComputedTensorAndAParameterListedTwice() {
        Kernels k = Backend.scalar().kernels();
        Tensor w = Tensor.parameter(new float[] {1f, 2f}, 2), b = Tensor.parameter(new float[] {3f}, 1);
        Tensor computed = org.dcec4j.engine.F.scale(w, 2f);
        String[][] cases = {{"empty"}, {"null", "parameter 1 is null"}, {"computed", "parameter 1 (Tensor[2] <- ScaleOp) is computed"},
                {"twice", "parameters 0 and 2 are the same tensor (Tensor[2])"}};
        List<List<Tensor>> lists = List.of(List.of(), java.util.Arrays.asList(w, null), List.of(w, computed), List.of(w, b, w));
        for (int c = 0; c < cases.length; c++) {
            List<Tensor> params = lists.get(c);
            String expected = cases[c].length > 1 ? cases[c][1] : "the parameter list is empty";
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Adam(params, 1e-3f, k), cases[c][0]);
            assertTrue(e.getMessage().startsWith("Adam: ") && e.getMessage().contains(expected), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new Sgd(params, 0.1f, 0f), cases[c][0]);
            assertTrue(e.getMessage().startsWith("SGD: ") && e.getMessage().contains(expected), e.getMessage());
        }
    }

    @Test void aParameterJoiningLateCountsItsOwnSteps() {
        Tensor a = Tensor.parameter(new float[] {1f, -1f}, 2), b = Tensor.parameter(new float[] {1f, 2f}, 2);
        Tensor a1 = Tensor.parameter(new float[] {1f, -1f}, 2), b1 = Tensor.parameter(new float[] {1f, 2f}, 2);
        Adam both = adam(List.of(a, b)), onlyA = adam(List.of(a1)), onlyB = adam(List.of(b1));
        // step 1: b takes no part and has no gradient yet
        grad(a, 0.5f, -0.2f); both.step();
        grad(a1, 0.5f, -0.2f); onlyA.step();
        assertArrayEquals(new float[] {1f, 2f}, b.data, "no gradient yet: not updated");
        // step 2: both take part; b's first update
        both.zeroGrad(); grad(a, 0.3f, 0.1f); grad(b, 0.4f, -0.7f); both.step();
        onlyA.zeroGrad(); grad(a1, 0.3f, 0.1f); onlyA.step();
        grad(b1, 0.4f, -0.7f); onlyB.step();
        assertArrayEquals(b1.data, b.data);
        assertTrue(Math.abs(1f - b.data[0] - 0.1f) < 1e-6f, "a first Adam update moves by lr: " + (1f - b.data[0]));
        // the state written now and read into a new optimiser continues the same way
        TensorFile.Builder saved = TensorFile.builder();
        both.saveState(saved, "adam.");
        Adam resumed = adam(List.of(a, b));
        resumed.loadState(TensorFile.parse(saved.toBytes(), "state"), "adam.", "state");
        // step 3: only a takes part; b's zeroed gradient updates it with g = 0
        resumed.zeroGrad(); grad(a, -0.2f, 0.6f); resumed.step();
        onlyA.zeroGrad(); grad(a1, -0.2f, 0.6f); onlyA.step();
        onlyB.zeroGrad(); onlyB.step();
        assertArrayEquals(a1.data, a.data);
        assertArrayEquals(b1.data, b.data);
        assertTrue(resumed.iterations() == 3);
    }

    /** A state written before the per-parameter counts were kept has t alone: every parameter takes that count. */
    @Test void aStateWithOneCountGivesItToEveryParameter() {
        Tensor a = Tensor.parameter(new float[] {1f}, 1), a1 = Tensor.parameter(new float[] {1f}, 1);
        Adam one = adam(List.of(a)), old = adam(List.of(a1));
        for (int s = 0; s < 2; s++) { one.zeroGrad(); grad(a, 0.5f); one.step(); }
        // the old format: "t" and the moments, no "t.0"
        TensorFile.Builder b = TensorFile.builder();
        one.saveState(b, "x.");
        TensorFile full = TensorFile.parse(b.toBytes(), "new");
        TensorFile.Builder legacy = TensorFile.builder().meta("x.t", "2");
        legacy.tensor("x.m.0", new int[] {1}, full.get("x.m.0").data());
        legacy.tensor("x.v.0", new int[] {1}, full.get("x.v.0").data());
        a1.data[0] = a.data[0];
        old.loadState(TensorFile.parse(legacy.toBytes(), "legacy"), "x.", "legacy");
        one.zeroGrad(); grad(a, 0.5f); one.step();
        grad(a1, 0.5f); old.step();
        assertArrayEquals(a.data, a1.data, "the third step's bias correction, t = 3, in both");
        // a count above t is refused, naming it
        TensorFile.Builder bad = TensorFile.builder().meta("x.t", "2").meta("x.t.0", "3");
        bad.tensor("x.m.0", new int[] {1}, new float[1]);
        bad.tensor("x.v.0", new int[] {1}, new float[1]);
        TensorFile.FormatException e = assertThrows(TensorFile.FormatException.class,
                () -> old.loadState(TensorFile.parse(bad.toBytes(), "bad"), "x.", "bad"));
        assertTrue(e.getMessage().contains("'x.t.0' invalid: 3"), e.getMessage());
    }

    /**
     * Moments no run writes (a NaN in m, a negative v) are refused on reading, naming the entry, the value and its index,
     * before the optimiser changes: restored, they turned the weights into NaN at the next step.
     */
    @Test void aStateWithImpossibleMomentsIsRefusedNamingTheEntry() {
        Tensor a = Tensor.parameter(new float[] {1f, 2f}, 2);
        Adam opt = adam(List.of(a));
        opt.zeroGrad(); grad(a, 0.5f, -0.5f); opt.step();
        TensorFile.Builder b = TensorFile.builder();
        opt.saveState(b, "x.");
        TensorFile good = TensorFile.parse(b.toBytes(), "good");
        Object[][] cases = {{"x.m.0", Float.NaN, "'x.m.0' holds NaN at index 1; expected finite values"},
                {"x.v.0", -1f, "'x.v.0' holds -1.0 at index 1; expected finite values of at least 0 (a mean of squares)"},
                {"x.v.0", Float.POSITIVE_INFINITY, "'x.v.0' holds Infinity at index 1"}};
        for (Object[] c : cases) {
            TensorFile.Builder edited = TensorFile.builder();
            good.meta().forEach(edited::meta);
            for (String n : good.names()) {
                float[] v = good.get(n).data().clone();
                if (n.equals(c[0])) v[1] = (Float) c[1];
                edited.tensor(n, good.get(n).shape(), v);
            }
            Adam fresh = adam(List.of(a));
            TensorFile.FormatException e = assertThrows(TensorFile.FormatException.class,
                    () -> fresh.loadState(TensorFile.parse(edited.toBytes(), "ck"), "x.", "ck"));
            assertTrue(e.getMessage().startsWith("ck: optimiser state " + c[2]), e.getMessage());
            assertEquals(0, fresh.iterations(), "nothing restored");
        }
    }
}
