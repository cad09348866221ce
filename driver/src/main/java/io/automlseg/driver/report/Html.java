package io.automlseg.driver.report;

import java.util.Locale;
import org.apache.commons.text.StringEscapeUtils;

/** Small helpers of the report's HTML: escaping every user string, and numbers and durations for people. */
final class Html {
    private Html() {}

    /** Text escaped for HTML content and attribute values; null as an empty string. */
    static String esc(Object s) {
        return s == null ? "" : StringEscapeUtils.escapeHtml4(String.valueOf(s)).replace("'", "&#39;");
    }

    static String number(Double v) {
        if (v == null || v.isNaN()) {
            return "";
        }
        double a = Math.abs(v);
        return a != 0 && (a < 1e-3 || a >= 1e6) ? String.format(Locale.ROOT, "%.3g", v)
                : String.format(Locale.ROOT, "%.4f", v);
    }

    /** A value as it sorts in the trials table: numbers as numbers, the rest as text. */
    static String sortKey(Object v) {
        return v == null ? "" : v instanceof Number n ? String.valueOf(n.doubleValue()) : String.valueOf(v);
    }

    static String duration(Double seconds) {
        if (seconds == null) {
            return "";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 3600 + " h " + s % 3600 / 60 + " min";
    }

    /** A parameter's value as written in the job file. */
    static String value(Object v) {
        return v instanceof Double d ? number(d) : v == null ? "" : String.valueOf(v);
    }
}
