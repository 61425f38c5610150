package org.dcec4j.engine.kernels.vector;

/**
 * What one {@link VectorKernels} owns and its kernel families borrow during a call: the worker pool,
 * one {@link Workspace} per worker, and the buffers that every worker of a call reads (prepared by the
 * caller or by a parallel pass before the main one). Buffers grow on demand and are reused; the facade's
 * lock ensures one call at a time.
 */
final class Resources implements AutoCloseable {
    final WorkerPool pool;
    final Workspace[] ws;
    /** The packed weight operand of a convolution, or of a dense product whose other operand is read in place. */
    float[] packedW = new float[0];
    /** The input with its zero padding made explicit, NCHW or channels-last. */
    float[] xPad = new float[0];
    /** col2im gather table: the terms of input pixel i are c2iOff[c2iStart[i] … c2iStart[i+1]). */
    int[] c2iStart = new int[0], c2iOff = new int[0];
    /** The same gather by rows and column phases (ConvBackwardInput.phaseTable): taps, and each phase's inner lanes. */
    int[] phStart = new int[0], phOff = new int[0], phRange = new int[0];
    /** The backward-input with the batch in the lanes (ConvBackwardInput.Lanes): each dy position's vector there, and the input pixels in pairs. */
    int[] dyLanesTo = new int[0], pixelPairs = new int[0];
    /** Per-range partial sums of a bias gradient [R, K] and of a weight gradient [R, K·C·KH·KW]. */
    float[] partialDb = new float[0], partialDw = new float[0];
    /** A dense product computed transposed, Cᵀ[N, M] ({@link MatMul#run}). */
    float[] transposed = new float[0];

    Resources(int threads) {
        pool = new WorkerPool(threads);
        ws = Workspace.forWorkers(threads);
    }

    int threads() { return pool.threads(); }

    @Override public void close() { pool.close(); }
}
