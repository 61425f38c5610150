package org.dcec4j.dcec.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SvgLineChartTest {

    private static List<String> polylines(String svg) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<polyline fill=\"none\" points=\"([^\"]*)\"/>").matcher(svg);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void niceTicksByHand() {
        // raw step 1/5 = 0.2 → 2 × 0.1
        assertEquals(new SvgLineChart.Ticks(0, 1, 0.2), SvgLineChart.niceTicks(0, 1, 5));
        // raw 0.074/5 = 0.0148 → 2 × 0.01; lo = floor(0.013/0.02 = 0.65)·0.02 = 0; hi = ceil(0.087/0.02 = 4.35)·0.02 = 0.1
        SvgLineChart.Ticks t = SvgLineChart.niceTicks(0.013, 0.087, 5);
        assertEquals(0.02, t.step(), 1e-15);
        assertEquals(0, t.lo(), 1e-15);
        assertEquals(0.1, t.hi(), 1e-15);
        assertArrayEquals(new double[] {0, 0.02, 0.04, 0.06, 0.08, 0.1}, t.values(), 1e-15);
        // empty range 3..3 → 1.5..4.5, raw 0.6 → 1 × 1 (0.5 is too small); lo 1, hi 5
        assertEquals(new SvgLineChart.Ticks(1, 5, 1), SvgLineChart.niceTicks(3, 3, 5));
        // 0..20000 in 8 → raw 2500 → 5 × 1000
        assertEquals(new SvgLineChart.Ticks(0, 20000, 5000), SvgLineChart.niceTicks(0, 20000, 8));
        // 0.1 + 0.2 is not exactly 0.3: the tolerance keeps hi at 0.3, not 0.4
        assertEquals(0.3, SvgLineChart.niceTicks(0, 0.1 + 0.2, 3).hi(), 1e-15);
    }

    @Test
    void tickLabels() {
        assertEquals("0.2", SvgLineChart.tickLabel(0.2, 0.2));
        assertEquals("1.0", SvgLineChart.tickLabel(1.0, 0.5));
        assertEquals("0.04", SvgLineChart.tickLabel(0.04, 0.02));
        assertEquals("1400", SvgLineChart.tickLabel(1400, 200));
        assertEquals("5e-4", SvgLineChart.tickLabel(5e-4, 1e-4));
        assertEquals("0", SvgLineChart.tickLabel(1e-17, 0.1));
    }

    /**
     * A narrow axis far from zero: 2 epochs of L_r 0.216940 → 0.215691 (a real run on 60 images) gave the ticks
     * 0.2155, 0.2160, 0.2165, 0.2170 (step 5e-4) and all four read "2e-1"; L_c 6.301e-5 read "5e-5", "6e-5",
     * "7e-5", "7e-5". Every label now has the digits its step needs, so the labels of an axis differ.
     */
    @Test
    void tickLabelsOfANarrowAxisFarFromZeroDiffer() {
        for (double[] range : new double[][] {{0.215691, 0.216940}, {5.04e-5, 6.301e-5}, {1234567, 1234571}}) {
            SvgLineChart.Ticks t = SvgLineChart.niceTicks(range[0], range[1], 5);
            List<String> labels = new ArrayList<>();
            for (double v : t.values()) {
                labels.add(SvgLineChart.tickLabel(v, t.step()));
            }
            assertEquals(labels.size(), labels.stream().distinct().count(), "labels " + labels + " of " + t);
        }
        assertEquals("2.165e-1", SvgLineChart.tickLabel(0.2165, 5e-4));
        assertEquals("6.5e-5", SvgLineChart.tickLabel(6.5e-5, 5e-6));
        assertEquals("1.234568e6", SvgLineChart.tickLabel(1234568, 1));
        // only as many digits as the step needs: as before
        assertEquals("5e-4", SvgLineChart.tickLabel(5e-4, 1e-4));
        assertEquals("2e6", SvgLineChart.tickLabel(2e6, 1e6));
        String svg = new SvgLineChart("c", "epoch", "L_r", new double[] {1, 2}).series("L_r", new double[] {0.216940, 0.215691})
                .render();
        assertFalse(svg.contains(">2e-1<"), svg);
    }

    /**
     * x = 0, 1, 2 → ticks 0..2 step 0.5, y = 0, 0.5, 1 with range 0..1. The plot is 640 − 64 − 16 = 560 wide
     * and 260 − 28 − 40 = 192 high from (64, 28): px = 64 + 560·x/2, py = 28 + 192·(1 − y).
     */
    @Test
    void pointsLandWhereTheAxesSay() {
        String svg = new SvgLineChart("c", "x", "y", new double[] {0, 1, 2}).series("s", new double[] {0, 0.5, 1})
                .yRange(0, 1).render();
        assertEquals(List.of("64.0,220.0 344.0,124.0 624.0,28.0"), polylines(svg));
        assertTrue(svg.startsWith("<svg class=\"chart\" id=\"c\" viewBox=\"0 0 640 260\""));
        assertFalse(svg.contains("xmlns"));
    }

    /** A reference line at y = 0.5 on the 0..1 axis: py = 28 + 192 · 0.5 = 124. */
    @Test
    void referenceLineSitsAtItsValue() {
        String svg = new SvgLineChart("c", "x", "y", new double[] {0, 1, 2}).series("s", new double[] {0, 0.5, 1})
                .yRange(0, 1).reference("tol", 0.5).render();
        assertTrue(svg.contains("<line class=\"reference\" data-name=\"tol\" x1=\"64\" y1=\"124.0\" x2=\"624\" y2=\"124.0\">"),
                svg);
        // 3 points: visible dots
        assertEquals(3, svg.split("<circle class=\"dot\"", -1).length - 1);
    }

    @Test
    void nanBreaksTheLine() {
        String svg = new SvgLineChart("c", "x", "y", new double[] {0, 1, 2, 3})
                .series("s", new double[] {0, Double.NaN, 1, 1}).render();
        List<String> lines = polylines(svg);
        assertEquals(2, lines.size());
        assertEquals(1, lines.get(0).split(" ").length);
        assertEquals(2, lines.get(1).split(" ").length);
        // the isolated point still has its marker: 3 drawable points, 3 circles
        assertEquals(3, svg.split("<circle ", -1).length - 1);
    }

    @Test
    void logAxisOnlyForWidePositiveRanges() {
        double[] x = {0, 1, 2};
        assertEquals(SvgLineChart.Scale.LOG, new SvgLineChart("c", "x", "y", x)
                .series("s", new double[] {1e-3, 0.1, 1}).scale(SvgLineChart.Scale.AUTO).resolvedScale());
        assertEquals(SvgLineChart.Scale.LINEAR, new SvgLineChart("c", "x", "y", x)
                .series("s", new double[] {1, 2, 20}).scale(SvgLineChart.Scale.AUTO).resolvedScale());
        assertEquals(SvgLineChart.Scale.LINEAR, new SvgLineChart("c", "x", "y", x)
                .series("s", new double[] {0, 0.1, 1}).scale(SvgLineChart.Scale.AUTO).resolvedScale());
        // on a log axis, 0 is not drawn: y = 1e-3, 0, 1e-1 gives two one-point lines
        String svg = new SvgLineChart("c", "x", "y", x).series("s", new double[] {1e-3, 0, 1e-1})
                .scale(SvgLineChart.Scale.LOG).render();
        assertEquals(2, polylines(svg).size());
        assertTrue(svg.contains("(log scale)"));
        // decades from 10^floor(log10(1e-3) − 0.05) = 1e-4 to 10^ceil(log10(0.1) + 0.05) = 1
        assertTrue(svg.contains(">1e-4</text>") && svg.contains(">1</text>"), svg);
    }

    @Test
    void chartWithoutDataSaysSo() {
        String svg = new SvgLineChart("c", "x", "y", new double[] {0, 1})
                .series("s", new double[] {Double.NaN, Double.NaN}).render();
        assertTrue(svg.contains(">no data</text>"));
        assertTrue(polylines(svg).isEmpty());
    }

    /** widen by hand: a narrow range grows around its middle to the minimum span and is shifted inside [floor, ceiling]. */
    @Test
    void narrowRangesAreWidenedToTheMinimumSpan() {
        // 0.665..0.689 (span 0.024) around 0.677 to 0.05: 0.652..0.702
        assertArrayEquals(new double[] {0.652, 0.702}, SvgLineChart.widen(0.665, 0.689, 0.05, 0, 1), 1e-12);
        // 0.98..0.99 around 0.985: 0.96..1.01 passes the ceiling 1, so it is shifted down to 0.95..1
        assertArrayEquals(new double[] {0.95, 1.0}, SvgLineChart.widen(0.98, 0.99, 0.05, 0, 1), 1e-12);
        // wide enough already: unchanged
        assertArrayEquals(new double[] {0.1, 0.5}, SvgLineChart.widen(0.1, 0.5, 0.05, 0, 1), 0);
    }

    /**
     * A 200 × 120 chart: plot 200 − 64 − 16 = 120 wide, 120 − 28 − 40 = 52 high. y 0.70..0.72 widened to 0.05:
     * 0.685..0.735, ticks 0.68..0.74 step 0.01, so py(0.70) = 28 + 52 · (1 − 0.02 / 0.06) = 62.7 and py(0.72) = 45.3.
     */
    @Test
    void aMinimumSpanAndASizeGiveTheAxisByHand() {
        String svg = new SvgLineChart("c", "x", "y", new double[] {0, 1}).series("s", new double[] {0.70, 0.72})
                .minSpan(0.05, 0, 1).size(200, 120).render();
        assertTrue(svg.startsWith("<svg class=\"chart\" id=\"c\" viewBox=\"0 0 200 120\" width=\"200\" height=\"120\""), svg);
        assertEquals(List.of("64.0,62.7 184.0,45.3"), polylines(svg));
        assertTrue(svg.contains(">0.68</text>") && svg.contains(">0.74</text>") && !svg.contains(">0.67</text>"), svg);
    }

    /** A reference that must not stretch the axis: drawn when inside, named with an arrow in the legend when not. */
    @Test
    void aReferenceOffTheAxisIsNamedNotDrawn() {
        double[] x = {0, 1};
        String below = new SvgLineChart("c", "x", "y", x).series("s", new double[] {0.70, 0.74})
                .referenceInside("baseline 0.5", 0.5).render();
        assertFalse(below.contains("<line class=\"reference\" data-name"), below);
        assertTrue(below.contains(">baseline 0.5 ↓</text>"), below);
        assertFalse(below.contains(">0.5</text>"), "the axis is not stretched down to the reference");
        String above = new SvgLineChart("c", "x", "y", x).series("s", new double[] {0.70, 0.74})
                .referenceInside("best 0.9", 0.9).render();
        assertTrue(above.contains(">best 0.9 ↑</text>"), above);
        String inside = new SvgLineChart("c", "x", "y", x).series("s", new double[] {0.70, 0.74})
                .referenceInside("mid 0.72", 0.72).render();
        assertTrue(inside.contains("<line class=\"reference\" data-name=\"mid 0.72\""), inside);
        assertTrue(inside.contains(">mid 0.72</text>"), inside);
    }
}
