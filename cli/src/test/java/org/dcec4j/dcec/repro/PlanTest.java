package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dcec4j.dcec.Method;
import org.junit.jupiter.api.Test;

class PlanTest {
    @Test void parsesEntriesSeedsRangesAndDefaults() {
        Plan p = Plan.parse(" mnist-test:0,1,2 ; usps:3-5,9; mnist ;shapes:7", Plan.ALL_METHODS);
        assertEquals(List.of(new Plan.Entry("mnist-test", List.of(0L, 1L, 2L)), new Plan.Entry("usps", List.of(3L, 4L, 5L, 9L)),
                new Plan.Entry("mnist", List.of(0L)), new Plan.Entry("shapes", List.of(7L))), p.entries());
        assertEquals("mnist-test:0,1,2;usps:3,4,5,9;mnist:0;shapes:7", p.toPlanString());
        // a name alone gets its default seeds; a repeated name merges
        assertEquals(List.of(0L, 1L, 2L), Plan.parse("usps", Plan.ALL_METHODS).entries().get(0).seeds());
        assertEquals(List.of(0L, 4L), Plan.parse("usps:0;usps:4,0", Plan.ALL_METHODS).entries().get(0).seeds());
    }

    @Test void defaultPlanIsThePapersSetsWithThreeSeedsOfTheSmallOnes() {
        Plan p = Plan.defaults();
        assertEquals("mnist-test:0,1,2;usps:0,1,2;mnist:0;fashion-mnist:0", p.toPlanString());
        assertEquals(6 * (3 + 3 + 1 + 1), p.cells().size());
    }

    @Test void groupsRunFirstSeedOfEverySetFirstAndMethodsSharingAPretrainingTogether() {
        Plan p = Plan.parse("mnist-test:0,1;usps:5;mnist:0", Plan.methods(List.of("dcec", "kmeans", "idec", "cae-kmeans")));
        List<String> order = p.groups().stream().map(g -> g.dataset() + ":" + g.seed()).toList();
        assertEquals(List.of("mnist-test:0", "usps:5", "mnist:0", "mnist-test:1"), order);
        assertEquals(List.of(Method.KMEANS, Method.CAE_KMEANS, Method.DCEC, Method.IDEC), p.groups().get(0).methods());
        // the method list itself is kept in the paper's table order
        assertEquals(List.of(Method.KMEANS, Method.CAE_KMEANS, Method.IDEC, Method.DCEC), p.methods());
    }

    @Test void datasetsAndSeedsOptions() {
        Plan p = Plan.of(List.of("usps", "shapes"), List.of(4L, 2L), Plan.ALL_METHODS);
        assertEquals("usps:4,2;shapes:4,2", p.toPlanString());
        assertEquals("usps:0,1,2;mnist:0", Plan.of(List.of("usps", "mnist"), null, Plan.ALL_METHODS).toPlanString());
        assertEquals("mnist-test:7;usps:7;mnist:7;fashion-mnist:7", Plan.of(null, List.of(7L), Plan.ALL_METHODS).toPlanString());
    }

