package io.automlseg.driver.scoring;

import io.automlseg.executor.io.Json;
import io.automlseg.executor.predict.ScoredImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The reference batch-scoring line of one scored row: {@code {"filename", "boxes"}} built from the typed prediction
 * column, so that it is byte for byte the line the executor's scorer writes for the same image. A row whose image
 * could not be decoded gets {@code "boxes": []} and its {@code "error"}.
 */
final class ScoringLines {
    private ScoringLines() {}

    /** The line of one row of {@link InstanceSegmentationModel}'s output. */
    static String of(String filename, Row row, int predictionsColumn, int errorColumn) {
        if (row.isNullAt(predictionsColumn)) {
            Map<String, Object> failed = new LinkedHashMap<>();
            failed.put("filename", filename);
            failed.put("boxes", List.of());
            failed.put("error", row.isNullAt(errorColumn) ? "not scored" : row.getString(errorColumn));
            return Json.line(failed);
        }
        List<?> objects = items(row.get(predictionsColumn));
        List<ScoredImage.Detection> boxes = new ArrayList<>(objects.size());
        for (Object item : objects) {
            Row o = (Row) item;
            Row b = o.getStruct(2);
            ScoredImage.Box box = new ScoredImage.Box(b.getDouble(4), b.getDouble(5), b.getDouble(6), b.getDouble(7));
            List<?> polygons = items(o.get(3));
            List<double[]> outline = new ArrayList<>(polygons.size());
            for (Object polygon : polygons) {
                List<?> values = items(polygon);
                double[] xy = new double[values.size()];
                for (int i = 0; i < xy.length; i++) {
                    xy[i] = (Double) values.get(i);
                }
                outline.add(xy);
            }
            boxes.add(new ScoredImage.Detection(box, o.getString(0), o.getDouble(1), outline));
        }
        return Json.line(new ScoredImage(filename, boxes));
    }

    /**
     * The elements of an array cell: a Scala sequence once Spark has encoded the row, or the arrays the scoring stage
     * built when Spark hands its objects straight to the next typed operation.
     */
    private static List<?> items(Object cell) {
        if (cell instanceof double[] d) {
            return java.util.Arrays.stream(d).boxed().toList();
        }
        if (cell instanceof Object[] a) {
            return java.util.Arrays.asList(a);
        }
        return scala.collection.JavaConverters.seqAsJavaList((scala.collection.Seq<?>) cell);
    }
}
