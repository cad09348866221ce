package io.automlseg.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.automlseg.driver.cli.AutomlCli;
import io.automlseg.driver.cli.ExitCodes;
import io.automlseg.executor.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example Airflow DAG ({@code scripts/airflow/}) builds its command line from {@code automl_sweep.json}; this
 * renders that command line as Airflow would (its templates, with this checkout's quickstart configuration as the
 * {@code config} parameter) and runs it with {@code --validate-only}, the DAG's pre-flight task. Airflow itself
 * cannot be installed here.
 */
class AirflowDagTest {
    static final Path AIRFLOW = StandaloneCluster.REPO.resolve("scripts/airflow");
    private static final Pattern TEMPLATE = Pattern.compile("\\{\\{\\s*([\\w.]+)\\s*}}");

    @TempDir
    Path tmp;

    @Test
    void theDagsCommandLinePassesTheValidateOnlyCheck() throws Exception {
        JsonNode settings = Json.MAPPER.readTree(AIRFLOW.resolve("automl_sweep.json").toFile());
        String dag = Files.readString(AIRFLOW.resolve("automl_sweep_dag.py"));
        // The DAG really uses these settings for both tasks, and the pre-flight task adds --validate-only.
        assertTrue(dag.contains("with_name(\"automl_sweep.json\")"), "the DAG reads automl_sweep.json");
        assertTrue(dag.contains("SparkSubmitOperator("), "the DAG submits with SparkSubmitOperator");
        assertTrue(dag.contains("application_args=SETTINGS[\"sweep_args\"] + [\"--validate-only\"]"));
        assertTrue(dag.contains("application_args=SETTINGS[\"sweep_args\"],"));
        assertEquals("io.automlseg.driver.cli.AutomlCli", settings.get("java_class").asText());

        Map<String, String> context = Map.of(
                "ds_nodash", "20261128",
                "dag.dag_id", settings.get("dag_id").asText(),
                "params.config", StandaloneCluster.REPO.resolve("conf/quickstart.yaml").toString(),
                "params.output_root", tmp.toString());
        List<String> args = render(settings.get("sweep_args"), context);
        assertEquals("sweep", args.get(0));
        String runId = args.get(args.indexOf("--run-id") + 1);
        assertEquals("automl_seg_sweep-20261128", runId, "a templated run id: retries resume the same sweep");
        assertTrue(args.get(args.indexOf("--output") + 1).endsWith("/" + runId), "one run folder per run id");

        List<String> preflight = new ArrayList<>(args);
        preflight.add("--validate-only");
        assertEquals(ExitCodes.OK, AutomlCli.execute(preflight.toArray(String[]::new)));
        assertTrue(Files.notExists(tmp.resolve(runId)), "the pre-flight check writes nothing");

        // The same command line over a configuration whose data is missing must stop the DAG at the pre-flight task.
        Path broken = tmp.resolve("broken.yaml");
        Files.writeString(broken, Files.readString(StandaloneCluster.REPO.resolve("conf/quickstart.yaml"))
                .replace("../datasets/synthetic-shapes/train",
                        StandaloneCluster.REPO.resolve("datasets/synthetic-shapes/train").toString())
                .replace("../datasets/synthetic-shapes/validation", tmp.resolve("missing").toString()));
        List<String> bad = new ArrayList<>(preflight);
        bad.set(bad.indexOf("--config") + 1, broken.toString());
        assertEquals(ExitCodes.BAD_INPUT, AutomlCli.execute(bad.toArray(String[]::new)));
    }

    /** Airflow's Jinja substitution for the plain {@code {{ name }}} templates the settings use. */
    static List<String> render(JsonNode args, Map<String, String> context) {
        List<String> out = new ArrayList<>();
        for (JsonNode a : args) {
            Matcher m = TEMPLATE.matcher(a.asText());
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                String value = context.get(m.group(1));
                if (value == null) {
                    throw new AssertionError("template {{ " + m.group(1) + " }} is not one the test knows: " + a);
                }
                m.appendReplacement(b, Matcher.quoteReplacement(value));
            }
            m.appendTail(b);
            out.add(b.toString());
        }
        return out;
    }
}
