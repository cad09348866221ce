package io.automlseg.driver.convert;

import io.automlseg.driver.datasets.DataSetException;
import io.automlseg.executor.data.MLTableReader;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.mask.MaskPolygons;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * {@code automl convert}: COCO instance-segmentation JSON to an MLTable folder in the reference product's JSONL form,
 * and back.
 *
 * <p>COCO to MLTable: polygon vertices are divided by the image width and height (unless the annotation already
 * looks normalised: every bbox value below 1.5, as the reference converter decides), then clamped into [0, 1]
 * because the reference product silently drops segments with coordinates outside it. RLE masks (uncompressed
 * {@code counts} lists and compressed strings) become polygons as the reference's mask tools trace them
 * ({@link MaskPolygons}: one polygon per contour, at most 100 points each). Annotations without a segmentation are
 * skipped (this task accepts polygons only) and counted in the report. An MLTable has no list of categories, so
 * categories nobody uses are lost; the report names them.
 *
 * <p>MLTable to COCO: the folder is read by the trials' validating reader ({@link MLTableReader}); with
 * {@code ignoreDataErrors} bad lines, objects and polygon parts are left out and counted instead of failing. Normalised
 * polygons are scaled to pixels, the bbox and the area (shoelace, summed over parts) are computed, {@code isCrowd}
 * becomes {@code iscrowd}, and categories are numbered 1..K by name or by first use.
 */
public final class CocoConverter {
    static final int MAX_WARNINGS = 20;

    /** How category ids are assigned when writing COCO. */
    public enum CategoryOrder { SORTED, FIRST_SEEN }

    /**
     * What a conversion did.
     *
     * @param images images written
     * @param objects objects (annotations) written
     * @param labels class names written, in category order
     * @param unusedCategories COCO categories without any annotation (an MLTable cannot keep them)
     * @param skippedImages MLTable lines left out as unusable (only when data errors are ignored)
     * @param skippedObjects annotations dropped (no usable segmentation, or an object the validating reader rejects)
     * @param droppedSegments polygon parts dropped for having fewer than 3 points
     * @param clampedCoordinates coordinates moved into [0, 1]
     * @param warnings the first few skipped or corrected entries, with their location
     */
    public record Report(int images, int objects, List<String> labels, List<String> unusedCategories,
            int skippedImages, int skippedObjects, int droppedSegments, int clampedCoordinates, List<String> warnings) {}

    private CocoConverter() {}

    /**
     * Converts a COCO JSON file into an MLTable folder.
     *
     * @param cocoFileUri the COCO annotation file
     * @param imagesFolderUri folder that {@code file_name}s are relative to; null for the COCO file's folder (with a
     *     fallback to its {@code images/} sub-folder)
     * @param outputFolderUri the MLTable folder to write
     * @param copyImages copy the images into {@code <output>/images/} and refer to them relatively; otherwise refer
     *     to the original files by absolute URI
     */
    public static Report cocoToMlTable(String cocoFileUri, String imagesFolderUri, String outputFolderUri,
            boolean copyImages) throws IOException {
        return CocoToMlTable.convert(cocoFileUri, imagesFolderUri, outputFolderUri, copyImages);
    }

    /**
     * Converts an MLTable folder into a COCO JSON file, leaving out (and counting) what the validating reader rejects,
     * as the reference's default {@code ignore_data_errors: true} does.
     */
    public static Report mlTableToCoco(String mlTableFolderUri, String cocoFileUri, CategoryOrder order)
            throws IOException {
        return mlTableToCoco(mlTableFolderUri, cocoFileUri, order, true);
    }

    /**
     * Converts an MLTable folder into a COCO JSON file. {@code file_name}s are relative to the COCO file's folder when
     * the image lies inside it, otherwise absolute URIs.
     *
     * @param ignoreDataErrors leave out bad lines, objects and polygon parts (counted and named in the report) instead
     *     of failing with every problem's file, line and field
     */
    public static Report mlTableToCoco(String mlTableFolderUri, String cocoFileUri, CategoryOrder order,
            boolean ignoreDataErrors) throws IOException {
        return MlTableToCoco.convert(mlTableFolderUri, cocoFileUri, order, ignoreDataErrors);
    }

    /** The folder of a file, qualified, without the trailing slash. */
    static String parent(String uri) {
        String q = Storage.qualify(uri);
        return q.substring(0, q.lastIndexOf('/'));
    }

    /** Width and height from the image file's header, without decoding the pixels. */
    static int[] imageSize(String uri, String where) throws IOException {
        if (!Storage.exists(uri)) {
            throw new DataSetException(where + ": image " + uri + " not found, and no width and height are given");
        }
        try (InputStream in = Storage.open(uri); ImageInputStream iis = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = iis == null ? null : ImageIO.getImageReaders(iis);
            if (readers == null || !readers.hasNext()) {
                throw new DataSetException(where + ": " + uri + " is not an image this program can read");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        }
    }
}
