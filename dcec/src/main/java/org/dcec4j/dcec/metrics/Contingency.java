package org.dcec4j.dcec.metrics;

import java.util.Arrays;

/**
 * The contingency table of two labelings of the same N samples: n_ij = #{n : truth[n] = classes[i] and
 * pred[n] = clusters[j]}, with row sums a_i (class sizes) and column sums b_j (cluster sizes).
 *
 * <p>Labels are arbitrary ints (they need not be 0..K-1 or contiguous); rows follow the sorted distinct
 * truth labels (R of them), columns the sorted distinct predicted labels (C of them). Only the non-zero
 * cells are stored, in row-major order, so two labelings with N distinct labels each cost O(N) memory;
 * {@link #dense()} builds the full R×C matrix when it is wanted.
 *
 * <p>Math: docs/math/kmeans-metrics.md#contingency
 */
public final class Contingency {
    /** Largest R·C that {@link #dense()} builds (64 Mi cells). */
    public static final long MAX_DENSE_CELLS = 1L << 26;

    private final int n;
    private final int[] classes;
    private final int[] clusters;
    private final long[] classSizes;
    private final long[] clusterSizes;
    private final int[] cellRow;
    private final int[] cellCol;
    private final long[] cellCount;

    private Contingency(int n, int[] classes, int[] clusters, long[] classSizes, long[] clusterSizes,
                        int[] cellRow, int[] cellCol, long[] cellCount) {
        this.n = n;
        this.classes = classes;
        this.clusters = clusters;
        this.classSizes = classSizes;
        this.clusterSizes = clusterSizes;
        this.cellRow = cellRow;
        this.cellCol = cellCol;
        this.cellCount = cellCount;
    }

    /**
     * Counts the table of two labelings. Neither array is modified.
     *
     * @param truth the reference labels (classes), length N ≥ 1, only read
     * @param pred  the predicted labels (clusters), length N, only read
     * @throws IllegalArgumentException if an array is null or empty, or the lengths differ
     */
    public static Contingency of(int[] truth, int[] pred) {
        if (truth == null || pred == null) {
            throw new IllegalArgumentException("labels: expected two int arrays, got "
                    + (truth == null ? "truth = null" : "pred = null"));
        }
        if (truth.length != pred.length) {
            throw new IllegalArgumentException("labels: truth has " + truth.length
                    + " samples but pred has " + pred.length + "; expected the same N");
        }
        if (truth.length == 0) {
            throw new IllegalArgumentException("labels: expected at least one sample, got N = 0");
        }
        int N = truth.length;
        int[] classes = sortedDistinct(truth);
        int[] clusters = sortedDistinct(pred);
        int R = classes.length;
        int C = clusters.length;
        long[] classSizes = new long[R];
        long[] clusterSizes = new long[C];
        // key = i·C + j identifies cell (i, j); sorting the keys groups equal cells in row-major order
        long[] keys = new long[N];
        for (int s = 0; s < N; s++) {
            int i = Arrays.binarySearch(classes, truth[s]);
            int j = Arrays.binarySearch(clusters, pred[s]);
            classSizes[i]++;
            clusterSizes[j]++;
            keys[s] = (long) i * C + j;
        }
        Arrays.sort(keys);
        int cells = 0;
        for (int s = 0; s < N; s++) {
            if (s == 0 || keys[s] != keys[s - 1]) {
                cells++;
            }
        }
        int[] cellRow = new int[cells];
        int[] cellCol = new int[cells];
        long[] cellCount = new long[cells];
        int c = -1;
        for (int s = 0; s < N; s++) {
            if (s == 0 || keys[s] != keys[s - 1]) {
                c++;
                cellRow[c] = (int) (keys[s] / C);
                cellCol[c] = (int) (keys[s] % C);
            }
            cellCount[c]++;
        }
        return new Contingency(N, classes, clusters, classSizes, clusterSizes, cellRow, cellCol, cellCount);
    }

    private static int[] sortedDistinct(int[] labels) {
        int[] sorted = labels.clone();
        Arrays.sort(sorted);
        int m = 0;
        for (int s = 0; s < sorted.length; s++) {
            if (s == 0 || sorted[s] != sorted[m - 1]) {
                sorted[m++] = sorted[s];
            }
        }
        return Arrays.copyOf(sorted, m);
    }

    /** N, the number of samples. */
    public int n() {
        return n;
    }

    /** R, the number of distinct true labels (rows). */
    public int rows() {
        return classes.length;
    }

    /** C, the number of distinct predicted labels (columns). */
    public int cols() {
        return clusters.length;
    }

    /** The distinct true labels in increasing order: row i is class {@code classes()[i]} (a copy). */
    public int[] classes() {
        return classes.clone();
    }

    /** The distinct predicted labels in increasing order: column j is cluster {@code clusters()[j]} (a copy). */
    public int[] clusters() {
        return clusters.clone();
    }

    /** a_i = Σ_j n_ij, the size of class i (a copy). */
    public long[] classSizes() {
        return classSizes.clone();
    }

    /** b_j = Σ_i n_ij, the size of cluster j (a copy). */
    public long[] clusterSizes() {
        return clusterSizes.clone();
    }

    /** The number of non-zero cells. */
    public int nonZeroCells() {
        return cellCount.length;
    }

    /** Row of the c-th non-zero cell (cells are in row-major order). */
    public int cellRow(int c) {
        return cellRow[c];
    }

    /** Column of the c-th non-zero cell. */
    public int cellCol(int c) {
        return cellCol[c];
    }

    /** n_ij of the c-th non-zero cell (≥ 1). */
    public long cellCount(int c) {
        return cellCount[c];
    }

    /** a_i of row i. */
    long classSize(int i) {
        return classSizes[i];
    }

    /** b_j of column j. */
    long clusterSize(int j) {
        return clusterSizes[j];
    }

    /**
     * The full R×C table n_ij as a new array (rows = classes, columns = clusters).
     *
     * @throws IllegalArgumentException if R·C exceeds {@link #MAX_DENSE_CELLS}
     */
    public long[][] dense() {
        int R = rows();
        int C = cols();
        if ((long) R * C > MAX_DENSE_CELLS) {
            throw new IllegalArgumentException("contingency table: " + R + " classes × " + C
                    + " clusters is too large to hold densely (limit " + MAX_DENSE_CELLS
                    + " cells); expected far fewer distinct labels");
        }
        long[][] table = new long[R][C];
        for (int c = 0; c < cellCount.length; c++) {
            table[cellRow[c]][cellCol[c]] = cellCount[c];
        }
        return table;
    }
}
