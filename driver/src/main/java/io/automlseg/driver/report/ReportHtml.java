package io.automlseg.driver.report;

import static io.automlseg.driver.report.Html.esc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.automlseg.executor.io.Json;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The report as one self-contained HTML page: the tables written here, the charts drawn in the browser by the page's
 * script (report.js) from the model embedded as JSON, with the chart library inlined and the gallery's images as
 * data URIs, so the file opens anywhere without a network.
 */
final class ReportHtml {
    private ReportHtml() {}

    /** @param galleryProblem why the gallery is missing although it was asked for, or null */
    static String page(SweepReportModel m, List<GalleryImage> gallery, String galleryProblem) {
        ReportAssets assets = ReportAssets.get();
        String title = "Sweep report: " + (m.experimentName() != null ? m.experimentName() : m.runUri());
        StringBuilder h = new StringBuilder(assets.chartLibrary.length() + 200_000);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(title)).append("</title><style>").append(assets.style)
                .append("</style>\n<script>")
                // first of all, so that an error anywhere later is seen (the Chromium test reads these)
                .append("window.reportErrors=[];window.addEventListener('error',function(e){")
                .append("window.reportErrors.push(String(e.message));});</script></head>\n<body>");
        h.append("<header><h1>").append(esc(title)).append("</h1><p class=\"note\">")
                .append(esc(m.runUri())).append(" &middot; report written ").append(esc(m.generatedAt()))
                .append(m.running() ? " &middot; the sweep is running: this page is rewritten as it goes" : "")
                .append("</p></header>\n");
        glance(h, m);
        h.append("<section id=\"progress\"><h2>").append(esc(m.primaryMetric())).append(" per epoch</h2>")
                .append("<p class=\"note\">Every trial; the best trial is drawn thick, early-terminated trials end ")
                .append("in a triangle, failed ones in a cross.</p><div class=\"chart\" id=\"chart-epochs\"></div>")
                .append("<h2>Best so far against wall time</h2><div class=\"chart short\" id=\"chart-best\"></div>")
                .append("</section>\n");
        h.append("<section id=\"parameters\"><h2>Searched hyperparameters against the final ")
                .append(esc(m.primaryMetric())).append("</h2><div id=\"parameter-charts\" class=\"grid\"></div>")
                .append("</section>\n");
        h.append("<section id=\"trials\"><h2>Trials</h2><p class=\"note\">Click a column's head to sort.</p>");
        TrialsTableHtml.trials(h, m);
        h.append("</section>\n");
        bestModel(h, m);
        gallery(h, gallery, galleryProblem);
        settings(h, m);
        h.append("<script type=\"application/json\" id=\"report-data\">").append(json(m)).append("</script>\n")
                .append("<script>").append(ReportAssets.inlineScript(assets.chartLibrary)).append("</script>\n")
                .append("<script>").append(ReportAssets.inlineScript(assets.script)).append("</script>\n")
                .append("</body></html>\n");
        return h.toString();
    }

    private static void glance(StringBuilder h, SweepReportModel m) {
        h.append("<section id=\"glance\"><h2>The sweep at a glance</h2><dl class=\"glance\">");
        item(h, "status", m.statusText());
        item(h, "best trial", m.bestTrial() == null ? "none yet"
                : m.bestTrial() + " (" + m.primaryMetric() + " " + Html.number(m.bestValue()) + ")");
        StringBuilder counts = new StringBuilder();
        m.trialsByStatus().forEach((s, n) -> counts.append(counts.length() == 0 ? "" : ", ").append(n).append(' ')
                .append(s.replace('_', ' ')));
        item(h, "trials", m.trials().size() + (counts.length() == 0 ? "" : ": " + counts));
        item(h, "wall time", Html.duration(m.wallSeconds()));
        StringBuilder devices = new StringBuilder();
        m.devices().forEach((d, n) -> devices.append(devices.length() == 0 ? " on " : ", ").append(n)
                .append(" trial").append(n == 1 ? "" : "s").append(' ').append(d));
        item(h, "compute used", Html.duration(m.computeSeconds()) + " of trial time" + devices);
        item(h, "run id", m.runId());
        item(h, "started", m.startedAt());
        item(h, m.status() != null ? "finished" : "last seen", m.finishedAt());
        h.append("</dl>");
        if (!m.warnings().isEmpty()) {
            h.append("<ul class=\"warnings\">");
            for (String w : m.warnings()) {
                h.append("<li>").append(esc(w)).append("</li>");
            }
            h.append("</ul>");
        }
        h.append("</section>\n");
    }

    private static void bestModel(StringBuilder h, SweepReportModel m) {
        h.append("<section id=\"best-model\"><h2>The best model</h2>");
        var best = m.bestModel();
        if (best == null) {
            h.append("<p class=\"note\">No trial has produced a model yet.</p>");
        } else {
            h.append("<p>Trial ").append(esc(best.trial())).append(", epoch ").append(best.epoch()).append(": ")
                    .append(esc(m.primaryMetric())).append(' ').append(Html.number(best.value()))
                    .append(best.published() ? " &middot; published as " + esc(best.path()) : "").append("</p>")
                    .append("<h3>Per-label metrics</h3><div class=\"chart short\" id=\"chart-labels\"></div>");
            TrialsTableHtml.perLabel(h, best);
            TrialsTableHtml.cocoStatistics(h, best);
        }
        h.append("<h3>Loss per epoch</h3><p class=\"note\">Training loss of every trial (solid) and validation loss ")
                .append("where the trials logged it (dashed).</p><div class=\"chart\" id=\"chart-loss\"></div>")
                .append("</section>\n");
    }

    private static void gallery(StringBuilder h, List<GalleryImage> gallery, String problem) {
        h.append("<section id=\"gallery\"><h2>The best model's predictions on validation images</h2>");
        if (problem != null) {
            h.append("<p class=\"note\">").append(esc(problem)).append("</p>");
        } else if (gallery.isEmpty()) {
            h.append("<p class=\"note\">No gallery: it is drawn at the end of a sweep that has a best model.</p>");
        }
        Base64.Encoder b64 = Base64.getEncoder();
        for (GalleryImage g : gallery) {
            h.append("<figure class=\"pair\"><figcaption>").append(esc(g.imageName())).append("</figcaption>")
                    .append("<div><img class=\"prediction\" alt=\"predictions on ").append(esc(g.imageName()))
                    .append("\" src=\"data:image/png;base64,").append(b64.encodeToString(g.predictionPng()))
                    .append("\"><span>prediction: ").append(g.detections()).append(" detection")
                    .append(g.detections() == 1 ? "" : "s").append("</span></div>")
                    .append("<div><img class=\"ground-truth\" alt=\"ground truth of ").append(esc(g.imageName()))
                    .append("\" src=\"data:image/png;base64,").append(b64.encodeToString(g.groundTruthPng()))
                    .append("\"><span>ground truth: ").append(g.objects()).append(" object")
                    .append(g.objects() == 1 ? "" : "s").append("</span></div></figure>");
        }
        h.append("</section>\n");
    }

    private static void settings(StringBuilder h, SweepReportModel m) {
        h.append("<section id=\"settings\"><h2>Settings</h2><dl class=\"glance\">");
        item(h, "primary metric", m.primaryMetric());
        for (Map.Entry<String, Object> e : m.settings().entrySet()) {
            item(h, e.getKey().replace('_', ' '), Html.value(e.getValue()));
        }
        item(h, "searched", m.searchedParameters().isEmpty() ? "nothing (fixed parameters)"
                : String.join(", ", m.searchedParameters()));
        h.append("</dl>");
        if (!m.trialParameters().isEmpty()) {
            h.append("<details><summary>Every parameter of trial ").append(esc(m.trialParametersOf()))
                    .append("</summary><dl class=\"glance\">");
            m.trialParameters().forEach((k, v) -> item(h, k, Html.value(v)));
            h.append("</dl></details>");
        }
        h.append("</section>\n");
    }

    private static void item(StringBuilder h, String term, String value) {
        h.append("<dt>").append(esc(term)).append("</dt><dd>").append(esc(value)).append("</dd>");
    }

    /**
     * The model as JSON for a script element: {@code <}, {@code >} and {@code &} only occur inside JSON strings,
     * where their unicode escapes mean the same, so nothing in a name can close the element.
     */
    static String json(SweepReportModel m) {
        ObjectNode tree = Json.MAPPER.valueToTree(m);
        // the charts draw per-label metrics of the best model only (best_model): the epochs' copies would only
        // make a long sweep's page heavy
        for (JsonNode trial : tree.path("trials")) {
            for (JsonNode epoch : trial.path("epochs")) {
                ((ObjectNode) epoch).remove("per_label_metrics");
            }
        }
        try {
            return Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(tree)
                    .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report's data as JSON", e);
        }
    }
}
