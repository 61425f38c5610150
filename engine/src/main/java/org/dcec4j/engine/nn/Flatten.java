package org.dcec4j.engine.nn;

import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;

/** [N, C, H, W] → [N, C·H·W] (row-major, i.e. PyTorch's (C, H, W) order). */
public final class Flatten extends Module {
    @Override public Tensor forward(Tensor x) { return F.flatten(x); }
}
