package org.dcec4j.engine.optim;

import java.util.Arrays;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.io.TensorFile;

/** The checks of one optimiser state tensor read from a file, made before the optimiser changes anything. */
final class SavedState {
    private SavedState() {}

    /**
     * The entry {@code name} of {@code f}, checked against the parameter it belongs to: its shape, and every value finite
     * (and, for a running mean of squared gradients such as Adam's v, not negative). A state with an intact checksum
     * can still hold values no run writes (edited, or saved from a run that had diverged): restored, a NaN there spread
     * into the weights at the first step and showed up as a divergence, not as the file's fault.
     *
     * @throws TensorFile.FormatException naming the file, the entry, and the shape or value and index found
     */
    static TensorFile.Entry require(TensorFile f, String name, Tensor param, boolean nonNegative, String source) {
        TensorFile.Entry e = f.require(name, source);
        if (e.data().length != param.size() || !Arrays.equals(e.shape(), param.shape()))
            throw new TensorFile.FormatException(source + ": optimiser state '" + name + "' has shape "
                    + Arrays.toString(e.shape()) + ", expected " + Arrays.toString(param.shape()));
        float[] d = e.data();
        for (int i = 0; i < d.length; i++)
            if (!Float.isFinite(d[i]) || nonNegative && d[i] < 0)
                throw new TensorFile.FormatException(source + ": optimiser state '" + name + "' holds " + d[i] + " at index " + i
                        + "; expected " + (nonNegative ? "finite values of at least 0 (a mean of squares)" : "finite values"));
        return e;
    }
}
