package org.dcec4j.dcec.example;

// README: begin
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.dcec4j.dcec.Dcec;
import org.dcec4j.dcec.DcecModel;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.engine.Backend;

public class ReadmeExample {
    public static void main(String[] args) throws Exception {
        Dataset data = Shapes.generate(400, 1, 28);               // or your own float[] NCHW in [0, 1]
        try (Backend backend = Backend.create(Backend.Kind.AUTO, 2)) {
            Dcec dcec = Dcec.builder().clusters(10).pretrainEpochs(3).maxIterations(100).seed(0).backend(backend).build();
            DcecModel model = dcec.fit(data);
            int[] clusters = model.predict(data.images(), data.size());
            System.out.println(model.score(data) + ", first clusters " + Arrays.toString(Arrays.copyOf(clusters, 8)));
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            model.save(file);                                     // or model.save(Path)
            DcecModel again = DcecModel.load(file.toByteArray(), backend);
            System.out.println(Arrays.equals(clusters, again.predict(data.images(), data.size())) ? "same clusters" : "DIFFERENT");
        }
    }
}
// README: end
