package io.automlseg.driver.cli;

import io.automlseg.driver.config.Hyperparameters;
import io.automlseg.driver.weights.WeightCatalog;
import io.automlseg.driver.weights.WeightsCache;
import io.automlseg.driver.weights.WeightsUnavailableException;
import io.automlseg.executor.trial.PretrainedWeights.Kind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code automl weights fetch}: fills a weights cache with torchvision's files ahead of time, for clusters whose
 * driver has no internet access (run it on an edge node), and checks files copied into a cache by hand.
 */
@Command(name = "weights", mixinStandardHelpOptions = true,
        description = "Manage the pretrained weights cache (pretrained_weights, weights_cache).",
        subcommands = {WeightsCommand.Fetch.class})
final class WeightsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: fetch");
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Fetch torchvision's pretrained weights into a cache (checking each SHA-256 as torchvision "
                    + "does) and verify the files already there. A file with the right hash is not fetched again; "
                    + "one with a wrong hash is replaced.")
    static final class Fetch implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "NAME", description = "A model_name (repeatable).")
        List<String> models = new ArrayList<>();

        @Option(names = "--all", description = "Every file any pretrained_weights setting can use (six files, "
                + "about 0.8 GB).")
        boolean all;

        @Option(names = "--pretrained-weights", paramLabel = "WHICH", defaultValue = "auto",
                description = "auto (COCO for maskrcnn_resnet50_fpn, ImageNet for the others), coco or imagenet "
                        + "(default: ${DEFAULT-VALUE}).")
        String which;

        @Option(names = "--cache", paramLabel = "URI",
                description = "The weights cache, any Hadoop path (default: the local runs' cache, "
                        + "~/.cache/automl-seg/weights, or AUTOML_WEIGHTS_CACHE).")
        String cache;

        @Override
        public Integer call() throws Exception {
            WeightCatalog catalog = WeightCatalog.current();
            List<WeightCatalog.Entry> entries = select(catalog);
            WeightsCache target = new WeightsCache(cache != null ? cache : WeightsCache.defaultLocation());
            System.out.println("Weights cache " + target.uri() + ", from " + WeightCatalog.baseUrl());
            int worst = ExitCodes.OK;
            for (WeightCatalog.Entry e : entries) {
                String label = e.fileName() + " (" + e.torchvisionName() + ", " + e.modelName() + ")";
                try {
                    WeightsCache.Stored stored = target.ensure(WeightCatalog.url(e), e.fileName(), e.sha256Prefix(),
                            System.out);
                    System.out.println((stored.downloaded() ? "fetched  " : "verified ") + label + ": SHA-256 "
                            + stored.sha256());
                } catch (WeightsUnavailableException ex) {
                    System.out.println("FAILED   " + label + ": " + ex.getMessage());
                    // A network failure may pass; a wrong file or a missing one on the server will not.
                    worst = Math.max(worst, ex.reason().isTransient() ? ExitCodes.INTERNAL_ERROR : ExitCodes.BAD_INPUT);
                }
            }
            return worst;
        }

        private List<WeightCatalog.Entry> select(WeightCatalog catalog) {
            if (all == !models.isEmpty()) {
                throw new CliException(ExitCodes.BAD_INPUT, "give --model NAME (repeatable) or --all");
            }
            if (all) {
                return catalog.entries();
            }
            String mode = which.toLowerCase(Locale.ROOT);
            if (!List.of("auto", "coco", "imagenet").contains(mode)) {
                throw new CliException(ExitCodes.BAD_INPUT, "--pretrained-weights must be auto, coco or imagenet, got "
                        + which);
            }
            Set<WeightCatalog.Entry> out = new LinkedHashSet<>();
            for (String m : models) {
                if (!Hyperparameters.MODEL_NAMES.contains(m)) {
                    throw new CliException(ExitCodes.BAD_INPUT, "--model " + m + ": must be one of "
                            + String.join(", ", Hyperparameters.MODEL_NAMES));
                }
                out.add(switch (mode) {
                    case "coco" -> catalog.find(m, Kind.COCO).orElseThrow(() -> new CliException(ExitCodes.BAD_INPUT,
                            "torchvision publishes COCO Mask R-CNN weights only for maskrcnn_resnet50_fpn, not " + m));
                    case "imagenet" -> catalog.find(m, Kind.IMAGENET).orElseThrow();
                    default -> catalog.auto(m);
                });
            }
            return new ArrayList<>(out);
        }
    }
}
