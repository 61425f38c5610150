package org.dcec4j.spark;

import java.util.List;
import org.apache.spark.sql.Row;
import org.dcec4j.datasets.DatasetException;

/**
 * One row of an {@link ImageSources.Source} as C×H×W floats: an image file decoded by {@link ImageDecoder}, or a
 * table's pixel array checked (length C·H·W, every value finite and in [0, 1], as {@code Dataset} demands).
 */
final class PixelRows {
    private PixelRows() {}

    /** The row's id: column 0 (a file's URI, or the table's id as a string). */
    static String id(Row row, String source) {
        if (row.isNullAt(0)) throw new DatasetException(source + ": a row has no id (null)");
        return row.getString(0);
    }

    /**
     * dst[off … off + C·H·W) = the row's image. An error names a file by its URI (the id); a table's row by the table
     * (source), its id and its Parquet file (the row's third column): the id alone did not say where to look.
     *
     * @param dst written
     */
    static void fill(float[] dst, int off, Row row, String id, ImageSources.Kind kind, int C, int H, int W, String source) {
        if (kind == ImageSources.Kind.ENCODED) {
            ImageDecoder.decode(dst, off, (byte[]) row.get(1), id, C, H, W);
            return;
        }
        int D = C * H * W;
        String where = source + ": row '" + id + "'" + (row.size() > 2 && !row.isNullAt(2) ? " in " + row.getString(2) : "");
        if (row.isNullAt(1)) throw DatasetException.at(where, "its pixel column", D + " values", "null");
        List<?> v = row.getList(1);          // Float or Double, as the table stores them
        if (v.size() != D)
            throw DatasetException.at(where, "its pixel column", D + " values (" + C + "x" + H + "x" + W
                    + ": the model's size, or --channels and --image-size when training)", v.size() + " values");
        for (int i = 0; i < D; i++) {
            Object o = v.get(i);
            double f = o == null ? Double.NaN : ((Number) o).doubleValue();
            if (!(f >= 0 && f <= 1))
                throw DatasetException.at(where, "pixel " + i, "a value in [0, 1] (divide 8-bit values by 255)", String.valueOf(o));
            dst[off + i] = (float) f;
        }
    }
}
