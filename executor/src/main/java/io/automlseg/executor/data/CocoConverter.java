package io.automlseg.executor.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a COCO instance-segmentation file into an MLTable folder (an {@code MLTable} file and one JSONL line per
 * image), as the reference product's COCO converter does: category ids become names, polygon vertices are divided by
 * the image size, {@code iscrowd} becomes {@code isCrowd}. Objects without a polygon (RLE masks or boxes only) are
 * left out and counted, since the JSONL format only carries polygons.
 */
public final class CocoConverter {
    /** What a conversion wrote and left out. */
    public record Result(int images, int objects, int skippedWithoutPolygon) {}

    static final String JSONL_NAME = "annotations.jsonl";
    static final String MLTABLE_TEXT = """
            paths:
              - file: ./annotations.jsonl
            transformations:
              - read_json_lines:
                  encoding: utf8
                  invalid_lines: error
                  include_path_column: false
              - convert_column_types:
                  - columns: image_url
                    column_type: stream_info
            """;

    private CocoConverter() {}

    /**
     * @param cocoJsonUri the COCO file ({@code images}, {@code annotations}, {@code categories})
     * @param imagesFolderUri the folder holding the images' {@code file_name}s
     * @param outFolderUri the MLTable folder to write (created; its MLTable and JSONL files are replaced)
     */
    public static Result convert(String cocoJsonUri, String imagesFolderUri, String outFolderUri) throws IOException {
        String file = lastSegment(cocoJsonUri);
        JsonNode coco;
        try {
            coco = Json.MAPPER.readTree(Storage.readBytes(cocoJsonUri));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new DataError(new DataProblem(file, line, null, DataProblem.Kind.MALFORMED_JSON,
                    "not valid JSON: " + e.getOriginalMessage()));
        }
        for (String key : List.of("images", "annotations", "categories")) {
            if (coco == null || !coco.path(key).isArray()) {
                throw new DataError(new DataProblem(file, 0, key, DataProblem.Kind.BAD_LABELS,
                        "a COCO file needs an '" + key + "' list"));
            }
        }
        Map<Long, String> categories = new HashMap<>();
        for (JsonNode c : coco.get("categories")) {
            categories.put(c.path("id").asLong(), c.path("name").asText());
        }
        Map<Long, List<JsonNode>> byImage = new LinkedHashMap<>();
        for (JsonNode a : coco.get("annotations")) {
            byImage.computeIfAbsent(a.path("image_id").asLong(), k -> new ArrayList<>()).add(a);
        }
        String imagesFolder = Storage.qualify(imagesFolderUri);
        StringBuilder jsonl = new StringBuilder();
        int images = 0;
        int objects = 0;
        int skipped = 0;
        JsonNode imageList = coco.get("images");
        for (int i = 0; i < imageList.size(); i++) {
            JsonNode im = imageList.get(i);
            int w = im.path("width").asInt();
            int h = im.path("height").asInt();
            if (w <= 0 || h <= 0 || !im.path("file_name").isTextual()) {
                throw new DataError(new DataProblem(file, 0, "images[" + i + "]", DataProblem.Kind.BAD_IMAGE_DETAILS,
                        "each image needs file_name, width and height"));
            }
            String name = im.get("file_name").asText();
            ObjectNode line = Json.MAPPER.createObjectNode();
            line.put(AnnotationParser.IMAGE_URL, Storage.resolve(imagesFolder, name));
            ObjectNode details = line.putObject(AnnotationParser.IMAGE_DETAILS);
            int dot = name.lastIndexOf('.');
            if (dot >= 0) {
                details.put("format", name.substring(dot + 1).toLowerCase(Locale.ROOT));
            }
            details.put("width", w);
            details.put("height", h);
            ArrayNode labels = line.putArray(LoadOptions.DEFAULT_TARGET_COLUMN);
            for (JsonNode a : byImage.getOrDefault(im.path("id").asLong(), List.of())) {
                JsonNode seg = a.get("segmentation");
                if (seg == null || !seg.isArray() || seg.isEmpty()) {
                    skipped++;
                    continue;
                }
                ObjectNode obj = labels.addObject();
                obj.put("label", categories.getOrDefault(a.path("category_id").asLong(), a.path("category_id").asText()));
                obj.put("isCrowd", a.path("iscrowd").asInt(0));
                // the reference treats coordinates as already normalised when the whole box is below 1.5
                boolean normalised = a.has("bbox") && allBelow(a.get("bbox"), 1.5);
                ArrayNode polygon = obj.putArray("polygon");
                for (JsonNode part : seg) {
                    ArrayNode out = polygon.addArray();
                    for (int k = 0; k < part.size(); k++) {
                        double v = part.get(k).asDouble();
                        if (!normalised) {
                            v /= (k % 2 == 0) ? w : h;
                        }
                        // annotation tools overshoot the border by a fraction of a pixel; the mask is clipped anyway
                        out.add(Math.min(1.0, Math.max(0.0, v)));
                    }
                }
                objects++;
            }
            jsonl.append(Json.line(line)).append('\n');
            images++;
        }
        String out = Storage.qualify(outFolderUri);
        Storage.mkdirs(out);
        Storage.writeAtomically(Storage.resolve(out, JSONL_NAME), jsonl.toString().getBytes(StandardCharsets.UTF_8));
        Storage.writeAtomically(Storage.resolve(out, MLTable.FILE_NAME), MLTABLE_TEXT.getBytes(StandardCharsets.UTF_8));
        return new Result(images, objects, skipped);
    }

    private static boolean allBelow(JsonNode values, double limit) {
        if (!values.isArray() || values.isEmpty()) {
            return false;
        }
        for (JsonNode v : values) {
            if (v.asDouble() >= limit) {
                return false;
            }
        }
        return true;
    }

    private static String lastSegment(String uri) {
        int i = uri.lastIndexOf('/');
        return i < 0 ? uri : uri.substring(i + 1);
    }
}
