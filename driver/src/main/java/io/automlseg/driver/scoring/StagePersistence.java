package io.automlseg.driver.scoring;

import io.automlseg.executor.savedmodel.SavedModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import scala.Option;

/**
 * Saving and loading an {@link InstanceSegmentationModel} the Spark ML way, so that a {@code PipelineModel} holding
 * it saves and loads: Spark's params metadata ({@code <path>/metadata/}, one JSON line with class, uid and params)
 * and a copy of the saved model folder ({@code <path>/model/}), on any Hadoop file system. A loaded stage scores with
 * that copy, so the saved stage does not depend on the folder it was built from.
 */
final class StagePersistence {
    /** The model folder's copy under the stage's path. */
    static final String MODEL_FOLDER = "model";

    private StagePersistence() {}

    private static String modelFolder(String stagePath) {
        return new Path(stagePath, MODEL_FOLDER).toString();
    }

    static final class Writer extends MLWriter {
        private final InstanceSegmentationModel stage;

        Writer(InstanceSegmentationModel stage) {
            this.stage = stage;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(stage, path, sc(), Option.empty(), Option.empty());
            Configuration conf = sc().hadoopConfiguration();
            Path from = new Path(stage.getModelUri());
            Path to = new Path(modelFolder(path));
            try {
                if (!SavedModel.isComplete(stage.getModelUri())) {
                    throw new IllegalStateException(stage.getModelUri() + " is no longer a complete saved model");
                }
                FileUtil.copy(from.getFileSystem(conf), from, to.getFileSystem(conf), to, false, true, conf);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy the model " + from + " to " + to, e);
            }
        }
    }

    static final class Reader extends MLReader<InstanceSegmentationModel> {
        @Override
        public InstanceSegmentationModel load(String path) {
            DefaultParamsReader.Metadata metadata =
                    DefaultParamsReader.loadMetadata(path, sc(), InstanceSegmentationModel.class.getName());
            InstanceSegmentationModel stage = new InstanceSegmentationModel(metadata.uid());
            metadata.getAndSetParams(stage, Option.empty());
            return stage.setModelUri(modelFolder(path));
        }
    }
}
