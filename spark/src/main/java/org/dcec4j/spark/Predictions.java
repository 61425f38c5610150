package org.dcec4j.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.dcec4j.dcec.run.PredictionsCsv;
import org.dcec4j.dcec.train.Inference;
import org.dcec4j.datasets.OutputFiles;

/**
 * The predictions of a distributed training run: for every image its index in the data set's order, its id, the
 * cluster of the last recomputation of P, the confidence max_j q_ij and, when the set has labels, its label.
 * Written as Parquet (any Hadoop path) and as the single-machine run's {@code predictions.csv} (a local file, same
 * columns and number format, an image folder's {@code file} column included, streamed through the driver one partition
 * at a time).
 */
final class Predictions {
    private Predictions() {}

    static Dataset<Row> of(SparkSession spark, TrainingData data, TargetTable table) {
        boolean labelled = data.hasLabels();
        int K = table.K;
        JavaRDD<Row> rows = data.blocks().zipPartitions(table.rows, (Iterator<ImageBlock> images, Iterator<TargetTable.Rows> t) -> {
            List<Row> out = new ArrayList<>();
            while (t.hasNext()) {
                TargetTable.Rows r = t.next();
                ImageBlock x = images.next();
                float[] confidence = Inference.confidence(r.q(), r.n(), K);
                for (int i = 0; i < r.n(); i++)
                    out.add(labelled ? RowFactory.create(r.first() + i, x.ids()[i], r.labels()[i], confidence[i], x.labels()[i])
                            : RowFactory.create(r.first() + i, x.ids()[i], r.labels()[i], confidence[i]));
            }
            return out.iterator();
        });
        List<StructField> f = new ArrayList<>(List.of(DataTypes.createStructField("index", DataTypes.LongType, false),
                DataTypes.createStructField("id", DataTypes.StringType, false),
                DataTypes.createStructField("cluster", DataTypes.IntegerType, false),
                DataTypes.createStructField("confidence", DataTypes.FloatType, false)));
        if (labelled) f.add(DataTypes.createStructField("label", DataTypes.IntegerType, false));
        return spark.createDataFrame(rows, DataTypes.createStructType(f));
    }

    /**
     * predictions.csv as {@code dcec train} writes it (index order), atomically; for an image folder with its file column,
     * each file named from its id as {@link TrainingData#fileOf} names it.
     */
    static void writeCsv(Dataset<Row> predictions, Path file, TrainingData data) throws IOException {
        boolean labelled = data.hasLabels(), files = data.hasFiles();
        OutputFiles.writeAtomically(file, out -> {
            PredictionsCsv csv = new PredictionsCsv(out, labelled, files);
            Iterator<Row> it = predictions.toLocalIterator();
            while (it.hasNext()) {
                Row r = it.next();
                csv.row(Math.toIntExact(r.getLong(0)), r.getInt(2), r.getFloat(3), labelled ? r.getInt(4) : -1,
                        files ? data.fileOf(r.getString(1)) : null);
            }
            csv.flush();
        });
    }
}
