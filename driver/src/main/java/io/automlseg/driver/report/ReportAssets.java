package io.automlseg.driver.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * What every report inlines from the classpath: the chart library (ECharts, from its WebJar, whose version the pom
 * states once and fills into {@code assets.properties}), and the page's own script and style. Read once per JVM.
 */
final class ReportAssets {
    private static final String OWN = "/io/automlseg/driver/report/";
    private static volatile ReportAssets loaded;

    final String chartLibrary;
    final String chartLibraryVersion;
    final String script;
    final String style;

    private ReportAssets(String chartLibrary, String chartLibraryVersion, String script, String style) {
        this.chartLibrary = chartLibrary;
        this.chartLibraryVersion = chartLibraryVersion;
        this.script = script;
        this.style = style;
    }

    static ReportAssets get() {
        ReportAssets a = loaded;
        if (a == null) {
            Properties p = new Properties();
            try (InputStream in = stream(OWN + "assets.properties")) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String version = p.getProperty("echarts.version");
            a = new ReportAssets(text("/META-INF/resources/webjars/echarts/" + version + "/dist/echarts.min.js"),
                    version, text(OWN + "report.js"), text(OWN + "report.css"));
            loaded = a;
        }
        return a;
    }

    /** A script's text made safe to sit inside a script element: nothing in it may end the element early. */
    static String inlineScript(String js) {
        return js.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT");
    }

    private static String text(String resource) {
        try (InputStream in = stream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + " from the classpath", e);
        }
    }

    private static InputStream stream(String resource) throws IOException {
        InputStream in = ReportAssets.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException(resource + " is not on the classpath (is the echarts WebJar there?)");
        }
        return in;
    }
}
