package org.dcec4j.engine.optim;

import java.util.List;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.io.TensorFile;

/**
 * Stochastic gradient descent with momentum μ and learning rate lr, in either library's form:
 * <pre>
 *   PYTORCH (torch.optim.SGD):        b ← μ·b + g ;      p ← p − lr·b
 *   KERAS   (keras.optimizers.SGD):   v ← μ·v − lr·g ;   p ← p + v
 * </pre>
 * With a constant lr the two are the same sequence (v = −lr·b at every step); they differ only in rounding.
 * μ = 0 is plain SGD. The state (b or v) starts at zero. Math: docs/math/adam.md#sgd
 */
public final class Sgd implements Optimizer {
    public enum Form { PYTORCH, KERAS }

    private final List<Tensor> params;
    private final float lr, momentum;
    private final Form form;
    private final float[][] buf;

    /** PyTorch's form. */
    public Sgd(List<Tensor> params, float lr, float momentum) { this(params, lr, momentum, Form.PYTORCH); }

    public Sgd(List<Tensor> params, float lr, float momentum, Form form) {
        if (!(lr > 0) || Float.isInfinite(lr) || !(momentum >= 0 && momentum < 1))
            throw new IllegalArgumentException("SGD: need lr > 0 and 0 <= momentum < 1 (lr=" + lr + ", momentum=" + momentum + ")");
        this.params = ParameterList.checked("SGD", params);
        this.lr = lr; this.momentum = momentum; this.form = java.util.Objects.requireNonNull(form, "form");
        buf = new float[this.params.size()][];
        for (int i = 0; i < buf.length; i++) buf[i] = new float[this.params.get(i).size()];
    }

    @Override public void step() {
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            // no gradient has reached it yet: not updated (once one has, zeroGrad leaves zeros and it is updated with
            // g = 0 when it takes no part, its velocity carrying it on: PyTorch 1.13's zero_grad())
            if (!p.hasGrad()) continue;
            float[] g = p.grad(), b = buf[i], w = p.data;
            if (form == Form.PYTORCH) {
                for (int j = 0; j < b.length; j++) {
                    // b ← μ·b + g
                    b[j] = momentum * b[j] + g[j];
                    // p ← p − lr·b
                    w[j] -= lr * b[j];
                }
            } else {
                for (int j = 0; j < b.length; j++) {
                    // v ← μ·v − lr·g
                    b[j] = momentum * b[j] - lr * g[j];
                    // p ← p + v
                    w[j] += b[j];
                }
            }
        }
    }

    @Override public void zeroGrad() { for (Tensor p : params) p.zeroGrad(); }

    @Override public void saveState(TensorFile.Builder b, String prefix) {
        for (int i = 0; i < params.size(); i++) b.tensor(prefix + "b." + i, params.get(i).shape(), buf[i]);
    }

    @Override public void loadState(TensorFile f, String prefix, String source) {
        for (int i = 0; i < params.size(); i++) SavedState.require(f, prefix + "b." + i, params.get(i), false, source);
        for (int i = 0; i < params.size(); i++) System.arraycopy(f.get(prefix + "b." + i).data(), 0, buf[i], 0, buf[i].length);
    }
}
