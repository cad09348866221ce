package io.automlseg.driver.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.automlseg.executor.io.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;

/**
 * Reads a job file into a tree. Jackson's YAML reader keeps every key's line for the messages but reads an alias
 * ({@code *train}) as the plain text of its name, so a document with aliases is read by SnakeYAML instead, which
 * resolves them to what they stand for, within limits that refuse an alias bomb before it expands.
 */
final class JobYaml {
    /** Aliases to mappings and lists: far more than any job file has, far fewer than an expanding bomb needs. */
    static final int MAX_ALIASES = 50;
    /** The largest job file read, in characters. */
    static final int MAX_CHARACTERS = 1 << 20;

    private static final ObjectMapper JACKSON = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private JobYaml() {}

    static JsonNode read(byte[] yaml, String source) throws ConfigException {
        if (yaml.length > MAX_CHARACTERS) {
            throw new ConfigException("Invalid sweep configuration " + source + ": " + yaml.length
                    + " bytes; a job file may have at most " + MAX_CHARACTERS);
        }
        try {
            if (hasAliases(yaml)) {
                Object document = new Yaml(new SafeConstructor(options())).load(reader(yaml));
                return Json.MAPPER.valueToTree(document);
            }
            return JACKSON.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException("Invalid sweep configuration " + source + ": line "
                    + e.getLocation().getLineNr() + ": " + e.getOriginalMessage());
        } catch (MarkedYAMLException e) {
            throw new ConfigException("Invalid sweep configuration " + source + ": line "
                    + (e.getProblemMark().getLine() + 1) + ": " + e.getProblem());
        } catch (YAMLException e) {
            throw new ConfigException("Invalid sweep configuration " + source + ": " + e.getMessage()
                    + (e.getMessage() != null && e.getMessage().contains("aliases") ? " (an alias bomb?)" : ""));
        } catch (IOException e) {
            throw new ConfigException("Cannot read the sweep configuration " + source + ": " + e.getMessage());
        }
    }

    /** Whether the document uses an alias; a document SnakeYAML cannot parse is left to Jackson's messages. */
    private static boolean hasAliases(byte[] yaml) {
        try {
            for (Event event : new Yaml(options()).parse(reader(yaml))) {
                if (event instanceof AliasEvent) {
                    return true;
                }
            }
        } catch (YAMLException e) {
            return false;
        }
        return false;
    }

    private static LoaderOptions options() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(MAX_CHARACTERS);
        return options;
    }

    private static Reader reader(byte[] yaml) {
        return new InputStreamReader(new ByteArrayInputStream(yaml), StandardCharsets.UTF_8);
    }
}
