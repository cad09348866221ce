package io.automlseg.driver.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The console's last line as a live status on a terminal: redrawn in place (carriage return, erase to the end of the
 * line), taken away before anything else is printed and drawn again after that line ended, so event lines are never
 * written into it. Everything the sweep prints must go through {@link #out()}. When the output is not a terminal
 * (a log, Airflow) nothing is drawn in place and {@link #out()} is the stream itself.
 */
public final class StatusLine {
    /** Carriage return, then erase from the cursor to the end of the line (ANSI "EL 0"). */
    static final String ERASE = "\r\033[K";

    private final PrintStream target;
    private final boolean inPlace;
    private final int width;
    private final PrintStream out;
    private String text = "";
    private boolean shown;
    private boolean atLineStart = true;

    /**
     * @param inPlace whether {@code target} is a terminal (see {@link #isTerminal})
     * @param width the terminal's columns: a longer status is cut, as a wrapped line cannot be erased in place
     */
    public StatusLine(PrintStream target, boolean inPlace, int width) {
        this.target = target;
        this.inPlace = inPlace;
        this.width = Math.max(20, width);
        this.out = inPlace ? new PrintStream(new Guard(target), true, StandardCharsets.UTF_8) : target;
    }

    /** A status line on {@code target}, in place when it is this JVM's terminal. */
    public static StatusLine on(PrintStream target) {
        boolean terminal = isTerminal(target);
        return new StatusLine(target, terminal, terminal ? columns() : 80);
    }

    /**
     * Whether {@code target} is standard output on an interactive terminal: {@code System.console()} is null when
     * standard input or output is redirected (a log file, a pipe, Airflow's task log), and a dumb terminal cannot erase.
     */
    public static boolean isTerminal(PrintStream target) {
        return target == System.out && System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    /** The terminal's width: as the shell exported it, else as {@code stty} reads it from the terminal, else 80. */
    static int columns() {
        try {
            String exported = System.getenv("COLUMNS");
            if (exported != null && !exported.isBlank()) {
                return Integer.parseInt(exported.trim());
            }
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new java.io.File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String[] rowsColumns = new String(stty.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()
                    .split("\\s+");
            return stty.waitFor() == 0 && rowsColumns.length == 2 ? Integer.parseInt(rowsColumns[1]) : 80;
        } catch (IOException | NumberFormatException e) {
            return 80;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 80;
        }
    }

    public boolean inPlace() {
        return inPlace;
    }

    /** Where everything else is printed: through the status line's guard on a terminal. */
    public PrintStream out() {
        return out;
    }

    /**
     * A stream onto {@code other}, another stream on the same terminal (standard error, where Spark logs), that takes
     * the live line away around each line it writes; {@code other} itself when not in place.
     */
    public PrintStream alongside(PrintStream other) {
        return inPlace ? new PrintStream(new Guard(other), true, StandardCharsets.UTF_8) : other;
    }

    /** Shows {@code status} as the live line (on a terminal; elsewhere nothing). */
    public synchronized void show(String status) {
        if (!inPlace) {
            return;
        }
        String cut = status.length() < width ? status : status.substring(0, width - 2) + "…";
        if (cut.equals(text) && shown) {
            return;
        }
        text = cut;
        if (atLineStart) {
            erase();
            draw();
            target.flush();
        }
    }

    /** Takes the live line away for good (the sweep ended): what follows is printed as usual. */
    public synchronized void clear() {
        if (shown) {
            erase();
            target.flush();
        }
        text = "";
    }

    private void erase() {
        if (shown) {
            target.print(ERASE);
            shown = false;
        }
    }

    private void draw() {
        if (!text.isEmpty()) {
            target.print(text);
            shown = true;
        }
    }

    /** Erases the status before a line is written, and draws it again once the line ended. */
    private final class Guard extends OutputStream {
        private final PrintStream destination;

        Guard(PrintStream destination) {
            this.destination = destination;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len == 0) {
                return;
            }
            synchronized (StatusLine.this) {
                erase();
                if (destination != target) {
                    target.flush();
                }
                destination.write(b, off, len);
                destination.flush();
                atLineStart = b[off + len - 1] == '\n';
                if (atLineStart) {
                    draw();
                    target.flush();
                }
            }
        }

        @Override
        public void flush() {
            destination.flush();
        }
    }
}
