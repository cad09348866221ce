package io.automlseg.executor.trial;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes {@link HyperparameterTable} as the Markdown tables of docs/hyperparameters.md, between its marker comments;
 * {@link HyperparameterDocsTest} fails when the file and the table differ. Run as a program to rewrite the file.
 */
public final class HyperparameterDocs {
    public static final String BEGIN = "<!-- hyperparameters:begin -->";
    public static final String END = "<!-- hyperparameters:end -->";
    /** The file, from the executor module's folder (where Maven runs its tests). */
    public static final Path FILE = Path.of("..", "docs", "hyperparameters.md");
    public static final String REGENERATE = "mvn -B -q -pl executor test -Dtest=HyperparameterDocsTest"
            + " -Dhyperparameters.regenerate=true";

    private HyperparameterDocs() {}

    /** Rewrites the generated part of the file given as the first argument (default: {@link #FILE}). */
    public static void main(String[] args) throws IOException {
        Path file = args.length > 0 ? Path.of(args[0]) : FILE;
        Files.writeString(file, withTable(Files.readString(file, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        System.out.println("wrote the hyperparameter table into " + file);
    }

    /** {@code document} with everything between the markers replaced by {@link #generated()}. */
    public static String withTable(String document) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the document has no " + BEGIN + " ... " + END + " markers");
        }
        return document.substring(0, begin + BEGIN.length()) + "\n" + generated() + document.substring(end);
    }

    /** What lies between the markers in the document: everything up to the line of the end marker. */
    public static String between(String document) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the document has no " + BEGIN + " ... " + END + " markers");
        }
        return document.substring(begin + BEGIN.length() + 1, end);
    }

    /** The generated Markdown: the reference's names, ours, then the names refused with their reasons. */
    public static String generated() {
        StringBuilder md = new StringBuilder();
        md.append("<!-- Generated from HyperparameterTable; do not edit by hand (see above). -->\n\n");
        table(md, HyperparameterTable.all().stream().filter(h -> !h.ours()).toList());
        md.append("\nNames of ours, beyond the reference:\n\n");
        table(md, HyperparameterTable.all().stream().filter(Hyperparameter::ours).toList());
        md.append("\nRefused with a reason:\n\n");
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        HyperparameterTable.rejected().forEach((name, reason) ->
                byReason.computeIfAbsent(reason, r -> new java.util.ArrayList<>()).add(name));
        byReason.forEach((reason, names) -> md.append("- ")
                .append(names.stream().map(n -> "`" + n + "`").collect(Collectors.joining(", ")))
                .append(": ").append(reason).append('\n'));
        return md.toString();
    }

    private static void table(StringBuilder md, List<Hyperparameter> rows) {
        md.append("| name | range | default | acted on | what it does |\n|---|---|---|---|---|\n");
        for (Hyperparameter h : rows) {
            md.append("| `").append(h.name()).append("` | ").append(range(h)).append(" | ").append(defaultText(h))
                    .append(" | ").append(h.actedOn() ? "yes" : "**no**").append(" | ").append(h.doc())
                    .append(" |\n");
        }
    }

    static String range(Hyperparameter h) {
        String r = h.range().replace(">=", "≥");
        return switch (h.type()) {
            case INT -> h.min() != null && h.max() != null ? "integer in " + r : "integer " + r;
            case FLOAT -> h.min() != null ? r : "number";
            case BOOL -> "boolean";
            case ENUM -> h.values().stream().map(v -> "`" + v + "`").collect(Collectors.joining(", "));
            case STRING -> "text";
        };
    }

    static String defaultText(Hyperparameter h) {
        if (h.defaultRule() != null) {
            return h.defaultRule();
        }
        Object v = h.defaultValue();
        if (v == null) {
            return "—";
        }
        if (v instanceof String s) {
            return "`" + s + "`";
        }
        if (v instanceof Double d) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(v);
    }
}
