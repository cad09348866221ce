package io.automlseg.driver.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.automlseg.executor.eval.CocoDataset;
import io.automlseg.executor.eval.CocoEvaluation;
import io.automlseg.executor.eval.CocoEvaluator;
import io.automlseg.executor.eval.CocoEvaluator.IouType;
import io.automlseg.executor.io.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code automl evaluate --gt GT.json --dt RESULTS.json}: pycocotools' COCOeval on a COCO ground-truth file and a
 * COCO results file, printed in pycocotools' layout with AP per category, optionally written as JSON.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "COCO evaluation (as pycocotools' COCOeval) of a COCO results file against COCO ground truth: "
                + "the twelve AP/AR statistics and AP per category.")
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--gt", required = true, paramLabel = "GT.json", description = "COCO ground truth (any Hadoop path).")
    String groundTruth;

    @Option(names = "--dt", required = true, paramLabel = "RESULTS.json",
            description = "COCO results: a JSON list of {image_id, category_id, score, bbox and/or segmentation}; "
                    + "segmentation as polygons or RLE with string or list counts.")
    String results;

    @Option(names = "--iou-type", defaultValue = "segm", paramLabel = "TYPE",
            description = "segm (masks) or bbox (boxes); default: ${DEFAULT-VALUE}.")
    String iouType;

    @Option(names = "--output-json", paramLabel = "FILE",
            description = "Also write {\"iou_type\", \"stats\": [12], \"per_category\"} to this file (atomically).")
    String outputJson;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        IouType type = switch (iouType) {
            case "segm" -> IouType.SEGM;
            case "bbox" -> IouType.BBOX;
            default -> throw new CliException(ExitCodes.BAD_INPUT,
                    "--iou-type must be segm or bbox, got '" + iouType + "'");
        };
        long start = System.nanoTime();
        CocoDataset gt;
        CocoDataset dt;
        try {
            gt = CocoDataset.load(groundTruth);
            dt = gt.loadResults(results);
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(ExitCodes.BAD_INPUT, e.getMessage());
        }
        long loaded = System.nanoTime();
        CocoEvaluation evaluation;
        try {
            evaluation = new CocoEvaluator(type).evaluate(gt, dt);
        } catch (IllegalArgumentException e) {
            // For example a polygon that cannot be rasterised.
            throw new CliException(ExitCodes.BAD_INPUT, e.getMessage());
        }
        long evaluated = System.nanoTime();

        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%d images, %d categories, %d ground-truth objects, %d detections (%s)%n",
                gt.images().size(), gt.categoryIds().size(), gt.annotations().size(), dt.annotations().size(), iouType);
        evaluation.summaryLines().forEach(out::println);
        out.println();
        out.printf(Locale.ROOT, "%-12s %-24s %8s %8s%n", "category_id", "name", "AP", "AP50");
        Map<Long, String> names = gt.categoryNames();
        for (long id : gt.categoryIds()) {
            out.printf(Locale.ROOT, "%-12d %-24s %8.3f %8.3f%n", id, names.getOrDefault(id, ""),
                    evaluation.averagePrecisionPerCategory().get(id), evaluation.averagePrecision50PerCategory().get(id));
        }
        out.printf(Locale.ROOT, "loading %.2f s, evaluation %.2f s%n", (loaded - start) / 1e9, (evaluated - loaded) / 1e9);
        out.flush();
        if (outputJson != null) {
            write(evaluation, names, gt);
        }
        return ExitCodes.OK;
    }

    private void write(CocoEvaluation evaluation, Map<Long, String> names, CocoDataset gt) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("iou_type", iouType);
        ArrayNode stats = root.putArray("stats");
        for (double s : evaluation.stats()) {
            stats.add(s);
        }
        ObjectNode perCategory = root.putObject("per_category");
        for (long id : gt.categoryIds()) {
            ObjectNode c = perCategory.putObject(Long.toString(id));
            if (names.containsKey(id)) {
                c.put("name", names.get(id));
            }
            c.put("ap", evaluation.averagePrecisionPerCategory().get(id));
            c.put("ap50", evaluation.averagePrecision50PerCategory().get(id));
        }
        try {
            Json.writeAtomically(outputJson, root);
        } catch (IOException e) {
            throw new CliException(ExitCodes.BAD_INPUT, "cannot write " + outputJson + ": " + e.getMessage());
        }
    }
}
