package io.automlseg.driver.convert;

import io.automlseg.driver.convert.CocoConverter.CategoryOrder;
import io.automlseg.driver.convert.CocoConverter.Report;
import io.automlseg.driver.datasets.DataSetException;
import io.automlseg.executor.data.DataError;
import io.automlseg.executor.data.DataProblem;
import io.automlseg.executor.data.DataReport;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LoadOptions;
import io.automlseg.executor.data.LoadedDataset;
import io.automlseg.executor.data.MLTableReader;
import io.automlseg.executor.data.ObjectAnnotation;
import io.automlseg.executor.io.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * MLTable to COCO: the folder is read by the trials' validating reader, normalised polygons are scaled to pixels,
 * the bbox and the area (shoelace, summed over parts) computed, and categories numbered 1..K by name or by first use.
 */
final class MlTableToCoco {
    private MlTableToCoco() {}

    static Report convert(String mlTableFolderUri, String cocoFileUri, CategoryOrder order, boolean ignoreDataErrors)
            throws IOException {
        LoadedDataset data;
        try {
            data = MLTableReader.read(mlTableFolderUri,
                    LoadOptions.validation().withIgnoreDataErrors(ignoreDataErrors).withMinImages(1));
        } catch (DataError e) {
            throw new DataSetException(e.getMessage());
        }
        String cocoFolder = CocoConverter.parent(cocoFileUri) + "/";
        Set<String> seen = order == CategoryOrder.SORTED ? new TreeSet<>() : new LinkedHashSet<>();
        for (ImageRecord record : data.records()) {
            for (ObjectAnnotation object : record.objects()) {
                seen.add(object.label());
            }
        }
        Map<String, Integer> categoryIds = new LinkedHashMap<>();
        List<Map<String, Object>> categories = new ArrayList<>();
        for (String name : seen) {
            categoryIds.put(name, categoryIds.size() + 1);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", categoryIds.get(name));
            c.put("name", name);
            c.put("supercategory", "none");
            categories.add(c);
        }

        List<Map<String, Object>> images = new ArrayList<>();
        List<Map<String, Object>> annotations = new ArrayList<>();
        for (ImageRecord record : data.records()) {
            int[] size = record.width() > 0 && record.height() > 0
                    ? new int[] {record.width(), record.height()}
                    : CocoConverter.imageSize(record.imageUrl(), record.source());
            int imageId = images.size() + 1;
            String qualified = record.imageUrl();
            Map<String, Object> image = new LinkedHashMap<>();
            image.put("id", imageId);
            image.put("file_name", qualified.startsWith(cocoFolder) ? qualified.substring(cocoFolder.length())
                    : qualified);
            image.put("width", size[0]);
            image.put("height", size[1]);
            images.add(image);

            for (ObjectAnnotation object : record.objects()) {
                List<double[]> parts = new ArrayList<>();
                double[] box = {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
                double area = 0;
                for (double[] normalised : object.polygons()) {
                    double[] p = new double[normalised.length];
                    for (int k = 0; k < p.length; k++) {
                        p[k] = round(normalised[k] * (k % 2 == 0 ? size[0] : size[1]));
                    }
                    for (int k = 0; k < p.length; k += 2) {
                        box[0] = Math.min(box[0], p[k]);
                        box[1] = Math.min(box[1], p[k + 1]);
                        box[2] = Math.max(box[2], p[k]);
                        box[3] = Math.max(box[3], p[k + 1]);
                    }
                    area += Math.abs(shoelace(p));
                    parts.add(p);
                }
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("id", annotations.size() + 1);
                a.put("image_id", imageId);
                a.put("category_id", categoryIds.get(object.label()));
                a.put("segmentation", parts);
                a.put("area", round(area));
                a.put("bbox", new double[] {round(box[0]), round(box[1]), round(box[2] - box[0]),
                        round(box[3] - box[1])});
                a.put("iscrowd", object.crowd() ? 1 : 0);
                annotations.add(a);
            }
        }

        Map<String, Object> info = new LinkedHashMap<>();
        info.put("description", "converted from MLTable " + mlTableFolderUri);
        Map<String, Object> coco = new LinkedHashMap<>();
        coco.put("info", info);
        coco.put("images", images);
        coco.put("categories", categories);
        coco.put("annotations", annotations);
        Json.write(cocoFileUri, coco);
        DataReport skipped = data.report();
        List<String> warnings = new ArrayList<>();
        for (DataProblem p : skipped.examples()) {
            if (warnings.size() < CocoConverter.MAX_WARNINGS) {
                warnings.add(p.toString());
            }
        }
        return new Report(images.size(), annotations.size(), new ArrayList<>(seen), List.of(),
                skipped.skipped(DataReport.Skipped.ROW), skipped.skipped(DataReport.Skipped.OBJECT),
                skipped.skipped(DataReport.Skipped.PART), 0, warnings);
    }

    /** Signed area of a flat polygon {@code [x1, y1, ...]}. */
    static double shoelace(double[] p) {
        double twice = 0;
        int n = p.length / 2;
        for (int i = 0, j = n - 1; i < n; j = i++) {
            twice += p[2 * j] * p[2 * i + 1] - p[2 * i] * p[2 * j + 1];
        }
        return twice / 2;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
