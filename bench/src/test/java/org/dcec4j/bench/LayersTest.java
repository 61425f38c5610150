package org.dcec4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The FLOP counts every share of the peak divides by, against MACs worked out by hand from the layer table
 * (docs/spec.md#architecture): per image, K·OH·OW·C·KH·KW for each layer, then ×3 passes, less conv1's
 * backward-input (the step never computes it), ×2 FLOP per MAC, ×256 images.
 */
class LayersTest {
    @Test
    void stepAt28CountsEveryPassButConv1BackwardInput() {
        long conv1 = 32L * 1 * 25 * 14 * 14;     // 156,800
        long conv2 = 64L * 32 * 25 * 7 * 7;      // 2,508,800
        long conv3 = 128L * 64 * 9 * 3 * 3;      // 663,552 ('valid': 7 → 3)
        long dense = 2L * 10 * 1152;             // embedding and decoder dense
        long macs = 3 * (2 * (conv1 + conv2 + conv3) + dense) - conv1;
        assertEquals(19_887_232L, macs);
        assertEquals(2.0 * macs * 256, Layers.stepFlops(28, 256, 10), 0.0);
        assertEquals(10_182_262_784.0, Layers.stepFlops(28, 256, 10), 0.0);
    }

    @Test
    void stepAt16CountsEveryPassButConv1BackwardInput() {
        long conv1 = 32L * 25 * 8 * 8, conv2 = 64L * 32 * 25 * 4 * 4, conv3 = 128L * 64 * 9 * 2 * 2;  // conv3 'same'
        long macs = 3 * (2 * (conv1 + conv2 + conv3) + 2L * 10 * 512) - conv1;
        assertEquals(3_569_352_704.0, 2.0 * macs * 256, 0.0);
        assertEquals(2.0 * macs * 256, Layers.stepFlops(16, 256, 10), 0.0);
    }

    @Test
    void aLayerRoundCountsAllThreePasses() {
        assertEquals(3 * 2.0 * 256 * 2_508_800L, Layers.convFlops("conv2", 28, 256, "all"), 0.0);
        assertEquals(2.0 * 256 * 156_800L, Layers.convFlops("deconv1", 28, 256, "forward"), 0.0);
    }
}
