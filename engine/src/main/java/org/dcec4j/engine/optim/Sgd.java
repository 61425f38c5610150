package org.dcec4j.engine.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.io.TensorFile;

/**
 * Stochastic gradient descent with momentum (PyTorch's form):
 * <pre>  b ← μ·b + g ;   p ← p − lr·b        (μ = 0: plain SGD)</pre>
 * Math: docs/math/adam.md#sgd
 */
public final class Sgd implements Optimizer {
    private final List<Tensor> params;
    private final float lr, momentum;
    private final float[][] buf;

    public Sgd(List<Tensor> params, float lr, float momentum) {
        if (!(lr > 0) || !(momentum >= 0 && momentum < 1))
            throw new IllegalArgumentException("SGD: need lr > 0 and 0 <= momentum < 1 (lr=" + lr + ", momentum=" + momentum + ")");
        this.params = new ArrayList<>(params);
        this.lr = lr; this.momentum = momentum;
        buf = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) buf[i] = new float[params.get(i).size()];
    }

    @Override public void step() {
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (!p.hasGrad()) continue;
            float[] g = p.grad(), b = buf[i];
            for (int j = 0; j < b.length; j++) {
                // b ← μ·b + g
                b[j] = momentum * b[j] + g[j];
                // p ← p − lr·b
                p.data[j] -= lr * b[j];
            }
        }
    }

    @Override public void zeroGrad() { for (Tensor p : params) p.zeroGrad(); }

    @Override public void saveState(TensorFile.Builder b, String prefix) {
        for (int i = 0; i < params.size(); i++) b.tensor(prefix + "b." + i, params.get(i).shape(), buf[i]);
    }

    @Override public void loadState(TensorFile f, String prefix, String source) {
        for (int i = 0; i < params.size(); i++) {
            TensorFile.Entry e = f.require(prefix + "b." + i, source);
            if (!Arrays.equals(e.shape(), params.get(i).shape()))
                throw new TensorFile.FormatException(source + ": optimiser state '" + prefix + "b." + i + "' has the wrong shape");
        }
        for (int i = 0; i < params.size(); i++) System.arraycopy(f.get(prefix + "b." + i).data(), 0, buf[i], 0, buf[i].length);
    }
}
