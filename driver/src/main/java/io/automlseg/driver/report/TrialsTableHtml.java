package io.automlseg.driver.report;

import static io.automlseg.driver.report.Html.esc;

import io.automlseg.driver.report.SweepReportModel.BestModelFacts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The report's tables, written as HTML on the server side so that they read even without the page's script: the
 * trials (sortable by the script), and the best model's per-label metrics and COCO statistics.
 */
final class TrialsTableHtml {
    private TrialsTableHtml() {}

    static void trials(StringBuilder h, SweepReportModel m) {
        h.append("<div class=\"scroll\"><table id=\"trials-table\" class=\"sortable\"><thead><tr>");
        List<String> heads = new ArrayList<>(List.of("trial", "status", m.primaryMetric(), "best epoch", "epochs",
                "seconds", "stop reason / error", "executor", "host", "GPU", "device"));
        heads.addAll(m.searchedParameters());
        for (String head : heads) {
            h.append("<th title=\"sort\">").append(esc(head)).append("</th>");
        }
        h.append("</tr></thead><tbody>");
        for (TrialFacts t : m.trials()) {
            String status = statusText(t, m.running());
            h.append("<tr class=\"status-").append(esc(t.status().yamlName()))
                    .append(t.id().equals(m.bestTrial()) ? " best" : "").append("\">");
            cell(h, t.id(), t.id());
            cell(h, status, status);
            cell(h, Html.number(t.finalValue()), Html.sortKey(t.finalValue()));
            cell(h, t.bestEpoch() > 0 ? String.valueOf(t.bestEpoch()) : "", Html.sortKey(t.bestEpoch()));
            cell(h, String.valueOf(t.epochsRun()), Html.sortKey(t.epochsRun()));
            cell(h, Html.duration(t.seconds()), Html.sortKey(t.seconds()));
            String why = t.error() != null ? t.error() : t.stopReason();
            cell(h, why, why);
            cell(h, t.executorId(), t.executorId());
            cell(h, t.host(), t.host());
            cell(h, t.gpuAddress(), t.gpuAddress());
            cell(h, t.device(), t.device());
            for (String p : m.searchedParameters()) {
                Object v = t.parameters().get(p);
                cell(h, Html.value(v), Html.sortKey(v));
            }
            h.append("</tr>");
        }
        h.append("</tbody></table></div>");
    }

    /** A trial's status; one the driver left running when it died is interrupted, not running. */
    static String statusText(TrialFacts t, boolean sweepRunning) {
        return !t.status().isFinal() && !sweepRunning ? "interrupted" : t.status().yamlName().replace('_', ' ');
    }

    static void perLabel(StringBuilder h, BestModelFacts best) {
        Set<String> columns = new LinkedHashSet<>();
        for (Map<String, Double> values : best.perLabel().values()) {
            columns.addAll(values.keySet());
        }
        if (columns.isEmpty()) {
            h.append("<p class=\"note\">No per-label metrics were recorded for this epoch.</p>");
            return;
        }
        h.append("<table id=\"per-label-table\"><thead><tr><th>label</th>");
        for (String c : columns) {
            h.append("<th>").append(esc(c)).append("</th>");
        }
        h.append("</tr></thead><tbody>");
        for (Map.Entry<String, Map<String, Double>> e : best.perLabel().entrySet()) {
            h.append("<tr><td>").append(esc(e.getKey())).append("</td>");
            for (String c : columns) {
                h.append("<td class=\"num\">").append(Html.number(e.getValue().get(c))).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</tbody></table>");
    }

    static void cocoStatistics(StringBuilder h, BestModelFacts best) {
        if (best.cocoStatistics().isEmpty()) {
            return;
        }
        h.append("<h3>COCO statistics (masks)</h3><table id=\"coco-table\"><tr>");
        for (String name : best.cocoStatistics().keySet()) {
            h.append("<th>").append(esc(name)).append("</th>");
        }
        h.append("</tr><tr>");
        for (Double v : best.cocoStatistics().values()) {
            h.append("<td class=\"num\">").append(v != null && v < 0 ? "n/a" : Html.number(v)).append("</td>");
        }
        h.append("</tr></table>");
    }

    private static void cell(StringBuilder h, String text, String sortKey) {
        h.append("<td data-sort=\"").append(esc(sortKey)).append("\">").append(esc(text)).append("</td>");
    }
}
