package io.automlseg.driver.report;

import io.automlseg.driver.persist.BestModelPublisher;
import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.report.SweepReportModel.BestModelFacts;
import io.automlseg.driver.report.SweepReportModel.BestPoint;
import io.automlseg.executor.eval.CocoEvaluation;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The report's facts about the best: the sweep's best value over time, and the best trial's model. */
final class BestFacts {
    private BestFacts() {}

    /**
     * One point per improvement of the sweep's best value. An epoch's time is its trial's start plus the epochs'
     * durations up to it (the epoch reports carry no clock time), counted from the sweep's start.
     */
    static List<BestPoint> bestSoFar(List<TrialFacts> trials, String metric, Instant sweepStart) {
        if (sweepStart == null) {
            return List.of();
        }
        List<BestPoint> evaluations = new ArrayList<>();
        for (TrialFacts t : trials) {
            if (t.startedAt() == null) {
                continue;
            }
            double at = Duration.between(sweepStart, Instant.parse(t.startedAt())).toMillis() / 1000.0;
            for (EpochFacts e : t.epochs()) {
                at += e.seconds() == null ? 0 : e.seconds();
                Double v = e.metric(metric);
                if (v != null) {
                    evaluations.add(new BestPoint(at, v, t.id()));
                }
            }
        }
        evaluations.sort(Comparator.comparingDouble(BestPoint::wallSeconds));
        List<BestPoint> out = new ArrayList<>();
        for (BestPoint p : evaluations) {
            if (out.isEmpty() || p.value() > out.get(out.size() - 1).value()) {
                out.add(p);
            }
        }
        return out;
    }

    /** The best trial's model: its best epoch's per-label metrics and COCO statistics. */
    static BestModelFacts bestModel(RunFolder run, TrialFacts best, String metric) {
        EpochFacts epoch = null;
        for (EpochFacts e : best.epochs()) {
            if (e.epoch() == best.bestEpoch()) {
                epoch = e;
            }
        }
        if (epoch == null) { // no best epoch recorded (yet): the best evaluated one
            for (EpochFacts e : best.epochs()) {
                Double v = e.metric(metric);
                if (v != null && (epoch == null || v > epoch.metric(metric))) {
                    epoch = e;
                }
            }
        }
        Map<String, Double> coco = new LinkedHashMap<>();
        if (epoch != null) {
            for (int i = 0; i < CocoEvaluation.METRIC_NAMES.length; i++) {
                Double v = epoch.metrics().get(CocoEvaluation.METRIC_NAMES[i]);
                if (v != null) {
                    coco.put(CocoEvaluation.STAT_NAMES[i], v);
                }
            }
        }
        boolean published;
        try {
            published = best.id().equals(BestModelPublisher.publishedTrial(run.bestModel()));
        } catch (IOException e) {
            published = false;
        }
        return new BestModelFacts(best.id(), epoch == null ? 0 : epoch.epoch(), best.finalValue(),
                epoch == null ? Map.of() : epoch.perLabelMetrics(), coco, published,
                published ? run.bestModel() : null);
    }
}
