package io.automlseg.executor.savedmodel;

import io.automlseg.executor.trial.Hyperparameter;
import io.automlseg.executor.trial.HyperparameterTable;
import io.automlseg.executor.trial.TrainingParameters;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How detections become a prediction's output: the reference's inference-only settings of Mask R-CNN, read from a
 * saved model's {@code settings.json} (which a trial fills from its hyperparameters) or from a trial's
 * hyperparameters, with the defaults of {@link HyperparameterTable} for those missing, and overridable per run.
 *
 * @param maskPixelScoreThreshold a pixel is the object's above this probability
 * @param maxNumberOfPolygonPoints each polygon is simplified to at most this many points
 * @param exportAsImage whether each detection's mask is also written as an image file ({@link MaskImages})
 * @param imageType the format of those files: jpg, png or bmp
 */
public record PredictionSettings(double maskPixelScoreThreshold, int maxNumberOfPolygonPoints, boolean exportAsImage,
                                 String imageType) implements Serializable {
    public static final String MASK_PIXEL_SCORE_THRESHOLD = "mask_pixel_score_threshold";
    public static final String MAX_NUMBER_OF_POLYGON_POINTS = "max_number_of_polygon_points";
    public static final String EXPORT_AS_IMAGE = "export_as_image";
    public static final String IMAGE_TYPE = "image_type";

    public PredictionSettings {
        check(MASK_PIXEL_SCORE_THRESHOLD, maskPixelScoreThreshold);
        check(MAX_NUMBER_OF_POLYGON_POINTS, maxNumberOfPolygonPoints);
        imageType = imageType(imageType);
    }

    /**
     * The settings in {@code values} (a saved model's settings or a trial's hyperparameters), defaults for those
     * missing.
     *
     * @throws IllegalArgumentException naming the setting whose value is out of range
     */
    public static PredictionSettings of(Map<String, Object> values) {
        TrainingParameters p = new TrainingParameters(values);
        return new PredictionSettings(p.number(MASK_PIXEL_SCORE_THRESHOLD), p.integer(MAX_NUMBER_OF_POLYGON_POINTS),
                p.bool(EXPORT_AS_IMAGE), p.string(IMAGE_TYPE));
    }

    /** These settings with each non-null override in its place (the same checks apply). */
    public PredictionSettings withOverrides(Double threshold, Integer polygonPoints, Boolean export, String type) {
        return new PredictionSettings(threshold != null ? threshold : maskPixelScoreThreshold,
                polygonPoints != null ? polygonPoints : maxNumberOfPolygonPoints,
                export != null ? export : exportAsImage, type != null ? type : imageType);
    }

    /** The settings under their {@code settings.json} names. */
    public Map<String, Object> asSettings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put(MASK_PIXEL_SCORE_THRESHOLD, maskPixelScoreThreshold);
        s.put(MAX_NUMBER_OF_POLYGON_POINTS, maxNumberOfPolygonPoints);
        s.put(EXPORT_AS_IMAGE, exportAsImage);
        s.put(IMAGE_TYPE, imageType);
        return s;
    }

    private static void check(String name, double value) {
        Hyperparameter h = HyperparameterTable.get(name);
        if (!h.inRange(value) || (h.type() == Hyperparameter.Type.INT && value != Math.rint(value))) {
            throw new IllegalArgumentException(name + " must be " + h.range() + ", not " + Hyperparameter.number(value));
        }
    }

    /** The image type in lower case (the reference writes JPG), if it is one of the table's values. */
    private static String imageType(String type) {
        String t = type == null ? null : type.toLowerCase(Locale.ROOT);
        Hyperparameter h = HyperparameterTable.get(IMAGE_TYPE);
        if (t == null || !h.values().contains(t)) {
            throw new IllegalArgumentException(IMAGE_TYPE + " must be " + h.range() + ", not '" + type + "'");
        }
        return t;
    }
}
