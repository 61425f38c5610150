package org.dcec4j.engine.nn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dcec4j.engine.Backend;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.io.TensorFile;
import org.dcec4j.engine.kernels.Kernels;

/**
 * A layer or a network: parameters and sub-modules registered under stable names, in registration
 * order, so "encoder.conv1.weight" means the same tensor in every run, file and fixture. Its ops run on
 * the kernels given by {@link #use} (for the module and every sub-module), or on the JVM's default
 * backend when none were given.
 */
public abstract class Module {
    private final LinkedHashMap<String, Tensor> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private Kernels kernels;

    /** Runs this module and every sub-module on {@code k} from now on (sub-modules added later too). Returns this. */
    public Module use(Kernels k) {
        kernels = java.util.Objects.requireNonNull(k, "kernels");
        for (Module m : children.values()) m.use(k);
        return this;
    }

    /** Runs this module and every sub-module on the backend's kernels. Returns this. */
    public Module use(Backend b) { return use(b.kernels()); }

    /** The kernels this module's ops run on. */
    public final Kernels kernels() { return kernels != null ? kernels : Backend.shared().kernels(); }

    /** Maps an input batch to an output batch. */
    public abstract Tensor forward(Tensor x);

    /** Registers a parameter (a leaf that requires gradients) under {@code name}. */
    protected final Tensor param(String name, Tensor t) {
        checkName(name);
        t.requiresGrad(true);
        params.put(name, t);
        return t;
    }

    /** Registers a sub-module under {@code name}. */
    protected final <M extends Module> M child(String name, M m) {
        checkName(name);
        children.put(name, m);
        if (kernels != null) m.use(kernels);
        return m;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("bad module/parameter name '" + name + "'");
        if (params.containsKey(name) || children.containsKey(name)) throw new IllegalArgumentException("name '" + name + "' used twice");
    }

    /** Every parameter, recursively, as "child.grandchild.name" → tensor, in registration order. */
    public final LinkedHashMap<String, Tensor> namedParameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out) {
        for (Map.Entry<String, Tensor> e : params.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (Map.Entry<String, Module> e : children.entrySet()) e.getValue().collect(prefix + e.getKey() + ".", out);
    }

    public final List<Tensor> parameters() { return new ArrayList<>(namedParameters().values()); }

    /** The sub-modules in registration order. */
    public final Map<String, Module> children() { return java.util.Collections.unmodifiableMap(children); }

    public final long parameterCount() {
        long n = 0;
        for (Tensor t : namedParameters().values()) n += t.size();
        return n;
    }

    /** Zeroes every parameter's gradient. */
    public final void zeroGrad() { for (Tensor t : namedParameters().values()) t.zeroGrad(); }

    /**
     * Every parameter as the bytes of a tensor file ({@link TensorFile}), for the caller to write: dcec writes them
     * atomically with the datasets module's {@code OutputFiles}. {@link #load} reads such a file back.
     */
    public final byte[] toBytes() {
        return addTo(TensorFile.builder().meta("kind", "module").meta("class", getClass().getName()), "").toBytes();
    }

    /**
     * Reads parameters written from {@link #toBytes}: the file must hold exactly this module's names with the
     * same shapes and finite values, or a {@link TensorFile.FormatException} names the difference and no parameter
     * changes.
     */
    public final void load(Path file) throws IOException { loadFrom(TensorFile.read(file), "", file.toString()); }

    /**
     * Copies the parameters stored under {@code prefix + name} out of an already-read file. Every entry
     * is checked before anything is copied (its shape, and its values finite); an entry under the prefix that the
     * module lacks is an error.
     */
    public final void loadFrom(TensorFile f, String prefix, String source) {
        LinkedHashMap<String, Tensor> mine = namedParameters();
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            TensorFile.Entry t = f.get(prefix + e.getKey());
            if (t == null) throw new TensorFile.FormatException(source + ": parameter '" + prefix + e.getKey() + "' is missing");
            if (!java.util.Arrays.equals(t.shape(), e.getValue().shape()))
                throw new TensorFile.FormatException(source + ": parameter '" + prefix + e.getKey() + "' has shape "
                        + java.util.Arrays.toString(t.shape()) + ", the model expects " + java.util.Arrays.toString(e.getValue().shape()));
            float[] v = t.data();
            for (int i = 0; i < v.length; i++)
                if (!Float.isFinite(v[i]))
                    throw new TensorFile.FormatException(source + ": parameter '" + prefix + e.getKey() + "' holds " + v[i]
                            + " at index " + i + " (weights saved from a diverged run?); expected finite values");
        }
        for (String n : f.names())
            if (n.startsWith(prefix) && !mine.containsKey(n.substring(prefix.length())))
                throw new TensorFile.FormatException(source + ": unexpected parameter '" + n + "' (the model has " + mine.keySet() + ")");
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            float[] src = f.get(prefix + e.getKey()).data();
            System.arraycopy(src, 0, e.getValue().data, 0, src.length);
        }
    }

    /** Adds every parameter to a file being built, under {@code prefix + name}. */
    public final TensorFile.Builder addTo(TensorFile.Builder b, String prefix) {
        for (Map.Entry<String, Tensor> e : namedParameters().entrySet()) b.tensor(prefix + e.getKey(), e.getValue().shape(), e.getValue().data);
        return b;
    }
}
