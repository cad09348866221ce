package io.automlseg.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** conf/java17-opens.txt is the one list of --add-opens flags: the trial launcher and the test JVM use it. */
class Java17OpensTest {
    /** The file, from the driver module's folder (where Maven runs its tests). */
    private static final Path FILE = Path.of("..", "conf", "java17-opens.txt");

    private static List<String> fileFlags() throws Exception {
        return Java17Opens.parse(Files.readAllLines(FILE, StandardCharsets.UTF_8));
    }

    @Test
    void theTrialLauncherUsesTheFilesList() throws Exception {
        List<String> flags = fileFlags();
        assertEquals(13, flags.size(), flags.toString());
        assertEquals(flags, TrialLaunch.JAVA17_OPENS);
    }

    @Test
    void commentsAndBlankLinesAreNotFlags() {
        assertEquals(List.of("--add-opens=a=ALL-UNNAMED"),
                Java17Opens.parse(List.of("# why", "", "  --add-opens=a=ALL-UNNAMED  ", "   # indented")));
    }

    @Test
    void theTestJvmWasStartedWithTheFilesFlags() throws Exception {
        List<String> jvmArguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertTrue(jvmArguments.containsAll(fileFlags()), jvmArguments.toString());
    }
}
