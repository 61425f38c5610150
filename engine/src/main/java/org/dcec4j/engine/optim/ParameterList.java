package org.dcec4j.engine.optim;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.dcec4j.engine.Tensor;

/** The checks of the parameter list an optimiser is given, made once in its constructor. */
final class ParameterList {
    private ParameterList() {}

    /**
     * A copy of {@code params}, checked: not empty (torch.optim refuses an empty list too), no null, every one a leaf
     * (an op's output is recomputed by the next forward pass, so updating it changes nothing that is learnt), and no
     * tensor twice (it would be updated twice per step, each time with moments of its own). {@code optimiser} names the
     * optimiser in the message, which names the parameter by its index.
     */
    static List<Tensor> checked(String optimiser, List<Tensor> params) {
        if (params == null) throw new NullPointerException(optimiser + ": the parameter list is null");
        if (params.isEmpty()) throw new IllegalArgumentException(optimiser + ": the parameter list is empty, nothing to optimise");
        List<Tensor> copy = new ArrayList<>(params);
        Map<Tensor, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < copy.size(); i++) {
            Tensor p = copy.get(i);
            if (p == null) throw new IllegalArgumentException(optimiser + ": parameter " + i + " is null");
            if (!p.isLeaf())
                throw new IllegalArgumentException(optimiser + ": parameter " + i + " (" + p + ") is computed by an op; an optimiser"
                        + " updates leaves (Tensor.parameter, a module's parameters())");
            Integer first = seen.putIfAbsent(p, i);
            if (first != null)
                throw new IllegalArgumentException(optimiser + ": parameters " + first + " and " + i + " are the same tensor (" + p
                        + "); it would be updated twice per step");
        }
        return copy;
    }
}
