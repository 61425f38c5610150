package org.dcec4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.dcec4j.bench.KMeansBasins.Run;
import org.dcec4j.dcec.train.Scores;
import org.junit.jupiter.api.Test;

class KMeansBasinsTest {

    private static Run run(double inertia) {
        return new Run(inertia, new Scores(0, 0, 0), new int[0]);
    }

    /** Hand-made inertias: neighbours within 2·10⁻⁴ relatively share a basin, sorted lowest first. */
    @Test
    void groupsNeighboursWithinTheRelativeToleranceLowestFirst() {
        Run[] runs = {run(46010.6), run(45590.9), run(46009.6), run(45591.3), run(46260.0), run(45591.1)};
        List<List<Run>> basins = KMeansBasins.basins(runs);
        assertEquals(3, basins.size());
        assertEquals(3, basins.get(0).size());
        assertEquals(45590.9, basins.get(0).get(0).inertia());
        assertEquals(2, basins.get(1).size());
        assertEquals(1, basins.get(2).size());
        // 46010.6 → 46260.0 is 5.4·10⁻³ apart: a new basin; 46009.6 → 46010.6 is 2.2·10⁻⁵: the same one
        assertEquals(46260.0, basins.get(2).get(0).inertia());
    }

    @Test
    void clusterSizesLargestFirst() {
        assertArrayEquals(new int[] {3, 2, 1, 0}, KMeansBasins.sizes(new int[] {1, 0, 1, 2, 1, 0}, 4));
    }
}
