package io.automlseg.executor.interop;

/**
 * The inference settings of torchvision's {@code MaskRCNN} constructor, the defaults of a model imported from
 * torchvision: its weights were trained and tuned with them. The two mask settings are not torchvision's (it
 * returns probabilities) but the reference product's.
 */
public final class TorchvisionDefaults {
    public static final int MIN_SIZE = 800;
    public static final int MAX_SIZE = 1333;
    public static final double BOX_SCORE_THRESHOLD = 0.05;
    public static final double NMS_IOU_THRESHOLD = 0.5;
    public static final int BOX_DETECTIONS_PER_IMAGE = 100;
    public static final int RPN_PRE_NMS_TOP_N_TEST = 1000;
    public static final int RPN_POST_NMS_TOP_N_TEST = 1000;
    public static final double MASK_PIXEL_SCORE_THRESHOLD = 0.5;
    public static final int MAX_NUMBER_OF_POLYGON_POINTS = 100;
    /** The group count of our group-norm models; torchvision has no group-norm Mask R-CNN of its own. */
    public static final int GROUP_NORM_GROUPS = 32;

    private TorchvisionDefaults() {}
}
