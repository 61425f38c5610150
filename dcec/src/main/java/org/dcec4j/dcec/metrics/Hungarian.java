package org.dcec4j.dcec.metrics;

import java.util.Arrays;

/**
 * The Hungarian algorithm (Kuhn–Munkres, in its O(R²·C) shortest-augmenting-path form with row and column
 * potentials): a one-to-one assignment of rows to columns with the least total cost.
 *
 * <p>A rectangular R×C matrix is solved as if it were padded to a square with zero-cost dummy rows (or
 * columns): the dummies take the leftover columns at no cost, so the optimum over the real rows is
 * unchanged, and the algorithm simply never adds them. With integer-valued costs below 2^53 (contingency
 * counts) every potential is an exact integer, so the optimum found is exact.
 *
 * <p>Math: docs/math/kmeans-metrics.md#hungarian
 */
public final class Hungarian {
    /** Marks a row or column left without a partner in a rectangular problem. */
    public static final int UNASSIGNED = -1;

    private Hungarian() {
    }

    /**
     * Minimum-cost assignment.
     *
     * @param cost R×C finite costs, R, C ≥ 1, only read
     * @return for every row i the column it is assigned to; when R > C, R − C rows get {@link #UNASSIGNED}
     * @throws IllegalArgumentException if the matrix is empty, ragged or has a non-finite entry
     */
    public static int[] minCostAssignment(double[][] cost) {
        int R = checkMatrix(cost);
        int C = cost[0].length;
        if (R <= C) {
            return solveRowsLeCols(cost, R, C);
        }
        // more rows than columns: solve the transpose (columns as rows) and invert the result
        double[][] transposed = new double[C][R];
        for (int i = 0; i < R; i++) {
            for (int j = 0; j < C; j++) {
                transposed[j][i] = cost[i][j];
            }
        }
        int[] rowOfCol = solveRowsLeCols(transposed, C, R);
        int[] colOfRow = new int[R];
        Arrays.fill(colOfRow, UNASSIGNED);
        for (int j = 0; j < C; j++) {
            colOfRow[rowOfCol[j]] = j;
        }
        return colOfRow;
    }

    /**
     * Maximum-weight assignment: the minimum-cost assignment of −weight.
     *
     * @param weight R×C finite weights, only read
     * @return for every row its column, or {@link #UNASSIGNED} (see {@link #minCostAssignment})
     */
    public static int[] maxWeightAssignment(double[][] weight) {
        int R = checkMatrix(weight);
        double[][] cost = new double[R][];
        for (int i = 0; i < R; i++) {
            cost[i] = new double[weight[i].length];
            for (int j = 0; j < cost[i].length; j++) {
                cost[i][j] = -weight[i][j];
            }
        }
        return minCostAssignment(cost);
    }

    private static int checkMatrix(double[][] m) {
        if (m == null || m.length == 0 || m[0] == null || m[0].length == 0) {
            throw new IllegalArgumentException("assignment matrix: expected at least 1×1 entries");
        }
        int C = m[0].length;
        for (int i = 0; i < m.length; i++) {
            if (m[i] == null || m[i].length != C) {
                throw new IllegalArgumentException("assignment matrix: row " + i + " has "
                        + (m[i] == null ? "no entries" : m[i].length + " entries") + ", expected " + C);
            }
            for (int j = 0; j < C; j++) {
                if (!Double.isFinite(m[i][j])) {
                    throw new IllegalArgumentException("assignment matrix: entry (" + i + ", " + j
                            + ") is " + m[i][j] + ", expected a finite number");
                }
            }
        }
        return m.length;
    }

    /**
     * Rows are added one at a time. For row r a Dijkstra-like search over columns grows a tree of tight
     * edges (reduced cost cost[i][j] − u[i] − v[j] = 0) from r until it reaches a free column, then flips
     * the matching along that path. Potentials keep every reduced cost ≥ 0 and every matched edge tight,
     * which is the LP dual certificate that the final matching is optimal.
     *
     * <p>Arrays are 1-based in rows and columns; column 0 is a virtual column that holds the row being
     * added.
     */
    private static int[] solveRowsLeCols(double[][] cost, int R, int C) {
        double[] u = new double[R + 1];            // row potentials
        double[] v = new double[C + 1];            // column potentials
        int[] rowOfCol = new int[C + 1];           // matched row of column j (0 = free)
        int[] prevCol = new int[C + 1];            // previous column on the alternating path to j
        double[] slack = new double[C + 1];        // least reduced cost into column j from the tree
        boolean[] inTree = new boolean[C + 1];
        for (int r = 1; r <= R; r++) {
            rowOfCol[0] = r;
            int col = 0;
            Arrays.fill(slack, Double.POSITIVE_INFINITY);
            Arrays.fill(inTree, false);
            do {
                inTree[col] = true;
                int i = rowOfCol[col];
                double delta = Double.POSITIVE_INFINITY;
                int next = -1;
                for (int j = 1; j <= C; j++) {
                    if (inTree[j]) {
                        continue;
                    }
                    // reduced cost of edge (i, j)
                    double reduced = cost[i - 1][j - 1] - u[i] - v[j];
                    if (reduced < slack[j]) {
                        slack[j] = reduced;
                        prevCol[j] = col;
                    }
                    if (slack[j] < delta) {
                        delta = slack[j];
                        next = j;
                    }
                }
                // raise the tree's row potentials and lower its column potentials by delta: tree edges stay
                // tight, the cheapest edge leaving the tree becomes tight
                for (int j = 0; j <= C; j++) {
                    if (inTree[j]) {
                        u[rowOfCol[j]] += delta;
                        v[j] -= delta;
                    } else {
                        slack[j] -= delta;
                    }
                }
                col = next;
            } while (rowOfCol[col] != 0);
            // augment: shift every row on the path one column along
            do {
                int before = prevCol[col];
                rowOfCol[col] = rowOfCol[before];
                col = before;
            } while (col != 0);
        }
        int[] colOfRow = new int[R];
        Arrays.fill(colOfRow, UNASSIGNED);
        for (int j = 1; j <= C; j++) {
            if (rowOfCol[j] != 0) {
                colOfRow[rowOfCol[j] - 1] = j - 1;
            }
        }
        return colOfRow;
    }
}
