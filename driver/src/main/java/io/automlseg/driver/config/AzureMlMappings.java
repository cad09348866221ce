package io.automlseg.driver.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.executor.data.AzureMlDatastores;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job file's {@code datastores} and {@code data_assets} mappings (ours): where the reference's datastores and
 * registered data assets are on this cluster's file systems, so that a job and its MLTables from the reference run
 * unchanged. {@code azureml://...datastores/NAME/paths/P} becomes the datastore's folder plus P, and
 * {@code azureml:NAME:VERSION} (or {@code azureml:NAME}) the asset's folder.
 */
final class AzureMlMappings {
    static final String DATASTORES = "datastores";
    static final String DATA_ASSETS = "data_assets";

    private final Map<String, String> datastores;
    private final Map<String, String> dataAssets;

    private AzureMlMappings(Map<String, String> datastores, Map<String, String> dataAssets) {
        this.datastores = datastores;
        this.dataAssets = dataAssets;
    }

    static AzureMlMappings parse(JsonNode root, ConfigProblems problems) {
        return new AzureMlMappings(mapping(root.get(DATASTORES), DATASTORES, problems),
                mapping(root.get(DATA_ASSETS), DATA_ASSETS, problems));
    }

    /** Datastore names and their Hadoop folders, for the image URLs of the MLTables. */
    Map<String, String> datastores() {
        return Map.copyOf(datastores);
    }

    /** The path a data section names, with the reference's URIs mapped; null (with a problem) if unmapped. */
    String dataPath(String key, String path, ConfigProblems problems) {
        if (AzureMlDatastores.isDatastoreUri(path)) {
            try {
                return AzureMlDatastores.resolve(path, datastores);
            } catch (IllegalArgumentException e) {
                problems.add(key + ".path", e.getMessage());
                return null;
            }
        }
        if (path.regionMatches(true, 0, "azureml:", 0, 8)) {
            String asset = path.substring(8);
            String folder = dataAssets.get(asset);
            if (folder == null) {
                problems.add(key + ".path", "data asset '" + asset + "' is not mapped to a folder: add it to the job "
                        + "file, e.g.\n  " + DATA_ASSETS + ":\n    \"" + asset + "\": hdfs:///data/FOLDER   # the "
                        + "MLTable folder, on any Hadoop file system");
                return null;
            }
            return folder;
        }
        return path;
    }

    private static Map<String, String> mapping(JsonNode node, String key, ConfigProblems problems) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            problems.add(key, "must be a mapping of names to folders (Hadoop URIs)");
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                problems.add(key + "." + e.getKey(), "must be a folder (a Hadoop URI such as abfss://, hdfs:// or "
                        + "file:///), got " + e.getValue());
            } else {
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }
}
