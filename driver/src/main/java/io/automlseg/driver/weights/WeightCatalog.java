package io.automlseg.driver.weights;

import com.fasterxml.jackson.core.type.TypeReference;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.trial.PretrainedWeights.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The weight files torchvision publishes for the five Mask R-CNN variants, as torchvision 0.14's source names them:
 * its COCO Mask R-CNN for {@code maskrcnn_resnet50_fpn} and its ImageNet ResNet classifiers (the
 * {@code IMAGENET1K_V1} weights its Mask R-CNN builder takes as {@code weights_backbone}) for every variant. Each file
 * name carries the first hex digits of the file's SHA-256 ({@code name-<hash>.pth}), checked as torch.hub does.
 *
 * <p>Files are fetched from {@link #baseUrl()}: {@code https://download.pytorch.org/models/} unless the system
 * property {@value #BASE_URL_PROPERTY} or the environment variable {@value #BASE_URL_ENV} names a mirror (an
 * internal artefact store, or a test server on 127.0.0.1). The system property {@value #CATALOG_PROPERTY} may name a
 * JSON file that replaces the file names ({@code {"maskrcnn_resnet18_fpn": {"imagenet": "resnet18-1a2b3c4d.pth"}}});
 * tests use it to serve files of their own.
 */
public final class WeightCatalog {
    public static final String DEFAULT_BASE_URL = "https://download.pytorch.org/models/";
    public static final String BASE_URL_PROPERTY = "automlseg.weights.baseUrl";
    public static final String BASE_URL_ENV = "AUTOML_WEIGHTS_BASE_URL";
    public static final String CATALOG_PROPERTY = "automlseg.weights.catalog";
    /** torch.hub's convention: the SHA-256 prefix sits between the last '-' and the extension. */
    private static final Pattern HASH_IN_NAME = Pattern.compile("-([a-f0-9]{8,64})\\.[^/.]+$");

    /**
     * One published file.
     *
     * @param modelName the Mask R-CNN variant it starts
     * @param kind a whole COCO model or an ImageNet backbone
     * @param fileName the file's name under the base URL
     * @param torchvisionName torchvision's name for these weights, for messages
     */
    public record Entry(String modelName, Kind kind, String fileName, String torchvisionName) {
        /** The SHA-256 prefix the file name carries. */
        public String sha256Prefix() {
            return hashInName(fileName).orElseThrow();
        }
    }

    public static final WeightCatalog TORCHVISION = new WeightCatalog(List.of(
            new Entry("maskrcnn_resnet50_fpn", Kind.COCO, "maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth",
                    "MaskRCNN_ResNet50_FPN_Weights.COCO_V1"),
            new Entry("maskrcnn_resnet18_fpn", Kind.IMAGENET, "resnet18-f37072fd.pth", "ResNet18_Weights.IMAGENET1K_V1"),
            new Entry("maskrcnn_resnet34_fpn", Kind.IMAGENET, "resnet34-b627a593.pth", "ResNet34_Weights.IMAGENET1K_V1"),
            new Entry("maskrcnn_resnet50_fpn", Kind.IMAGENET, "resnet50-0676ba61.pth", "ResNet50_Weights.IMAGENET1K_V1"),
            new Entry("maskrcnn_resnet101_fpn", Kind.IMAGENET, "resnet101-63fe2227.pth",
                    "ResNet101_Weights.IMAGENET1K_V1"),
            new Entry("maskrcnn_resnet152_fpn", Kind.IMAGENET, "resnet152-394f9c45.pth",
                    "ResNet152_Weights.IMAGENET1K_V1")));

    private final List<Entry> entries;

    public WeightCatalog(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** torchvision's catalog, or the one {@value #CATALOG_PROPERTY} names. */
    public static WeightCatalog current() throws IOException {
        String override = System.getProperty(CATALOG_PROPERTY);
        if (override == null) {
            return TORCHVISION;
        }
        Map<String, Map<String, String>> names = Json.MAPPER.readValue(Files.readAllBytes(Path.of(override)),
                new TypeReference<Map<String, Map<String, String>>>() {});
        List<Entry> out = new ArrayList<>();
        for (Entry e : TORCHVISION.entries) {
            String name = names.getOrDefault(e.modelName(), Map.of()).get(e.kind().name().toLowerCase(java.util.Locale.ROOT));
            out.add(name == null ? e : new Entry(e.modelName(), e.kind(), name, e.torchvisionName()));
        }
        return new WeightCatalog(out);
    }

    public List<Entry> entries() {
        return entries;
    }

    public Optional<Entry> find(String modelName, Kind kind) {
        return entries.stream().filter(e -> e.modelName().equals(modelName) && e.kind() == kind).findFirst();
    }

    /** What {@code auto} starts a variant from: COCO where torchvision has it, else the ImageNet backbone. */
    public Entry auto(String modelName) {
        return find(modelName, Kind.COCO).or(() -> find(modelName, Kind.IMAGENET)).orElseThrow(
                () -> new IllegalArgumentException("no pretrained weights for " + modelName));
    }

    /** Where the files are fetched from, ending in a slash. */
    public static String baseUrl() {
        String url = System.getProperty(BASE_URL_PROPERTY);
        if (url == null || url.isBlank()) {
            url = System.getenv(BASE_URL_ENV);
        }
        if (url == null || url.isBlank()) {
            url = DEFAULT_BASE_URL;
        }
        return url.endsWith("/") ? url : url + "/";
    }

    public static String url(Entry entry) {
        return baseUrl() + entry.fileName();
    }

    /** The SHA-256 prefix in a file name that follows torch.hub's {@code name-<hash>.ext}, if any. */
    public static Optional<String> hashInName(String fileName) {
        Matcher m = HASH_IN_NAME.matcher(fileName);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
