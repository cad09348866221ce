package io.automlseg.driver.spark;

import io.automlseg.executor.data.DataError;
import io.automlseg.executor.data.ImageDecoder;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Runs on the executors: decodes every image of a partition of {@link DatasetPreparer#RECORD_SCHEMA} rows and
 * reports its real size or why it cannot be used, as rows of {@link DatasetPreparer#CHECK_SCHEMA}. Decoding where the
 * data is read spreads the work and proves the executors can reach every image before any trial starts.
 */
final class ImageCheck implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        ImageIO.setUseCache(false);
        List<Row> out = new ArrayList<>();
        while (rows.hasNext()) {
            Row r = rows.next();
            String url = r.getString(r.fieldIndex("image_url"));
            String source = r.getString(r.fieldIndex("source"));
            int width = 0;
            int height = 0;
            String error = null;
            try {
                BufferedImage image = ImageDecoder.read(url, source);
                width = image.getWidth();
                height = image.getHeight();
            } catch (DataError e) {
                error = e.problems().isEmpty() ? e.getMessage() : e.problems().get(0).message();
            } catch (RuntimeException e) {
                error = "cannot read the image: " + e.getMessage();
            }
            out.add(RowFactory.create(source, url, width, height, error));
        }
        return out.iterator();
    }
}
