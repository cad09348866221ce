package io.automlseg.executor.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** docs/hyperparameters.md shows exactly what {@link HyperparameterTable} holds. */
class HyperparameterDocsTest {

    @Test
    void theDocumentedTableIsTheCodesTable() throws Exception {
        if (Boolean.getBoolean("hyperparameters.regenerate")) {
            HyperparameterDocs.main(new String[0]);
        }
        String document = Files.readString(HyperparameterDocs.FILE, StandardCharsets.UTF_8);
        assertEquals(HyperparameterDocs.generated(), HyperparameterDocs.between(document),
                HyperparameterDocs.FILE.normalize() + " differs from HyperparameterTable; regenerate it with\n  "
                        + HyperparameterDocs.REGENERATE + "\n");
    }

    @Test
    void theDocumentSaysHowToRegenerateIt() throws Exception {
        String document = Files.readString(HyperparameterDocs.FILE, StandardCharsets.UTF_8);
        assertTrue(document.contains(HyperparameterDocs.REGENERATE), "docs/hyperparameters.md should name: "
                + HyperparameterDocs.REGENERATE);
    }

    @Test
    void everyRowThatIsNotActedOnSaysSoInTheTable() {
        for (Hyperparameter h : HyperparameterTable.all()) {
            if (!h.actedOn()) {
                assertTrue(HyperparameterDocs.generated().contains("| `" + h.name() + "` |"), h.name());
            }
        }
        assertTrue(HyperparameterDocs.generated().contains("| `distributed` | boolean | true | **no** |"));
    }
}
