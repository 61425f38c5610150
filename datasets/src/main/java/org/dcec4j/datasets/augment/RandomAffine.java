package org.dcec4j.datasets.augment;

/**
 * The random affine data augmentation of DEC-DA (Guo, Zhu, Liu, Yin, ACML 2018), whose reference code
 * uses Keras' {@code ImageDataGenerator(width_shift_range=0.1, height_shift_range=0.1, rotation_range=10)}:
 * per image, a rotation θ uniform in [−ρ, ρ) degrees, a row shift uniform in [−σ_h·H, σ_h·H) pixels and a
 * column shift uniform in [−σ_w·W, σ_w·W) pixels, applied about Keras' image centre with bilinear
 * interpolation and nearest fill ({@link AffineWarp}). {@link #decDa()} is ρ = 10, σ_h = σ_w = 0.1
 * (docs/math/augmentation.md#random-parameters).
 *
 * <p>The parameters of an image depend only on (seed, step, index): step is the epoch in pretraining
 * or the iteration in clustering, index the image's index in the data set (not its row in the batch).
 * Each triple is hashed into a SplitMix64 state and the three parameters are the stream's first three
 * outputs. So the output never depends on the thread count, on which rows share a batch or on a
 * resume: the same triple always gives the same bits.
 *
 * <p>Immutable and thread-safe; nothing here allocates once the JIT has warmed up. For a batch
 * spread over several threads use {@link RandomAffinePool}.
 *
 * <p>Math: docs/math/augmentation.md#random-parameters
 */
public final class RandomAffine {

    /** DEC-DA's {@code rotation_range}: degrees. */
    public static final double DEC_DA_ROTATION_DEGREES = 10.0;
    /** DEC-DA's {@code height_shift_range} and {@code width_shift_range}: fractions of the image size. */
    public static final double DEC_DA_SHIFT_FRACTION = 0.1;

    /** The golden-ratio increment of SplitMix64 (Steele, Lea, Flood 2014). */
    static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final double rotationDegrees;
    private final double heightShift;
    private final double widthShift;

    /**
     * @param rotationDegrees θ is uniform in [−rotationDegrees, rotationDegrees), in [0, 180]
     * @param heightShift     the row shift is uniform in ±heightShift·H pixels, a fraction in [0, 1)
     * @param widthShift      the column shift is uniform in ±widthShift·W pixels, a fraction in [0, 1)
     */
    public RandomAffine(double rotationDegrees, double heightShift, double widthShift) {
        if (!(rotationDegrees >= 0 && rotationDegrees <= 180)) {
            throw new IllegalArgumentException("rotationDegrees must be in [0, 180], got " + rotationDegrees);
        }
        if (!(heightShift >= 0 && heightShift < 1)) {
            throw new IllegalArgumentException("heightShift must be a fraction of the height in [0, 1), got " + heightShift);
        }
        if (!(widthShift >= 0 && widthShift < 1)) {
            throw new IllegalArgumentException("widthShift must be a fraction of the width in [0, 1), got " + widthShift);
        }
        this.rotationDegrees = rotationDegrees;
        this.heightShift = heightShift;
        this.widthShift = widthShift;
    }

    /** DEC-DA's augmentation: ±10°, ±10 % of the height, ±10 % of the width. */
    public static RandomAffine decDa() {
        return new RandomAffine(DEC_DA_ROTATION_DEGREES, DEC_DA_SHIFT_FRACTION, DEC_DA_SHIFT_FRACTION);
    }

    public double rotationDegrees() { return rotationDegrees; }

    public double heightShift() { return heightShift; }

    public double widthShift() { return widthShift; }

    /** The parameters of one image: θ in degrees, row and column shift in pixels (Keras' tx and ty). */
    public record Params(double thetaDegrees, double rowShift, double colShift) {
    }

    /**
     * The parameters image {@code index} gets at {@code step} under {@code seed}, for an H×W image
     * (what {@link #apply} uses; for tests and docs).
     *
     * <p>Math: docs/math/augmentation.md#random-parameters
     */
    public Params params(long seed, long step, int index, int H, int W) {
        AffineWarp.checkGeometry(1, H, W);
        long key = streamKey(seed, step, index);
        return new Params(theta(key), rowShift(key, H), colShift(key, W));
    }

    // ------------------------------------------------------------------ the random stream

