package org.dcec4j.engine.ops;

import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Autograd;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Finite-difference gradient checks. For f mapping inputs to a tensor y, the test loss is
 * L = Σ y ⊙ r with a fixed random r (y from the float32 ops, the sum in double); each checked element of each input is
 * nudged by ±h, rounded to float32, and (L(x+h) − L(x−h)) divided by the step actually taken is compared with the
 * gradient from back-propagation.
 */
public final class GradCheck {
    private GradCheck() {}

    public static Tensor random(SplittableRandom rng, float lo, float hi, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) t.data[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        return t;
    }

    public static Tensor param(SplittableRandom rng, float lo, float hi, int... shape) {
        return random(rng, lo, hi, shape).requiresGrad(true);
    }

    /** Checks every input (at most {@code maxPerInput} random elements of each). */
    public static void check(String what, Function<Tensor[], Tensor> f, long seed, double h, double tol, int maxPerInput, Tensor... inputs) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor y0 = f.apply(inputs);
        float[] r = new float[y0.size()];
        for (int i = 0; i < r.length; i++) r[i] = (float) (rng.nextDouble() * 2 - 1);
        Tensor loss = F.sum(F.mul(y0, Tensor.of(r, y0.shape())));
        float[][] analytic = Autograd.gradients(loss, inputs);
        for (int a = 0; a < inputs.length; a++) {
            Tensor x = inputs[a];
            int n = x.size();
            int count = Math.min(n, maxPerInput);
            double worst = 0; String worstMsg = "";
            double scale = 0;
            for (float g : analytic[a]) scale = Math.max(scale, Math.abs(g));
            for (int c = 0; c < count; c++) {
                int i = count == n ? c : rng.nextInt(n);
                float old = x.data[i], up = (float) (old + h), down = (float) (old - h);
                x.data[i] = up;
                double lp = dot(evalNoGrad(f, inputs), r);
                x.data[i] = down;
                double lm = dot(evalNoGrad(f, inputs), r);
                x.data[i] = old;
                // divided by the step the float input actually took, not by 2h (old ± h is rounded to float32)
                double numeric = (lp - lm) / ((double) up - down);
                double err = Math.abs(numeric - analytic[a][i]) / Math.max(1e-3, Math.max(scale, Math.abs(numeric)));
                if (err > worst) { worst = err; worstMsg = "index " + i + ": numeric " + numeric + " vs backprop " + analytic[a][i]; }
            }
            if (worst > tol) fail(what + ": input " + a + " gradient differs from finite differences (rel err " + worst + " > " + tol + ") at " + worstMsg);
        }
    }

    /** Defaults suitable for float32 ops with inputs of order 1. */
    public static void check(String what, Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(what, f, 42, 1e-2, 2e-3, 60, inputs);
    }

    private static Tensor evalNoGrad(Function<Tensor[], Tensor> f, Tensor[] inputs) {
        try (var ignored = Autograd.noGrad()) { return f.apply(inputs); }
    }

    private static double dot(Tensor y, float[] r) {
        double s = 0;
        for (int i = 0; i < r.length; i++) s += (double) y.data[i] * r[i];
        return s;
    }
}
