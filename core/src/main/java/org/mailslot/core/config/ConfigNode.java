package org.mailslot.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A read-only view of one section of the YAML configuration. Every getter names its default and bounds, so
 * a bad value fails at start naming its key, and every key read is remembered: keys that nobody read are
 * reported by {@link #rejectUnknownKeys()}, and the list of all keys feeds the documentation test.
 */
public final class ConfigNode {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern AMOUNT = Pattern.compile("\\s*(\\d+)\\s*([a-zA-Z]*)\\s*");

    private final JsonNode node;
    private final String prefix;
    private final Registry registry;

    private ConfigNode(JsonNode node, String prefix, Registry registry) {
        this.node = node;
        this.prefix = prefix;
        this.registry = registry;
    }

    public static ConfigNode parse(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read configuration file: " + e.getMessage());
        }
    }

    public static ConfigNode parse(String yaml) {
        JsonNode root;
        try {
            root = yaml.isBlank() ? YAML.createObjectNode() : YAML.readTree(yaml);
        } catch (IOException e) {
            throw new ConfigException("(file)", "not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            root = YAML.createObjectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException("(file)", "the configuration must be a YAML mapping of keys to values");
        }
        return new ConfigNode(root, "", new Registry());
    }

    /** An empty configuration: every getter returns its default. Used to list all keys with their defaults. */
    public static ConfigNode empty() {
        return parse("");
    }

    public ConfigNode section(String name) {
        String key = key(name);
        registry.read.add(key);
        JsonNode child = node.path(name);
        if (!child.isMissingNode() && !child.isNull() && !child.isObject()) {
            throw new ConfigException(key, "must be a section (a mapping of keys to values)");
        }
        return new ConfigNode(child.isObject() ? child : MissingNode.getInstance(), key + ".", registry);
    }

    public boolean has(String name) {
        JsonNode v = node.path(name);
        return !v.isMissingNode() && !v.isNull();
    }

    public String string(String name, String defaultValue) {
        JsonNode v = value(name, "string", defaultValue, "");
        if (v == null) {
            return defaultValue;
        }
        if (!v.isValueNode()) {
            throw new ConfigException(key(name), "must be a string");
        }
        return v.asText();
    }

    public String choice(String name, String defaultValue, Set<String> allowed) {
        String s = string(name, defaultValue);
        registry.keys.put(key(name), new ConfigKey(key(name), "one of " + new TreeSet<>(allowed), defaultValue, ""));
        if (s != null && !allowed.contains(s)) {
            throw new ConfigException(key(name), "must be one of " + new TreeSet<>(allowed) + ", got '" + s + "'");
        }
        return s;
    }

    public boolean bool(String name, boolean defaultValue) {
        JsonNode v = value(name, "boolean", String.valueOf(defaultValue), "");
        if (v == null) {
            return defaultValue;
        }
        if (!v.isBoolean()) {
            throw new ConfigException(key(name), "must be true or false, got '" + v.asText() + "'");
        }
        return v.booleanValue();
    }

    public int integer(String name, int defaultValue, int min, int max) {
        JsonNode v = value(name, "integer", String.valueOf(defaultValue), min + ".." + max);
        if (v == null) {
            return defaultValue;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new ConfigException(key(name), "must be a whole number, got '" + v.asText() + "'");
        }
        return (int) inRange(name, v.intValue(), min, max, String.valueOf(v.intValue()));
    }

    /** A size such as {@code 52428800}, {@code 50M} or {@code 50MiB} (binary units: K, M, G). */
    public long bytes(String name, long defaultValue, long min, long max) {
        JsonNode v = value(name, "size", String.valueOf(defaultValue), min + ".." + max + " bytes");
        if (v == null) {
            return defaultValue;
        }
        Matcher m = AMOUNT.matcher(v.asText());
        if (!m.matches()) {
            throw new ConfigException(key(name), "must be a size like 10485760, 10M or 10MiB, got '" + v.asText() + "'");
        }
        long factor = switch (m.group(2).toUpperCase()) {
            case "", "B" -> 1L;
            case "K", "KB", "KIB" -> 1L << 10;
            case "M", "MB", "MIB" -> 1L << 20;
            case "G", "GB", "GIB" -> 1L << 30;
            default -> throw new ConfigException(key(name), "unknown size unit '" + m.group(2) + "' (use K, M or G)");
        };
        long value;
        try {
            value = Math.multiplyExact(Long.parseLong(m.group(1)), factor);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new ConfigException(key(name), "is too large: '" + v.asText() + "'");
        }
        return inRange(name, value, min, max, v.asText());
    }

    /** A duration such as {@code 300s}, {@code 5m}, {@code 2h}, {@code 7d} or {@code 250ms}. */
    public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
        JsonNode v = value(name, "duration", format(defaultValue), format(min) + ".." + format(max));
        if (v == null) {
            return defaultValue;
        }
        Matcher m = AMOUNT.matcher(v.asText());
        if (!m.matches()) {
            throw new ConfigException(key(name), "must be a duration like 30s, 5m, 2h or 7d, got '" + v.asText() + "'");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2).toLowerCase()) {
            case "ms" -> Duration.ofMillis(n);
            case "s", "" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new ConfigException(key(name), "unknown duration unit '" + m.group(2) + "' (use ms, s, m, h or d)");
        };
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new ConfigException(key(name), "must be between " + format(min) + " and " + format(max) + ", got '" + v.asText() + "'");
        }
        return d;
    }

    public Path path(String name, Path defaultValue) {
        String s = string(name, defaultValue == null ? null : defaultValue.toString());
        return s == null ? null : Path.of(s);
    }

    public List<String> strings(String name, List<String> defaultValue) {
        JsonNode v = value(name, "list of strings", String.valueOf(defaultValue), "");
        if (v == null) {
            return defaultValue;
        }
        List<String> out = new ArrayList<>();
        if (v.isArray()) {
            for (JsonNode e : v) {
                if (!e.isValueNode()) {
                    throw new ConfigException(key(name), "must be a list of strings");
                }
                out.add(e.asText());
            }
        } else if (v.isValueNode()) {
            out.add(v.asText());
        } else {
            throw new ConfigException(key(name), "must be a list of strings");
        }
        return List.copyOf(out);
    }

    /** Fails naming the first key in the file that no part of the program read: a typo or an unsupported setting. */
    public void rejectUnknownKeys() {
        List<String> unknown = new ArrayList<>();
        collectUnknown(node, prefix, unknown);
        if (!unknown.isEmpty()) {
            throw new ConfigException(unknown.getFirst(), "unknown setting (see docs/configuration.md for every key)"
                    + (unknown.size() > 1 ? "; also unknown: " + String.join(", ", unknown.subList(1, unknown.size())) : ""));
        }
    }

    /** Every key read so far, with defaults and bounds, in reading order. */
    public List<ConfigKey> keysRead() {
        return List.copyOf(registry.keys.values());
    }

    private void collectUnknown(JsonNode n, String pre, List<String> out) {
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = pre + e.getKey();
            if (!registry.read.contains(k)) {
                out.add(k);
            } else if (e.getValue().isObject()) {
                collectUnknown(e.getValue(), k + ".", out);
            }
        }
    }

    private JsonNode value(String name, String type, String defaultValue, String bounds) {
        String key = key(name);
        registry.read.add(key);
        registry.keys.putIfAbsent(key, new ConfigKey(key, type, defaultValue, bounds));
        JsonNode v = node.path(name);
        return v.isMissingNode() || v.isNull() ? null : v;
    }

    private long inRange(String name, long value, long min, long max, String given) {
        if (value < min || value > max) {
            throw new ConfigException(key(name), "must be between " + min + " and " + max + ", got '" + given + "'");
        }
        return value;
    }

    private String key(String name) {
        return prefix + name;
    }

    static String format(Duration d) {
        if (d == null) {
            return "none";
        }
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) return ms / 86_400_000 + "d";
        if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }

    private static final class Registry {
        final Set<String> read = new java.util.HashSet<>();
        final Map<String, ConfigKey> keys = new LinkedHashMap<>();
    }
}
