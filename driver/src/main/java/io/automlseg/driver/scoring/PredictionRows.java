package io.automlseg.driver.scoring;

import io.automlseg.executor.mask.Rle;
import io.automlseg.executor.model.Detections;
import io.automlseg.executor.predict.ImagePrediction;
import io.automlseg.executor.predict.ScoredImage;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The typed prediction column: per image an array of detected objects, each with its {@code label}, {@code score},
 * {@code box} (pixels and the reference scoring format's normalised corners), {@code polygon} (the reference's
 * normalised polygon lists) and, when asked for, its mask as COCO RLE ({@code size} [height, width] and pycocotools'
 * compressed {@code counts}). The values come from the executor's scoring record, so they equal {@code automl
 * predict}'s JSON.
 */
final class PredictionRows {
    static final StructType BOX = DataTypes.createStructType(List.of(
            field("x", DataTypes.DoubleType), field("y", DataTypes.DoubleType),
            field("width", DataTypes.DoubleType), field("height", DataTypes.DoubleType),
            field("topX", DataTypes.DoubleType), field("topY", DataTypes.DoubleType),
            field("bottomX", DataTypes.DoubleType), field("bottomY", DataTypes.DoubleType)));
    static final StructType RLE = DataTypes.createStructType(List.of(
            field("size", DataTypes.createArrayType(DataTypes.IntegerType, false)),
            field("counts", DataTypes.StringType)));
    static final ArrayType POLYGONS =
            DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, false), false);

    private PredictionRows() {}

    private static StructField field(String name, org.apache.spark.sql.types.DataType type) {
        return DataTypes.createStructField(name, type, false);
    }

    /** One detected object's struct. */
    static StructType objectType(boolean includeRle) {
        StructType t = DataTypes.createStructType(List.of(
                field("label", DataTypes.StringType), field("score", DataTypes.DoubleType),
                field("box", BOX), field("polygon", POLYGONS)));
        return includeRle ? t.add(field("rle", RLE)) : t;
    }

    /** The prediction column's type: the objects of one image, best score first. */
    static ArrayType predictionsType(boolean includeRle) {
        return DataTypes.createArrayType(objectType(includeRle), false);
    }

    /** The prediction column's value for one image. */
    static Object[] of(ImagePrediction prediction, boolean includeRle) {
        Detections d = prediction.detections();
        List<ScoredImage.Detection> objects = prediction.record().boxes();
        Object[] out = new Object[objects.size()];
        for (int i = 0; i < out.length; i++) {
            ScoredImage.Detection o = objects.get(i);
            float[] b = d.boxes()[i];
            ScoredImage.Box n = o.box();
            Row box = RowFactory.create((double) b[0], (double) b[1], (double) b[2] - b[0], (double) b[3] - b[1],
                    n.topX(), n.topY(), n.bottomX(), n.bottomY());
            Object[] polygons = o.polygon().toArray();
            if (includeRle) {
                Rle rle = Rle.encode(prediction.masks().get(i), d.imageHeight(), d.imageWidth());
                Row coco = RowFactory.create(new int[] {d.imageHeight(), d.imageWidth()}, rle.toCompressedString());
                out[i] = RowFactory.create(o.label(), o.score(), box, polygons, coco);
            } else {
                out[i] = RowFactory.create(o.label(), o.score(), box, polygons);
            }
        }
        return out;
    }
}
