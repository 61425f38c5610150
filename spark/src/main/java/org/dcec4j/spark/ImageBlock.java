package org.dcec4j.spark;

import java.io.Serializable;

/**
 * Consecutive images of a distributed data set: rows first … first + n − 1 of the data set's order, their ids, their
 * labels (null when the set has none) and their pixels [n, C, H, W]. A partition holds a few blocks, in order.
 *
 * @param first  the data-set index of the block's first image
 * @param ids    n ids (file URIs or table ids)
 * @param labels n class indices, or null
 * @param x      n·C·H·W values in [0, 1], read only
 */
public record ImageBlock(long first, String[] ids, int[] labels, float[] x) implements Serializable {
    /** Images in the block. */
    public int n() { return ids.length; }
}
