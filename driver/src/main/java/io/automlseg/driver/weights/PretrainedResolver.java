package io.automlseg.driver.weights;

import io.automlseg.driver.config.Hyperparameters;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.config.BadInputException;
import io.automlseg.driver.weights.PretrainedSetting.Mode;
import io.automlseg.driver.weights.WeightsUnavailableException.Reason;
import io.automlseg.executor.io.Sha256;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.model.WeightLoader;
import io.automlseg.executor.trial.PretrainedWeights;
import io.automlseg.executor.trial.PretrainedWeights.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns {@code pretrained_weights} into checked files before any trial starts: for every {@code model_name} the sweep
 * can try, the file it starts from is looked up in the weights cache and fetched into it when missing. With
 * {@code auto}, weights that cannot be had leave those trials to train from scratch, said once, loudly; with an
 * explicit {@code coco}, {@code imagenet} or URI the sweep is refused (exit 2) with the URL, the reason and the ways
 * out. After the first network failure nothing more is downloaded (the cache is still looked at), so an unreachable
 * network costs seconds.
 */
public final class PretrainedResolver {
    private final WeightCatalog catalog;
    private final WeightsCache cache;
    private final PrintStream out;

    public PretrainedResolver(WeightCatalog catalog, WeightsCache cache, PrintStream out) {
        this.catalog = catalog;
        this.cache = cache;
        this.out = out;
    }

    /** Resolves the sweep's starting weights, fetching what the cache lacks. */
    public PretrainedPlan resolve(SweepConfig config) throws BadInputException {
        return run(config, true);
    }

    /** The pre-flight check: the same decisions without writing anything (a missing file is only probed for). */
    public PretrainedPlan check(SweepConfig config) throws BadInputException {
        return run(config, false);
    }

    private PretrainedPlan run(SweepConfig config, boolean fetch) throws BadInputException {
        PretrainedSetting setting = config.pretrainedSetting();
        Map<String, PretrainedWeights> models = new LinkedHashMap<>();
        Map<String, String> scratch = new LinkedHashMap<>();
        String other = Hyperparameters.WEIGHT_SOURCES.stream().filter(config.trainingParameters()::containsKey)
                .findFirst().orElse(null);
        if (other != null || setting.mode() == Mode.NONE || "group".equals(config.trainingParameters().get("norm"))) {
            String why = other != null ? other + " is given"
                    : setting.mode() == Mode.NONE ? "pretrained_weights: none"
                    : "norm: group (the pretrained files hold batch-norm weights)";
            config.modelNames().forEach(m -> scratch.put(m, why));
            return new PretrainedPlan(setting.toString(), null, models, other != null ? Map.of() : scratch, null);
        }
        if (setting.mode() == Mode.URI) {
            PretrainedWeights w = userFile(setting, fetch);
            config.modelNames().forEach(m -> models.put(m, w));
            return new PretrainedPlan(setting.toString(), setting.isHttp() ? cache.uri() : null, models, scratch, null);
        }
        List<String> refusals = new ArrayList<>();
        WeightsUnavailableException networkDown = null;
        String firstFailure = null;
        for (String model : config.modelNames()) {
            WeightCatalog.Entry entry = setting.mode() == Mode.AUTO ? catalog.auto(model)
                    : catalog.find(model, setting.mode() == Mode.COCO ? Kind.COCO : Kind.IMAGENET).orElseThrow();
            String url = WeightCatalog.url(entry);
            try {
                Optional<WeightsCache.Stored> stored;
                if (fetch && networkDown == null) {
                    stored = Optional.of(cache.ensure(url, entry.fileName(), entry.sha256Prefix(), out));
                } else {
                    stored = cache.verified(entry.fileName(), entry.sha256Prefix());
                    if (stored.isEmpty() && networkDown != null) {
                        throw new WeightsUnavailableException(url, Reason.NETWORK, url + ": not tried, the network "
                                + "failed for the first file (" + networkDown.getMessage() + ")", networkDown);
                    }
                    if (stored.isEmpty()) {
                        WeightDownloader.probe(url);
                        out.println("Pretrained weights for " + model + " will be fetched: " + url);
                    }
                }
                stored.ifPresent(s -> models.put(model, new PretrainedWeights(entry.kind(), url, s.uri(),
                        s.sha256())));
            } catch (WeightsUnavailableException e) {
                if (e.reason() == Reason.NETWORK && networkDown == null) {
                    networkDown = e;
                }
                if (setting.explicit()) {
                    refusals.add(model + " (" + entry.torchvisionName() + "): " + e.getMessage());
                } else {
                    scratch.put(model, "pretrained weights unavailable: " + e.getMessage());
                    firstFailure = firstFailure != null ? firstFailure : e.getMessage();
                }
            }
        }
        if (!refusals.isEmpty()) {
            throw new BadInputException("pretrained_weights: " + setting + " cannot be had:\n  "
                    + String.join("\n  ", refusals) + "\n" + waysOut(config));
        }
        String warning = scratch.isEmpty() ? null : "pretrained weights unavailable for "
                + String.join(", ", scratch.keySet()) + " (" + firstFailure + "): those trials train from scratch. "
                + "Pre-seed the weights cache " + cache.uri() + " with `automl weights fetch`, or set "
                + "pretrained_weights: none to train from scratch without this warning";
        return new PretrainedPlan(setting.toString(), cache.uri(), models, scratch, warning);
    }

    private PretrainedWeights userFile(PretrainedSetting setting, boolean fetch) throws BadInputException {
        String uri = setting.uri();
        try {
            if (!setting.isHttp()) {
                return new PretrainedWeights(Kind.URI, uri, uri,
                        Sha256.whileReading(uri, in -> WeightLoader.check(in, uri)));
            }
            String name = uri.substring(uri.lastIndexOf('/') + 1).replaceAll("[?#].*$", "");
            String prefix = WeightCatalog.hashInName(name).orElse(null);
            if (!fetch) {
                Optional<WeightsCache.Stored> hit = cache.verified(name, prefix);
                if (hit.isEmpty()) {
                    WeightDownloader.probe(uri);
                }
                return new PretrainedWeights(Kind.URI, uri, cache.fileUri(name), hit.map(WeightsCache.Stored::sha256)
                        .orElse(null));
            }
            WeightsCache.Stored stored = cache.ensure(uri, name, prefix, out);
            try (InputStream in = Storage.open(stored.uri())) {
                WeightLoader.check(in, stored.uri());
            }
            return new PretrainedWeights(Kind.URI, uri, stored.uri(), stored.sha256());
        } catch (IOException e) {
            throw new BadInputException("pretrained_weights: " + uri + " cannot be had: " + e.getMessage()
                    + (setting.isHttp() ? "\nCopy the file into the weights cache " + cache.uri()
                            + " by hand, or name a copy on storage every node reads (hdfs:, s3a:, file:)" : ""), e);
        }
    }

    private String waysOut(SweepConfig config) {
        return "Either pre-seed the weights cache " + cache.uri() + " where there is internet access (`automl weights"
                + " fetch " + String.join(" ", config.modelNames().stream().map(m -> "--model " + m).toList())
                + " --cache " + cache.uri() + "`, or copy the files into it by hand), or set pretrained_weights: "
                + "auto (trials train from scratch when the weights cannot be had) or none.";
    }
}
