package org.dcec4j.dcec;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.kernels.Kernels;
import org.dcec4j.engine.optim.Adam;
import org.dcec4j.engine.optim.Optimizer;
import org.dcec4j.engine.optim.Sgd;

/**
 * The optimiser of one training phase. {@link #ADAM}, the default of both phases, is the DCEC reference's Keras
 * {@code 'adam'} at the config's learning rate ({@link DcecConfig#lr()}); {@link #sgd} is Keras's
 * {@code SGD(lr, momentum)} with its own rate, as DEC-keras uses for its dense autoencoder. On the command line:
 * {@code adam} or {@code sgd:LR:MOMENTUM} (e.g. {@code sgd:1:0.9}). Math: docs/math/adam.md
 *
 * @param kind     Adam or SGD with momentum
 * @param lr       SGD's learning rate (0 for Adam, whose rate is the config's)
 * @param momentum SGD's momentum μ in [0, 1) (0 for Adam)
 */
public record OptimizerSpec(Kind kind, float lr, float momentum) {
    public enum Kind { ADAM, SGD }

    /** Adam at the config's learning rate. */
    public static final OptimizerSpec ADAM = new OptimizerSpec(Kind.ADAM, 0f, 0f);

    public OptimizerSpec {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.ADAM && (lr != 0f || momentum != 0f))
            throw new IllegalArgumentException("adam takes its learning rate from the config, not from the optimiser");
        // -0f passed the check above; as +0f the spec equals ADAM (a record compares floats by their bits)
        if (kind == Kind.ADAM) { lr = 0f; momentum = 0f; }
    }

    /** SGD with momentum, Keras's form: v ← μ·v − lr·g, p ← p + v. */
    public static OptimizerSpec sgd(float lr, float momentum) { return new OptimizerSpec(Kind.SGD, lr, momentum); }

    /** Throws a {@link ConfigException} naming {@code option} when an SGD rate or momentum is out of range. */
    void validate(String option) {
        if (kind == Kind.SGD && (!(lr > 0) || Float.isInfinite(lr)))
            throw new ConfigException("{" + option + "}: the SGD learning rate must be a positive number, got " + lr);
        if (kind == Kind.SGD && !(momentum >= 0 && momentum < 1))
            throw new ConfigException("{" + option + "}: the SGD momentum must be in [0, 1), got " + momentum);
    }

    /**
     * Parses {@code adam} or {@code sgd:LR:MOMENTUM}; an IllegalArgumentException says what was expected otherwise.
     */
    public static OptimizerSpec parse(String text) {
        String t = Objects.requireNonNull(text, "text").trim().toLowerCase(Locale.ROOT);
        if (t.equals("adam")) return ADAM;
        String[] parts = t.split(":", -1);
        if (parts.length == 3 && parts[0].equals("sgd")) {
            try {
                return sgd(floatOf(text, "learning rate", parts[1]), floatOf(text, "momentum", parts[2]));
            } catch (NumberFormatException e) { /* reported below */ }
        }
        throw new IllegalArgumentException("optimiser '" + text + "': expected adam or sgd:LR:MOMENTUM (e.g. sgd:1:0.9)");
    }

    /**
     * A part of {@code text} as a float; a number a float cannot hold, which would silently become 0 or infinite (a
     * momentum of 1e-50 would be 0), is refused naming it. NumberFormatException when it is no number at all.
     */
    private static float floatOf(String text, String what, String part) {
        float f = Float.parseFloat(part);
        double d = Double.parseDouble(part);
        if (d != 0 && !Double.isInfinite(d) && (f == 0 || Float.isInfinite(f)))
            throw new IllegalArgumentException("optimiser '" + text + "': the " + what + " " + part.trim() + " is outside the range"
                    + " of a float (magnitudes from about 1.4e-45 to 3.4e38), which would hold it as " + f);
        return f;
    }

    /** A fresh optimiser over {@code params}; {@code adamLr} is the config's rate, used by Adam. */
    public Optimizer create(List<Tensor> params, float adamLr, Kernels kernels) {
        return kind == Kind.ADAM ? new Adam(params, adamLr, kernels) : new Sgd(params, lr, momentum, Sgd.Form.KERAS);
    }

    /** The prefix of the optimiser's state in a checkpoint: "adam." or "sgd.". */
    public String statePrefix() { return kind == Kind.ADAM ? "adam." : "sgd."; }

    /** {@code adam} or {@code sgd:LR:MOMENTUM}, which {@link #parse} reads back. */
    @Override public String toString() {
        return kind == Kind.ADAM ? "adam" : "sgd:" + lr + ":" + momentum;
    }
}