    /**
     * An empty name in --methods or --datasets (a doubled or leading comma) is skipped, as in --seeds and --plan and as
     * picocli drops a trailing one: `--methods ,dcec` read "unknown method ''" and `--datasets usps,,mnist` "'' is not a
     * built-in data set", while `--methods dcec,` and `--seeds 1,,2` ran. Nothing but empty names is "no method" / "no data set".
     */
    @Test void emptyNamesInTheListsAreSkippedLikeEmptySeeds() {
        assertEquals(List.of(org.dcec4j.dcec.Method.DCEC), Plan.methods(List.of("", "dcec", " ")));
        assertEquals("usps:0,1,2;mnist:0", Plan.of(List.of("usps", "", "mnist"), null, Plan.ALL_METHODS).toPlanString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Plan.methods(List.of(""))).getMessage().equals("--methods: no method"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Plan.of(List.of("", " "), null, Plan.ALL_METHODS))
                .getMessage().startsWith("--datasets: no data set"));
    }

    @Test void badPlansNameTheProblem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Plan.parse("cifar:0", Plan.ALL_METHODS))
                .getMessage().contains("'cifar' is not a built-in data set"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Plan.parse("usps:0,x", Plan.ALL_METHODS))
                .getMessage().contains("'x' is not a seed"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Plan.parse("usps:5-2", Plan.ALL_METHODS))
                .getMessage().contains("'5-2'"));
        // ranges at the ends of the long range: the loop ran past Long.MAX_VALUE forever, and b − a overflowed past the guard
        assertEquals(List.of(9223372036854775806L, 9223372036854775807L),
                Plan.parse("usps:9223372036854775806-9223372036854775807", Plan.ALL_METHODS).entries().get(0).seeds());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Plan.parse("usps:-9223372036854775807-9223372036854775807", Plan.ALL_METHODS)).getMessage().contains("at most 1001 seeds"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Plan.parse(" ; ", Plan.ALL_METHODS))
                .getMessage().contains("--plan"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Plan.methods(List.of("dcec", "kmeanz")))
                .getMessage().startsWith("--methods: unknown method 'kmeanz'"));
    }

    /**
     * A range holds at most 1001 seeds: 0-1000 is every seed from 0 to 1000, once each, and 0-1001 is refused; a seed
     * given twice (overlapping ranges, or twice in the --seeds list) is one seed, one cell per method.
     */
    @Test void aRangeHoldsAtMost1001Seeds() {
        List<Long> seeds = Plan.parse("usps:0-1000", Plan.ALL_METHODS).entries().get(0).seeds();
        assertEquals(1001, seeds.size());
        for (int i = 0; i < seeds.size(); i++) assertEquals(i, seeds.get(i));
        assertEquals(1001, Plan.parse("usps:0-1000", List.of(Method.DCEC)).cells().size());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Plan.parse("usps:0-1001", Plan.ALL_METHODS))
                .getMessage().contains("'0-1001' is not a seed (an integer, digits 0-9) or a range a-b with a <= b of at most 1001 seeds"));
        // overlapping ranges and repeats are each seed once
        assertEquals(List.of(3L, 4L, 5L, 6L, 1L), Plan.seeds("3-5,4-6,5,1,3", "--seeds"));
        Plan twice = Plan.of(List.of("usps"), List.of(4L, 2L, 4L), Plan.ALL_METHODS);
        assertEquals("usps:4,2", twice.toPlanString());
        assertEquals(2 * Plan.ALL_METHODS.size(), twice.cells().size());
    }

    /**
     * A negative seed is refused, naming where it was given: it made folders named seed--1 (work folder, results, the
     * table's links), which read as a typo of seed-1. A result file with one is refused too.
     */
    @Test void negativeSeedsAreRefused() {
        assertEquals("--plan entry 'usps:0,-1': seed -1 is negative; the reproduction's seeds are 0 or more (each names its cells' folders, seed-<s>)",
                assertThrows(IllegalArgumentException.class, () -> Plan.parse("usps:0,-1", Plan.ALL_METHODS)).getMessage());
        assertEquals("--seeds: seed -2 is negative; the reproduction's seeds are 0 or more (each names its cells' folders, seed-<s>)",
                assertThrows(IllegalArgumentException.class, () -> Plan.seeds("-2-1", "--seeds")).getMessage());
        String json = ReproductionTableTest.result("usps", "kmeans", 0, 0.6, 0.5, 0.5, 0.4, 0, "null", 0, "1.0", "null", 2)
                .replace("\"seed\": 0,", "\"seed\": -1,");
        assertEquals("r.json: key \"seed\": expected 0 or more, got -1",
                assertThrows(java.io.UncheckedIOException.class, () -> CellResult.parse(json, "r.json")).getMessage());
    }

    /** A run folder is the same run wherever its work folder lies (relative, absolute, moved); another cell is not. */
    @Test void aRunsIdentityIgnoresWhereTheWorkFolderLies() {
        List<String> rel = List.of("cluster", "--seed", "0", "--weights", "work/shapes/seed-0/cae-pretraining/cae_weights.dc4j",
                "--out", "work/shapes/seed-0/dcec");
        List<String> abs = List.of("cluster", "--seed", "0", "--weights", "/tmp/x/work2/shapes/seed-0/cae-pretraining/cae_weights.dc4j",
                "--out", "/tmp/x/work2/shapes/seed-0/dcec", "--resume");
        assertEquals(Commands.identity(rel), Commands.identity(abs));
        List<String> otherSeed = List.of("cluster", "--seed", "0", "--weights", "work/shapes/seed-1/cae-pretraining/cae_weights.dc4j",
                "--out", "work/shapes/seed-1/dcec");
        org.junit.jupiter.api.Assertions.assertNotEquals(Commands.identity(rel), Commands.identity(otherSeed));
    }

    @Test void cellsKnowTheirSharedPretraining() {
        assertEquals(new Pretraining("usps", Method.Network.CONV, false, 1), new Cell("usps", Method.DEC_CONV, 1).pretraining());
        assertEquals(new Cell("usps", Method.CAE_KMEANS, 1).pretraining(), new Cell("usps", Method.DCEC, 1).pretraining());
        assertEquals(new Pretraining("usps", Method.Network.DENSE, false, 1), new Cell("usps", Method.IDEC, 1).pretraining());
        // the two data-augmented methods share an augmented pretraining of their own
        assertEquals(new Pretraining("usps", Method.Network.CONV, true, 1), new Cell("usps", Method.DCEC_DA, 1).pretraining());
        assertEquals(new Cell("usps", Method.DEC_CONV_DA, 1).pretraining(), new Cell("usps", Method.DCEC_DA, 1).pretraining());
        assertEquals("usps/seed-1/cae-da-pretraining", new Cell("usps", Method.DCEC_DA, 1).pretraining().folder());
        assertEquals(Method.DCEC_DA, new Cell("usps", Method.DEC_CONV_DA, 1).pretraining().method());
        assertEquals(null, new Cell("usps", Method.KMEANS, 1).pretraining());
        assertEquals("usps/seed-1/cae-pretraining", new Cell("usps", Method.DCEC, 1).pretraining().folder());
        assertEquals("ae_weights.dc4j", new Cell("usps", Method.DEC, 1).pretraining().weightsFile());
    }
}
