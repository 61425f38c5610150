package org.dcec4j.engine.optim;

import java.util.List;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.io.TensorFile;
import org.dcec4j.engine.Backend;
import org.dcec4j.engine.kernels.Kernels;

/**
 * Adam (Kingma &amp; Ba). With g the gradient at step t (t = 1, 2, …):
 * <pre>
 *   m ← β1·m + (1−β1)·g           v ← β2·v + (1−β2)·g²
 *   KERAS   (default, DCEC's reference):  p ← p − lr·√(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ε)
 *   PYTORCH (torch.optim.Adam):           p ← p − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε)
 * </pre>
 * The two differ only in where ε sits (PyTorch's ε is in bias-corrected units); both reduce to the one
 * kernel {@code p ← p − stepSize·m/(√v + ε̂)} with stepSize = lr·√(1−β2ᵗ)/(1−β1ᵗ) and ε̂ = ε (Keras)
 * or ε̂ = ε·√(1−β2ᵗ) (PyTorch). Defaults: lr 0.001, β1 0.9, β2 0.999, ε 1e-7 (Keras ≥ 2.1.3; Keras ≤ 2.1.2 used 1e-8),
 * Keras form. The bias corrections use {@link StrictMath#pow}, whose result is the same on every CPU and JDK. The
 * updates run on the kernels given to the constructor (the JVM's default backend when none is given).
 *
 * <p>Which parameters a step updates, as {@code torch.optim.Adam} with PyTorch 1.13's {@code zero_grad()}: a
 * parameter without a gradient buffer ({@link Tensor#hasGrad()} false: none has reached it yet) is skipped, and t is
 * counted per parameter, from its first update. {@link Tensor#zeroGrad()} fills the buffer with zeros rather than
 * dropping it, so from its first gradient on a parameter is updated at every step, with g = 0 when it took no part
 * in that step's loss (m and v decay and it keeps moving by the momentum). In DCEC every parameter takes part in
 * every step, so all counts equal {@link #iterations()} (Keras keeps one count, {@code iterations}, for all).
 * Math: docs/math/adam.md
 */
public final class Adam implements Optimizer {
    public enum Form { KERAS, PYTORCH }

    private final Kernels kernels;
    private final List<Tensor> params;
    private final float lr, beta1, beta2, eps;
    private final Form form;
    private final float[][] m, v;
    /** t: steps taken ({@link #iterations()}); paramSteps[i]: updates of parameter i, the t of its bias correction. */
    private long t;
    private final long[] paramSteps;

    public Adam(List<Tensor> params) { this(params, 1e-3f); }

    public Adam(List<Tensor> params, float lr) { this(params, lr, Backend.shared().kernels()); }

    public Adam(List<Tensor> params, float lr, Kernels kernels) { this(params, lr, 0.9f, 0.999f, 1e-7f, Form.KERAS, kernels); }

    public Adam(List<Tensor> params, float lr, float beta1, float beta2, float eps, Form form) {
        this(params, lr, beta1, beta2, eps, form, Backend.shared().kernels());
    }

    public Adam(List<Tensor> params, float lr, float beta1, float beta2, float eps, Form form, Kernels kernels) {
        // an infinite lr or eps would turn the weights into ±Infinity or NaN at the first step
        if (!(lr > 0) || Float.isInfinite(lr) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0) || Float.isInfinite(eps))
            throw new IllegalArgumentException("Adam: need finite lr > 0, 0 <= beta < 1, finite eps >= 0 (lr=" + lr + ", beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps + ")");
        this.kernels = java.util.Objects.requireNonNull(kernels, "kernels");
        this.params = ParameterList.checked("Adam", params);
        this.lr = lr; this.beta1 = beta1; this.beta2 = beta2; this.eps = eps; this.form = java.util.Objects.requireNonNull(form, "form");
        int n = this.params.size();
        m = new float[n][];
        v = new float[n][];
        paramSteps = new long[n];
        for (int i = 0; i < n; i++) {
            m[i] = new float[this.params.get(i).size()];
            v[i] = new float[this.params.get(i).size()];
        }
    }

    /** Steps taken so far. */
    public long iterations() { return t; }

    @Override public void step() {
        t++;
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (!p.hasGrad()) continue;           // no gradient has reached it yet: not updated, its t not counted
            long ti = ++paramSteps[i];
            // bias corrections in double: 1 − βᵗ (the same for every parameter that has taken part since step 1)
            double c1 = 1.0 - StrictMath.pow(beta1, ti), c2 = 1.0 - StrictMath.pow(beta2, ti);
            float stepSize = (float) (lr * Math.sqrt(c2) / c1);
            float epsHat = form == Form.KERAS ? eps : (float) (eps * Math.sqrt(c2));
            kernels.adamStep(p.data, m[i], v[i], p.grad(), p.size(), beta1, beta2, stepSize, epsHat);
        }
    }

    @Override public void zeroGrad() { for (Tensor p : params) p.zeroGrad(); }

    @Override public void saveState(TensorFile.Builder b, String prefix) {
        b.meta(prefix + "t", Long.toString(t));
        for (int i = 0; i < params.size(); i++) {
            b.meta(prefix + "t." + i, Long.toString(paramSteps[i]));
            b.tensor(prefix + "m." + i, params.get(i).shape(), m[i]);
            b.tensor(prefix + "v." + i, params.get(i).shape(), v[i]);
        }
    }

    @Override public void loadState(TensorFile f, String prefix, String source) {
        for (int i = 0; i < params.size(); i++) {
            SavedState.require(f, prefix + "m." + i, params.get(i), false, source);
            SavedState.require(f, prefix + "v." + i, params.get(i), true, source);
        }
        String steps = f.meta(prefix + "t");
        long tt;
        try { tt = Long.parseLong(steps); } catch (RuntimeException e) { tt = -1; }
        if (tt < 0) throw new TensorFile.FormatException(source + ": optimiser step count '" + prefix + "t' missing or invalid: " + steps);
        // per-parameter counts; a state written before they were kept has t alone, which every parameter then shares
        // (as it did: the trainers' parameters all take part in every step)
        long[] counts = new long[params.size()];
        for (int i = 0; i < params.size(); i++) {
            String ci = f.meta(prefix + "t." + i);
            long c;
            try { c = ci == null ? tt : Long.parseLong(ci); } catch (RuntimeException e) { c = -1; }
            if (c < 0 || c > tt)
                throw new TensorFile.FormatException(source + ": optimiser step count '" + prefix + "t." + i + "' invalid: " + ci
                        + " (expected 0 to " + tt + ")");
            counts[i] = c;
        }
        for (int i = 0; i < params.size(); i++) {
            System.arraycopy(f.get(prefix + "m." + i).data(), 0, m[i], 0, m[i].length);
            System.arraycopy(f.get(prefix + "v." + i).data(), 0, v[i], 0, v[i].length);
        }
        t = tt;
        System.arraycopy(counts, 0, paramSteps, 0, counts.length);
    }
}
