package org.dcec4j.engine.nn;

import java.util.ArrayList;
import java.util.List;
import org.dcec4j.engine.Tensor;

/** Named layers applied in order. */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    /** Appends {@code m} under {@code name} (its parameters become "name.weight", …). */
    public Sequential add(String name, Module m) {
        layers.add(child(name, m));
        return this;
    }

    @Override public Tensor forward(Tensor x) {
        Tensor h = x;
        for (Module m : layers) h = m.forward(h);
        return h;
    }

    public int size() { return layers.size(); }
    public Module get(int i) { return layers.get(i); }
}
