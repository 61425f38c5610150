package org.dcec4j.dcec.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.cluster.KMeans;
import org.dcec4j.dcec.cluster.KMeansResult;
import org.dcec4j.dcec.metrics.Metrics;
import org.dcec4j.dcec.report.RunLogs;
import org.dcec4j.dcec.train.Seeds;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.Shapes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pixel k-means baseline: what it computes, its own seed stream, its file and the rule that runs it unasked. */
class PixelBaselineTest {
    static final Dataset DATA = Shapes.generate(200, 3, 12);
    static final DcecConfig CFG = DcecConfig.defaults().toBuilder().K(4).kmeansRestarts(3).seed(7).build();

    @Test void itIsKMeansOnThePixelsWithTheRunsKAndRestartsOnItsOwnSeed(@TempDir Path dir) throws IOException {
        PixelBaseline b = PixelBaseline.compute(DATA, CFG, 2);
        long own = Seeds.derive(7, Seeds.BASELINE, 0);
        assertNotEquals(Seeds.derive(7, Seeds.KMEANS, 0), own, "not the stream of the run's own k-means");
        KMeansResult km = new KMeans(4).withRestarts(3).withSeed(own).withThreads(1).fit(DATA.images(), DATA.size(), DATA.imageSize());
        // scores by the metrics' own functions on those labels (the thread count changes nothing)
        assertEquals(Metrics.acc(DATA.labels(), km.labels()), b.scores().acc());
        assertEquals(Metrics.nmi(DATA.labels(), km.labels()), b.scores().nmi());
        assertEquals(Metrics.ari(DATA.labels(), km.labels()), b.scores().ari());
        assertEquals(km.inertia(), b.inertia());
        assertEquals(4, b.K());
        assertEquals(3, b.restarts());
        // baseline.json reads back with the report's reader, every number exact
        Path file = b.write(dir);
        assertEquals(dir.resolve("baseline.json"), file);
        Map<String, String> m = RunLogs.readConfig(file);
        assertEquals(b.scores().acc(), Double.parseDouble(m.get("acc")));
        assertEquals(b.scores().nmi(), Double.parseDouble(m.get("nmi")));
        assertEquals(b.scores().ari(), Double.parseDouble(m.get("ari")));
        assertEquals("3", m.get("restarts"));
        assertEquals("7", m.get("seed"));
        assertEquals(Long.toString(Seeds.BASELINE), m.get("seed_stream"));
        assertTrue(RunFolder.OUTPUTS.contains(PixelBaseline.FILE), "an --overwrite removes it with the other results");
    }

    /** N·D·K·R against 2·10^9, counted by hand. */
    @Test void itRunsUnaskedOnlyOnLabelledSetsOfBoundedWork() {
        Dataset d = Shapes.generate(1000, 1, 10);      // N·D = 1000 · 100
        DcecConfig atLimit = CFG.toBuilder().K(10).kmeansRestarts(2000).build();     // 10^5 · 10 · 2000 = 2·10^9
        assertEquals(2e9, PixelBaseline.work(d, atLimit));
        assertTrue(PixelBaseline.cheap(d, atLimit));
        DcecConfig above = atLimit.toBuilder().kmeansRestarts(2001).build();
        assertFalse(PixelBaseline.cheap(d, above));
        Dataset unlabeled = new Dataset("u", 1, 10, 10, d.images(), null);
        assertFalse(PixelBaseline.cheap(unlabeled, atLimit.toBuilder().kmeansRestarts(1).build()));
        assertThrows(IllegalArgumentException.class, () -> PixelBaseline.compute(unlabeled, CFG, 1));
        // the defaults on the 4,000 shapes of `dcec train`: 4000 · 784 · 10 · 20 = 6.272·10^8; 70,000 MNIST images: 1.0976·10^10
        assertEquals(6.272e8, 4000.0 * 784 * 10 * 20);
        assertTrue(4000.0 * 784 * 10 * 20 <= PixelBaseline.AUTO_LIMIT && 70000.0 * 784 * 10 * 20 > PixelBaseline.AUTO_LIMIT);
    }
}
