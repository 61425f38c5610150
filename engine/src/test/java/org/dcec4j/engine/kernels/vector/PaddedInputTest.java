package org.dcec4j.engine.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.dcec4j.engine.kernels.ConvGeometry;
import org.junit.jupiter.api.Test;

/**
 * The padded copies against their definition: xPad[slot, c, hp, wp] = x[n, c, hp − PT, wp − PL] inside the image,
 * 0 in the padding and in every place of the slot no pixel reaches (the copy reuses its buffer, so a place it skips
 * keeps an earlier value), for every layout and column stride 1–3, row widths from 1 to past two vectors, every
 * left padding 0–3, right padding 0, 2 and 3, top and bottom padding 0–2, one, three and nine channels (the copy moves eight channel planes per pass, then the rest),
 * and never a write outside the slot: slots of other images are filled by other threads at the same time.
 */
class PaddedInputTest {

    @org.junit.jupiter.api.BeforeEach void needsTheVectorModule() {
        // the build's second test run leaves the module out on purpose (BackendTest); this class runs in the first
        assumeTrue(org.dcec4j.engine.Backend.vectorModulePresent(), "needs --add-modules jdk.incubator.vector");
    }

    /** Where xPad[c, hp, wp] of one image lies in {@code layout}, relative to the slot. */
    private static int place(ConvGeometry g, PaddedInput.Layout layout, int c, int hp, int wp) {
        int Hp = g.H + g.PT + g.PB, Wp = g.W + g.PL + g.PR, Wq = (Wp + g.SW - 1) / g.SW;
        return switch (layout) {
            case NCHW -> (c * Hp + hp) * Wp + wp;
            case CHANNELS_LAST -> (hp * Wp + wp) * g.C + c;
            case COLUMN_PHASES -> (c * Hp + hp) * g.SW * Wq + (wp % g.SW) * Wq + wp / g.SW;
        };
    }

    /** The slot as the definition gives it: every pixel in its place, 0 elsewhere. */
    private static float[] expected(ConvGeometry g, PaddedInput.Layout layout, float[] x, int n) {
        float[] want = new float[PaddedInput.imageSize(g, layout)];
        for (int c = 0; c < g.C; c++)
            for (int h = 0; h < g.H; h++)
                for (int w = 0; w < g.W; w++)
                    want[place(g, layout, c, h + g.PT, w + g.PL)] = x[((n * g.C + c) * g.H + h) * g.W + w];
        return want;
    }

    @Test void everyLayoutMatchesItsDefinitionAndStaysInsideItsSlot() {
        int cases = 0;
        for (PaddedInput.Layout layout : PaddedInput.Layout.values())
            for (int sw = 1; sw <= 3; sw++)
                for (int W = 1; W <= 2 * Gemm.L + 5; W += (W < 8 ? 1 : 3))
                    for (int pl = 0; pl <= 3; pl++)
                        for (int pr = 0; pr <= 3; pr += 3 - pl % 2)
                            for (int pt : new int[] {0, 1, 2})
                                for (int C : new int[] {1, 3, 9}) {
                                    int H = 2 + (W + C) % 3, pb = (pl + pr) % 3, N = 3;
                                    ConvGeometry g = new ConvGeometry(N, C, H, W, 2, 1, 1, 1, sw, pt, pb, pl, pr);
                                    check(g, layout);
                                    cases++;
                                }
        org.junit.jupiter.api.Assertions.assertTrue(cases > 1000, "cases " + cases);
    }

    /** The geometries of the network's stride-2 layers at 28×28 and 16×16, where the copy is used. */
    @Test void theNetworksStrideTwoInputs() {
        int[][] shapes = {{1, 28, 1, 2, 1, 2}, {32, 14, 1, 2, 1, 2}, {1, 16, 1, 2, 1, 2}, {32, 8, 1, 2, 1, 2}};
        for (int[] s : shapes)
            for (PaddedInput.Layout layout : PaddedInput.Layout.values())
                check(new ConvGeometry(5, s[0], s[1], s[1], 4, 5, 5, 2, 2, s[2], s[3], s[4], s[5]), layout);
    }

    private static void check(ConvGeometry g, PaddedInput.Layout layout) {
        java.util.Random r = new java.util.Random(g.C * 131 + g.W * 17 + g.PL * 5 + g.PR + g.SW * 1000 + layout.ordinal() * 7);
        float[] x = new float[g.N * g.C * g.H * g.W];
        for (int i = 0; i < x.length; i++) x[i] = 1f + r.nextFloat();        // never 0: a missed pixel shows
        int size = PaddedInput.imageSize(g, layout);
        String where = layout + " C" + g.C + " H" + g.H + " W" + g.W + " SW" + g.SW + " pad T" + g.PT + " B" + g.PB
                       + " L" + g.PL + " R" + g.PR;
        // two images of a chunk (images 1 and 2 into slots 0 and 1) over a buffer full of NaN: every place of both
        // slots written, the float after them (the first of the slack) untouched
        Workspace s = new Workspace();
        s.xPad = new float[2 * size + Gemm.L];
        java.util.Arrays.fill(s.xPad, Float.NaN);
        float[] got = PaddedInput.chunk(s, x, g, layout, 1, 2);
        for (int slot = 0; slot < 2; slot++) {
            float[] want = expected(g, layout, x, 1 + slot);
            for (int i = 0; i < size; i++)
                assertEquals(want[i], got[slot * size + i], where + ": slot " + slot + ", place " + i);
        }
        for (int i = 2 * size; i < got.length; i++)
            org.junit.jupiter.api.Assertions.assertTrue(Float.isNaN(got[i]), where + ": written past the last slot at " + i);
        // one image alone into slot 0, the second slot still NaN: nothing written outside the slot
        java.util.Arrays.fill(s.xPad, Float.NaN);
        got = PaddedInput.chunk(s, x, g, layout, g.N - 1, 1);
        float[] want = expected(g, layout, x, g.N - 1);
        for (int i = 0; i < size; i++) assertEquals(want[i], got[i], where + ": last image, place " + i);
        for (int i = size; i < got.length; i++)
            org.junit.jupiter.api.Assertions.assertTrue(Float.isNaN(got[i]), where + ": written outside the slot at " + i);
    }
}
