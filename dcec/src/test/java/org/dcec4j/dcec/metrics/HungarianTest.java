package org.dcec4j.dcec.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Hungarian algorithm against brute force over all assignments, square and rectangular. */
class HungarianTest {

    @Test
    void handComputedThreeByThree() {
        // rows must take distinct columns: the off-diagonal 2 + 2 + 2 = 6 beats the diagonal 1 + 4 + 2 = 7
        double[][] cost = {
                {1, 2, 3},
                {2, 4, 6},
                {3, 6, 2}};
        // every assignment: (0,1,2)=1+4+2=7, (0,2,1)=1+6+6=13, (1,0,2)=2+2+2=6, (1,2,0)=2+6+3=11,
        // (2,0,1)=3+2+6=11, (2,1,0)=3+4+3=10 → best (1,0,2) with 6
        assertArrayEquals(new int[] {1, 0, 2}, Hungarian.minCostAssignment(cost));
    }

    @Test
    void matchesBruteForceOnRandomMatrices() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 400; trial++) {
            int R = 1 + rng.nextInt(7);
            int C = 1 + rng.nextInt(7);
            double[][] cost = new double[R][C];
            boolean integer = trial % 2 == 0;   // integer costs have many ties, real ones none
            for (int i = 0; i < R; i++) {
                for (int j = 0; j < C; j++) {
                    cost[i][j] = integer ? rng.nextInt(10) - 3 : rng.nextDouble() * 100 - 50;
                }
            }
            int[] colOfRow = Hungarian.minCostAssignment(cost);
            double got = checkAssignment(cost, colOfRow);
            double best = bruteForceMin(cost);
            assertEquals(best, got, 1e-9, "trial " + trial + " (" + R + "×" + C + ")");
        }
    }

    @Test
    void maximumWeightIsMinimumOfNegated() {
        double[][] w = {{5, 1}, {4, 2}, {0, 9}};
        int[] colOfRow = Hungarian.maxWeightAssignment(w);
        // 2 columns for 3 rows: best is rows 0 → 0 (5) and 2 → 1 (9), row 1 left over
        assertArrayEquals(new int[] {0, Hungarian.UNASSIGNED, 1}, colOfRow);
    }

    @Test
    void rejectsBadMatrices() {
        assertThrows(IllegalArgumentException.class, () -> Hungarian.minCostAssignment(new double[0][0]));
        assertThrows(IllegalArgumentException.class, () -> Hungarian.minCostAssignment(new double[][] {{1, 2}, {3}}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Hungarian.minCostAssignment(new double[][] {{1, Double.NaN}}));
        assertTrue(e.getMessage().contains("(0, 1)"), e.getMessage());
    }

    /** Checks the assignment is one-to-one and covers min(R, C) rows; returns its cost. */
    private static double checkAssignment(double[][] cost, int[] colOfRow) {
        int R = cost.length;
        int C = cost[0].length;
        assertEquals(R, colOfRow.length);
        boolean[] used = new boolean[C];
        int assigned = 0;
        double total = 0;
        for (int i = 0; i < R; i++) {
            int j = colOfRow[i];
            if (j == Hungarian.UNASSIGNED) {
                continue;
            }
            assertTrue(!used[j], "column " + j + " used twice");
            used[j] = true;
            assigned++;
            total += cost[i][j];
        }
        assertEquals(Math.min(R, C), assigned);
        return total;
    }

    /** Minimum over all permutations of the matrix zero-padded to S×S, S = max(R, C). */
    static double bruteForceMin(double[][] cost) {
        int R = cost.length;
        int C = cost[0].length;
        int S = Math.max(R, C);
        int[] perm = new int[S];
        for (int k = 0; k < S; k++) {
            perm[k] = k;
        }
        double best = Double.POSITIVE_INFINITY;
        do {
            double total = 0;
            for (int i = 0; i < R; i++) {
                if (perm[i] < C) {
                    total += cost[i][perm[i]];
                }
            }
            best = Math.min(best, total);
        } while (nextPermutation(perm));
        return best;
    }

    /** Lexicographic next permutation in place; false after the last one. */
    static boolean nextPermutation(int[] a) {
        int i = a.length - 2;
        while (i >= 0 && a[i] >= a[i + 1]) {
            i--;
        }
        if (i < 0) {
            return false;
        }
        int j = a.length - 1;
        while (a[j] <= a[i]) {
            j--;
        }
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
        for (int l = i + 1, r = a.length - 1; l < r; l++, r--) {
            t = a[l];
            a[l] = a[r];
            a[r] = t;
        }
        return true;
    }
}
