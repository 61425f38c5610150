package org.dcec4j.dcec.cluster;

/**
 * The outcome of {@link KMeans#fit}: the restart with the lowest inertia.
 *
 * @param centres     μ, [K, D] row-major
 * @param labels      the nearest centre of every point, [N] (ties go to the lowest centre index)
 * @param inertia     Σ_n ‖x_n − μ_{labels[n]}‖², in double
 * @param iterations  Lloyd iterations the kept restart took (≤ max iterations)
 * @param restart     which restart (0-based) was kept
 * @param K           number of centres
 * @param D           dimension of a point
 */
public record KMeansResult(double[] centres, int[] labels, double inertia, int iterations, int restart, int K, int D) {

    /** The centres rounded to float, [K, D] row-major (a new array). */
    public float[] centresAsFloat() {
        float[] out = new float[centres.length];
        for (int k = 0; k < centres.length; k++) {
            out[k] = (float) centres[k];
        }
        return out;
    }
}
