package io.automlseg.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package diagram in docs/architecture.md is the rule, and the code must follow it: a package imports only from
 * the rows below its own (same-row imports only where the diagram draws {@code ->} or {@code <->}), the executor
 * imports nothing of the driver, and neither the executor nor the sweep core imports Spark.
 */
class PackageDiagramTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.automlseg\\.(driver|executor)\\.(\\w+)");
    private static final Pattern NAME = Pattern.compile("[a-z]+");

    /** One module's column of the diagram: each package's row (0 at the top) and the same-row imports drawn. */
    private record Column(Map<String, Integer> rows, Set<String> sameRowAllowed) {
    }

    private static Map<String, Column> diagram() throws IOException {
        List<String> doc = Files.readAllLines(ROOT.resolve("docs/architecture.md"));
        int start = -1;
        for (int i = 0; i < doc.size(); i++) {
            if (doc.get(i).startsWith(" driver/") && doc.get(i).contains("executor/")) {
                start = i;
                break;
            }
        }
        assertTrue(start >= 0, "docs/architecture.md has no package diagram (a line starting ' driver/')");
        int split = doc.get(start).indexOf("executor/");
        Map<String, Column> columns = Map.of("driver", new Column(new HashMap<>(), new HashSet<>()),
                "executor", new Column(new HashMap<>(), new HashSet<>()));
        int row = 0;
        for (int i = start + 1; i < doc.size() && !doc.get(i).startsWith("```"); i++) {
            String line = doc.get(i);
            if (!line.startsWith("   ")) {
                continue; // a blank line or the legend: rows are indented by three spaces
            }
            readCell(line.substring(0, Math.min(split, line.length())), row, columns.get("driver"));
            if (line.length() > split) {
                readCell(line.substring(split), row, columns.get("executor"));
            }
            row++;
        }
        return columns;
    }

    private static void readCell(String cell, int row, Column column) {
        String text = cell.replaceAll("\\(.*?\\)", " ");
        Matcher m = NAME.matcher(text);
        String previous = null;
        int previousEnd = 0;
        while (m.find()) {
            String name = m.group();
            column.rows().put(name, row);
            if (previous != null) {
                String between = text.substring(previousEnd, m.start());
                if (between.contains("<->")) {
                    column.sameRowAllowed().add(previous + ">" + name);
                    column.sameRowAllowed().add(name + ">" + previous);
                } else if (between.contains("->")) {
                    column.sameRowAllowed().add(previous + ">" + name);
                }
            }
            previous = name;
            previousEnd = m.end();
        }
    }

    @Test
    void everyImportFollowsTheDiagram() throws IOException {
        Map<String, Column> diagram = diagram();
        List<String> offenders = new ArrayList<>();
        Set<String> undrawn = new TreeSet<>();
        for (String module : List.of("driver", "executor")) {
            Path base = ROOT.resolve(module + "/src/main/java/io/automlseg/" + module);
            Column column = diagram.get(module);
            try (Stream<Path> files = Files.walk(base)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Path relative = base.relativize(file);
                    if (relative.getNameCount() < 2) {
                        continue; // package-info of the module itself
                    }
                    String pkg = relative.getName(0).toString();
                    if (!column.rows().containsKey(pkg)) {
                        undrawn.add(module + "/" + pkg);
                        continue;
                    }
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        String problem = problem(module, pkg, lines.get(i), column);
                        if (problem != null) {
                            offenders.add(module + "/" + relative + ":" + (i + 1) + ": " + problem);
                        }
                    }
                }
            }
        }
        assertEquals(Set.of(), undrawn, "packages missing from the diagram in docs/architecture.md");
        assertEquals(List.of(), offenders, "imports against the diagram in docs/architecture.md");
    }

    private static String problem(String module, String pkg, String line, Column column) {
        if (line.startsWith("import org.apache.spark") || line.startsWith("import scala.")) {
            return module.equals("executor") || pkg.equals("sweep") ? "imports Spark: " + line : null;
        }
        Matcher m = IMPORT.matcher(line);
        if (!m.find()) {
            return null;
        }
        String toModule = m.group(1);
        String to = m.group(2);
        if (!toModule.equals(module)) {
            return module.equals("executor") ? "the executor imports the driver: " + line : null;
        }
        if (to.equals(pkg)) {
            return null;
        }
        Integer fromRow = column.rows().get(pkg);
        Integer toRow = column.rows().get(to);
        if (toRow == null) {
            return null; // reported as a package missing from the diagram
        }
        if (toRow > fromRow || (toRow.equals(fromRow) && column.sameRowAllowed().contains(pkg + ">" + to))) {
            return null;
        }
        return pkg + " (row " + fromRow + ") imports " + to + " (row " + toRow + "): " + line;
    }
}