    /** SplitMix64's output function (Stafford's "Mix13"): a bijection of 64-bit words that mixes every bit. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The SplitMix64 state of (seed, step, index): each component is added to the state and mixed in
     * turn, key = mix(mix(mix(seed + φ) + step + φ) + index + φ), φ = {@link #GOLDEN}. For a fixed seed
     * and step, different indices give different keys (mix is a bijection); so do different steps.
     */
    static long streamKey(long seed, long step, int index) {
        long h = mix64(seed + GOLDEN);
        h = mix64(h + step + GOLDEN);
        return mix64(h + index + GOLDEN);
    }

    /** The j-th output (j = 1, 2, 3) of the SplitMix64 stream started at {@code key}, as a double in [0, 1). */
    static double unit(long key, int j) {
        return (mix64(key + j * GOLDEN) >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [−range, range): NumPy's uniform(low, high) = low + (high − low)·u; exactly 0 when range = 0. */
    static double symmetric(double range, double u) {
        return range == 0 ? 0.0 : -range + (range + range) * u;
    }

    double theta(long key) {
        return symmetric(rotationDegrees, unit(key, 1));
    }

    double rowShift(long key, int H) {
        return symmetric(heightShift, unit(key, 2)) * H;
    }

    double colShift(long key, int W) {
        return symmetric(widthShift, unit(key, 3)) * W;
    }

    // ------------------------------------------------------------------ applying it

    /**
     * Augments one image: {@code out} (C·H·W values from {@code outOff}) is written with the transform
     * of {@code in} (read only, from {@code inOff}) under the parameters of (seed, step, index).
     */
    public void apply(float[] out, int outOff, float[] in, int inOff, int C, int H, int W,
                      long seed, long step, int index) {
        AffineWarp.checkImage(out, outOff, in, inOff, C, H, W);
        one(out, outOff, in, inOff, C, H, W, seed, step, index);
    }

    /**
     * Augments rows [from, to) of a batch x[B, C, H, W]: row b of {@code out} is written with the
     * transform of row b of {@code in} under the parameters of (seed, step, indices[b]), where
     * {@code indices[b]} is the data-set index of the image in row b (a shuffled pretraining batch).
     * {@code in} and {@code indices} are only read; {@code out} must be another array.
     */
    public void applyBatch(float[] out, float[] in, int C, int H, int W, long seed, long step,
                           int[] indices, int from, int to) {
        checkBatch(out, in, C, H, W, from, to);
        if (indices == null || indices.length < to) {
            throw new IllegalArgumentException("indices must hold a data-set index for rows [" + from + ", " + to
                    + "), got " + (indices == null ? "null" : "length " + indices.length));
        }
        final int n = C * H * W;
        for (int b = from; b < to; b++) one(out, b * n, in, b * n, C, H, W, seed, step, indices[b]);
    }

    /**
     * As {@link #applyBatch(float[], float[], int, int, int, long, long, int[], int, int)} for a batch that
     * holds consecutive data-set images: row b is image {@code firstIndex + b} (the clustering phase,
     * which walks the data in index order).
     */
    public void applyBatch(float[] out, float[] in, int C, int H, int W, long seed, long step,
                           int firstIndex, int from, int to) {
        checkBatch(out, in, C, H, W, from, to);
        if (firstIndex < 0 || (long) firstIndex + to - 1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("firstIndex must be >= 0 with firstIndex + row fitting an int, got "
                    + firstIndex + " for rows [" + from + ", " + to + ")");
        }
        final int n = C * H * W;
        for (int b = from; b < to; b++) one(out, b * n, in, b * n, C, H, W, seed, step, firstIndex + b);
    }

    /** One image, arguments already checked. */
    private void one(float[] out, int outOff, float[] in, int inOff, int C, int H, int W,
                     long seed, long step, int index) {
        long key = streamKey(seed, step, index);
        AffineWarp.resample(out, outOff, in, inOff, C, H, W, theta(key), rowShift(key, H), colShift(key, W));
    }

    static void checkBatch(float[] out, float[] in, int C, int H, int W, int from, int to) {
        AffineWarp.checkGeometry(C, H, W);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("rows [from, to) must have 0 <= from <= to, got [" + from + ", " + to + ")");
        }
        long n = (long) C * H * W;
        AffineWarp.checkRange("out", out, 0, to * n);
        AffineWarp.checkRange("in", in, 0, to * n);
        if (out == in) {
            throw new IllegalArgumentException("out and in are the same array: the transform reads neighbours, "
                    + "it cannot run in place");
        }
    }

    @Override
    public String toString() {
        return "RandomAffine[rotation ±" + rotationDegrees + "°, height shift ±" + heightShift
                + ", width shift ±" + widthShift + "]";
    }
}
