package io.automlseg.driver.weights;

import java.util.Locale;

/**
 * The value of {@code pretrained_weights} (ours): where trials start when no other starting point
 * ({@code weights_path}, {@code checkpoint_model}, ...) is given.
 *
 * @param mode which weights
 * @param uri the file for {@link Mode#URI}, else null
 */
public record PretrainedSetting(Mode mode, String uri) {
    public static final String NAME = "pretrained_weights";

    public enum Mode {
        /** COCO for maskrcnn_resnet50_fpn, ImageNet backbones for the others; from scratch when they cannot be had. */
        AUTO,
        /** torchvision's COCO Mask R-CNN (maskrcnn_resnet50_fpn only); the sweep is refused when it cannot be had. */
        COCO,
        /** torchvision's ImageNet ResNet for the backbone; the sweep is refused when it cannot be had. */
        IMAGENET,
        /** A fresh initialisation. */
        NONE,
        /** A weight file the user names: http(s) URLs are fetched into the cache, other URIs are read in place. */
        URI
    }

    public static final PretrainedSetting AUTO = new PretrainedSetting(Mode.AUTO, null);

    /** Parses a keyword (any case) or a URI. */
    public static PretrainedSetting parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("must be auto, coco, imagenet, none or the URI of a weight file");
        }
        String keyword = value.trim().toLowerCase(Locale.ROOT);
        for (Mode m : Mode.values()) {
            if (m != Mode.URI && m.name().toLowerCase(Locale.ROOT).equals(keyword)) {
                return new PretrainedSetting(m, null);
            }
        }
        return new PretrainedSetting(Mode.URI, value.trim());
    }

    /** Whether the user asked for these weights by name, so that the sweep must not start without them. */
    public boolean explicit() {
        return mode == Mode.COCO || mode == Mode.IMAGENET || mode == Mode.URI;
    }

    public boolean isHttp() {
        return uri != null && (uri.startsWith("http://") || uri.startsWith("https://"));
    }

    @Override
    public String toString() {
        return mode == Mode.URI ? uri : mode.name().toLowerCase(Locale.ROOT);
    }
}
