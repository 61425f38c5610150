package org.dcec4j.engine.nn;

import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;

/** y = max(x, 0). Math: docs/math/activations-losses.md#relu */
public final class ReLU extends Module {
    @Override public Tensor forward(Tensor x) { return F.relu(kernels(), x); }
}
