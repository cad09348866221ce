package io.automlseg.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job and MLTables as the reference product holds them, run unchanged: {@code azureml:NAME:VERSION} data assets
 * and {@code azureml://...datastores/NAME/paths/...} image URLs, mapped by the job file's {@code data_assets} and
 * {@code datastores} to local folders here (any Hadoop URI on a cluster). An unmapped name is refused up front.
 */
class AzureMlDataTest {
    static final Path SAMPLE = BadDataCliTest.SAMPLE;

    @TempDir
    Path tmp;

    /** The sample's split with every image URL rewritten as the reference's long datastore URI. */
    private Path referenceMlTable(String split) throws Exception {
        Path out = Files.createDirectories(tmp.resolve("exported-" + split));
        Files.copy(SAMPLE.resolve(split + "/MLTable"), out.resolve("MLTable"));
        StringBuilder jsonl = new StringBuilder();
        for (String line : Files.readAllLines(SAMPLE.resolve(split + "/annotations.jsonl"))) {
            jsonl.append(line.replace("\"images/", "\"azureml://subscriptions/0000/resourcegroups/rg/workspaces/ws/"
                    + "datastores/workspaceblobstore/paths/shapes/" + split + "/images/")).append('\n');
        }
        Files.writeString(out.resolve("annotations.jsonl"), jsonl);
        return out;
    }

    private Path job(String mappings) throws Exception {
        Path job = tmp.resolve("job.yaml");
        Files.writeString(job, """
                type: automl
                task: image_instance_segmentation
                primary_metric: mean_average_precision
                target_column_name: label
                training_data: {type: mltable, path: "azureml:shapes-train:1"}
                validation_data: {type: mltable, path: "azureml:shapes-validation:1"}
                limits: {max_trials: 1}
                training_parameters: {model_name: maskrcnn_resnet18_fpn, number_of_epochs: 1}
                %s
                """.formatted(mappings));
        return job;
    }

    @Test
    void referenceAssetsAndDatastoreUrisLoadUnchangedThroughTheMappings() throws Exception {
        Path train = referenceMlTable("train");
        Path validation = referenceMlTable("validation");
        // The datastore's folder holds shapes/<split>/images/..., as the reference's datastore did.
        Path store = Files.createDirectories(tmp.resolve("blobstore/shapes"));
        for (String split : List.of("train", "validation")) {
            Files.createSymbolicLink(store.resolve(split), SAMPLE.resolve(split));
        }
        Path job = job("""
                datastores: {workspaceblobstore: "%s"}
                data_assets: {"shapes-train:1": "%s", "shapes-validation:1": "%s"}
                """.formatted(tmp.resolve("blobstore").toUri(), train.toUri(), validation.toUri()));
        CliRun ok = CliRun.of("sweep", "--config", job.toString(), "--output", tmp.resolve("run").toString(),
                "--validate-only");
        assertEquals(ExitCodes.OK, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().contains("60 training and 20 validation images, 4 labels"), ok.out());
        assertFalse(ok.out().contains("Skipped"), "every image was found through the datastore: " + ok.out());
    }

    @Test
    void anUnmappedAssetOrDatastoreIsRefusedNamingItAndTheMappingToAdd() throws Exception {
        CliRun asset = CliRun.of("sweep", "--config", job("").toString(), "--output", tmp.resolve("r").toString(),
                "--validate-only");
        assertEquals(ExitCodes.BAD_INPUT, asset.code(), asset.out() + asset.err());
        assertTrue(asset.err().contains("training_data.path: data asset 'shapes-train:1' is not mapped")
                && asset.err().contains("data_assets:"), asset.err());

        Path train = referenceMlTable("train");
        Path job = job("""
                data_assets: {"shapes-train:1": "%s", "shapes-validation:1": "%s"}
                """.formatted(train.toUri(), train.toUri()));
        CliRun store = CliRun.of("sweep", "--config", job.toString(), "--output", tmp.resolve("r").toString(),
                "--validate-only");
        assertEquals(ExitCodes.BAD_INPUT, store.code(), store.out() + store.err());
        assertTrue(store.err().contains("datastore 'workspaceblobstore'") && store.err().contains("datastores:"),
                store.err());
        assertFalse(store.err().contains("\tat "), store.err());
    }
}
