package io.automlseg.driver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.automlseg.driver.weights.PretrainedSetting;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pretrained_weights and weights_cache in the job file: what is accepted, and each request no trial could honour. */
class PretrainedConfigTest {

    private static SweepConfig parse(String trainingParameters, String extra, Path dir) throws ConfigException {
        String yaml = """
                type: automl
                task: image_instance_segmentation
                target_column_name: label
                training_data: train
                training_parameters:
                %s
                %s
                """.formatted(trainingParameters.indent(2), extra);
        return SweepConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "job.yaml", dir.toUri().toString());
    }

    private static String failure(String trainingParameters, String extra, Path dir) {
        return assertThrows(ConfigException.class, () -> parse(trainingParameters, extra, dir)).getMessage();
    }

    @Test
    void autoIsTheDefaultAndKeywordsTakeAnyCase(@TempDir Path dir) throws Exception {
        SweepConfig plain = parse("model_name: maskrcnn_resnet18_fpn", "", dir);
        assertEquals(PretrainedSetting.Mode.AUTO, plain.pretrainedSetting().mode());
        assertEquals("auto", plain.resolve(java.util.Map.of()).get("pretrained_weights"));
        SweepConfig coco = parse("model_name: maskrcnn_resnet50_fpn\npretrained_weights: COCO", "", dir);
        assertEquals(PretrainedSetting.Mode.COCO, coco.pretrainedSetting().mode());
        assertEquals(List.of("maskrcnn_resnet50_fpn"), List.copyOf(coco.modelNames()));
    }

    @Test
    void cocoOnlyForResnet50(@TempDir Path dir) {
        String m = failure("pretrained_weights: coco\nnorm: group", """
                sweep: {sampling_algorithm: random}
                limits: {max_trials: 2}
                search_space:
                  - model_name: "choice('maskrcnn_resnet50_fpn', 'maskrcnn_resnet34_fpn')"
                """, dir);
        assertTrue(m.contains("line 6: training_parameters.pretrained_weights: torchvision publishes COCO Mask R-CNN"
                + " weights only for maskrcnn_resnet50_fpn, but trials can be maskrcnn_resnet34_fpn"), m);
        assertTrue(m.contains("norm can be group"), m);
    }

    @Test
    void pretrainedWeightsRefuseASearchedGroupNorm(@TempDir Path dir) {
        String searchedNorm = failure("pretrained_weights: imagenet", """
                sweep: {sampling_algorithm: random}
                limits: {max_trials: 2}
                search_space:
                  - norm: "choice('frozen_batch', 'group')"
                """, dir);
        assertTrue(searchedNorm.contains("norm can be group"), searchedNorm);
    }

    @Test
    void oneStartingPointAndNoSearch(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("mine.pth"), new byte[] {1});
        String both = failure("pretrained_weights: imagenet\nweights_path: mine.pth", "", dir);
        assertTrue(both.contains("give either pretrained_weights: imagenet or weights_path, not both"), both);
        // auto (the default) simply gives way to an explicit starting point.
        parse("weights_path: mine.pth", "", dir);
        String searched = failure("model_name: maskrcnn_resnet18_fpn", """
                sweep: {sampling_algorithm: random}
                limits: {max_trials: 2}
                search_space:
                  - pretrained_weights: "choice('auto', 'none')"
                """, dir);
        assertTrue(searched.contains("search_space[0].pretrained_weights: cannot be searched"), searched);
    }

    @Test
    void aWeightFileIsResolvedAndMustExist(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("mine.pth"), new byte[] {1});
        SweepConfig config = parse("pretrained_weights: mine.pth", "", dir);
        assertEquals(PretrainedSetting.Mode.URI, config.pretrainedSetting().mode());
        assertTrue(config.pretrainedSetting().uri().endsWith(file.toString()), config.pretrainedSetting().uri());
        String missing = failure("pretrained_weights: gone.pth", "", dir);
        assertTrue(missing.contains("training_parameters.pretrained_weights: no such file"), missing);
        SweepConfig url = parse("pretrained_weights: https://example.org/w/mine-0123abcd.pth", "", dir);
        assertTrue(url.pretrainedSetting().isHttp());
    }

    @Test
    void theWeightsCacheIsResolvedLikeAPath(@TempDir Path dir) throws Exception {
        String cache = parse("model_name: maskrcnn_resnet18_fpn", "weights_cache: cache", dir).weightsCache();
        assertEquals(dir.resolve("cache"), Path.of(java.net.URI.create(cache)));
        String home = parse("model_name: maskrcnn_resnet18_fpn", "weights_cache: ~/w", dir).weightsCache();
        assertTrue(home.endsWith(System.getProperty("user.home") + "/w"), home);
    }
}
