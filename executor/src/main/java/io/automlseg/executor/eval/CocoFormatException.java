package io.automlseg.executor.eval;

/**
 * A COCO file (ground truth or results) that cannot be used: the message names the file, where possible the line,
 * the entry ({@code annotations[3]}, {@code [12]}) and the field, e.g.
 * {@code gt.json: line 6, annotations[1], field 'area' is missing or not a number}.
 */
public final class CocoFormatException extends IllegalArgumentException {
    private final String source;
    private final int line;
    private final String where;
    private final String field;
    private final String problem;

    private CocoFormatException(String source, int line, String where, String field, String problem, Throwable cause) {
        super(message(source, line, where, field, problem), cause);
        this.source = source;
        this.line = line;
        this.where = where;
        this.field = field;
        this.problem = problem;
    }

    /** A bad field of one entry; its line is added by {@link #atLine} once the file can be searched. */
    public static CocoFormatException entry(String source, String where, String field, String problem) {
        return new CocoFormatException(source, 0, where, field, problem, null);
    }

    /** A problem with the file as a whole or one of its top-level fields ({@code field} may be null). */
    public static CocoFormatException document(String source, int line, String field, String problem) {
        return new CocoFormatException(source, line, null, field, problem, null);
    }

    /** A file that is not valid JSON, at the parser's line. */
    static CocoFormatException syntax(String source, int line, String problem, Throwable cause) {
        return new CocoFormatException(source, line, null, null, problem, cause);
    }

    /** The same problem located at a line (1-based); a line below 1 leaves it unlocated. */
    public CocoFormatException atLine(int line) {
        return line < 1 ? this : new CocoFormatException(source, line, where, field, problem, this);
    }

    /** The entry, e.g. {@code annotations[3]}; null for a problem of the whole file. */
    public String where() {
        return where;
    }

    /** The field within the entry, e.g. {@code segmentation[0]}; null when the entry itself is wrong. */
    public String field() {
        return field;
    }

    /** 1-based line, or 0 when not known. */
    public int line() {
        return line;
    }

    private static String message(String source, int line, String where, String field, String problem) {
        StringBuilder s = new StringBuilder(source).append(": ");
        if (line > 0) {
            s.append("line ").append(line).append(", ");
        }
        if (where != null) {
            s.append(where).append(field != null ? ", " : " ");
        }
        if (field != null) {
            s.append("field '").append(field).append("' ");
        }
        return s.append(problem).toString();
    }
}
