package io.automlseg.driver.spark;

import io.automlseg.executor.io.Storage;
import java.awt.image.BufferedImage;
import java.io.InputStream;
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
            try (InputStream in = Storage.open(url)) {
                BufferedImage image = ImageIO.read(in);
                if (image == null) {
                    error = "not a decodable image (jpg, png, bmp, gif are supported)";
                } else if (image.getWidth() < 1 || image.getHeight() < 1) {
                    error = "the image is empty";
                } else {
                    width = image.getWidth();
                    height = image.getHeight();
                }
            } catch (java.io.FileNotFoundException e) {
                error = "image file not found";
            } catch (Exception e) {
                error = "cannot read the image: " + e.getMessage();
            }
            out.add(RowFactory.create(source, url, width, height, error));
        }
        return out.iterator();
    }
}
