package io.longview.serve;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.longview.core.model.Token;

import java.util.Iterator;
import java.util.Set;

/**
 * Reading request bodies strictly (STYLE 7): one shared mapper, and helpers that check every field's type and range
 * and name the field in the {@link ApiException} they throw ({@code candidates[3].embedding[7]}).
 *
 * <p>The parser accepts the non-standard literals {@code NaN} and {@code Infinity} only so that the error can name
 * the field that holds them (they are then refused like any non-finite number); duplicate keys are malformed JSON;
 * unknown fields are refused (a misspelt optional field would otherwise be silently ignored).
 */
public final class Json {
    /** The mapper for requests and responses. */
    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /** Parses a body; an empty or malformed one is a 400 {@code malformed_json}. */
    public static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw new ApiException(400, "malformed_json", null, "the request body is empty, expected a JSON document");
        }
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n == null || n.isMissingNode()) {
                throw new ApiException(400, "malformed_json", null, "the request body holds no JSON value");
            }
            return n;
        } catch (JacksonException e) {
            throw new ApiException(400, "malformed_json", null, "malformed JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
        } catch (java.io.IOException e) {
            throw new ApiException(400, "malformed_json", null, "unreadable JSON: " + e.getMessage());
        }
    }

    /** The node as an object, or a 400 naming {@code path}. */
    public static JsonNode object(JsonNode n, String path) {
        if (n == null || !n.isObject()) {
            throw ApiException.invalid(path, (path == null ? "the body" : path) + " must be a JSON object, got " + describe(n));
        }
        return n;
    }

    /** The node as an array, or a 400 naming {@code path}. */
    public static JsonNode array(JsonNode n, String path) {
        if (n == null || !n.isArray()) {
            throw ApiException.invalid(path, path + " must be a JSON array, got " + describe(n));
        }
        return n;
    }

    /** Refuses fields of {@code obj} not in {@code known}. */
    public static void onlyFields(JsonNode obj, String path, Set<String> known) {
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw ApiException.invalid(join(path, f), "unknown field '" + f + "'" + (path == null ? "" : " in " + path)
                        + ", expected one of " + known.stream().sorted().toList());
            }
        }
    }

    /** A required field's node (null JSON counts as missing). */
    public static JsonNode required(JsonNode obj, String path, String name) {
        JsonNode n = obj.get(name);
        if (n == null || n.isNull()) {
            throw new ApiException(400, "missing_field", join(path, name), "field " + join(path, name) + " is required");
        }
        return n;
    }

    /** An optional field's node, or null when absent or JSON null. */
    public static JsonNode optional(JsonNode obj, String name) {
        JsonNode n = obj.get(name);
        return n == null || n.isNull() ? null : n;
    }

    /** A JSON integer that fits a long. */
    public static long longValue(JsonNode n, String field) {
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw ApiException.invalid(field, field + " must be an integer (64-bit), got " + describe(n));
        }
        return n.longValue();
    }

    /** A JSON integer in [min, max]. */
    public static int intValue(JsonNode n, String field, int min, int max) {
        long v = longValue(n, field);
        if (v < min || v > max) {
            throw ApiException.invalid(field, field + " is " + v + ", expected " + min + ".." + max);
        }
        return (int) v;
    }

    public static boolean booleanValue(JsonNode n, String field) {
        if (!n.isBoolean()) {
            throw ApiException.invalid(field, field + " must be true or false, got " + describe(n));
        }
        return n.booleanValue();
    }

    public static String text(JsonNode n, String field) {
        if (!n.isTextual()) {
            throw ApiException.invalid(field, field + " must be a string, got " + describe(n));
        }
        return n.textValue();
    }

    /** Exactly {@link Token#EMBEDDING_DIM} finite numbers (after rounding to float). */
    public static float[] embedding(JsonNode n, String field) {
        array(n, field);
        if (n.size() != Token.EMBEDDING_DIM) {
            throw ApiException.invalid(field, field + " has " + n.size() + " values, expected " + Token.EMBEDDING_DIM);
        }
        float[] e = new float[Token.EMBEDDING_DIM];
        for (int d = 0; d < e.length; d++) {
            JsonNode v = n.get(d);
            String f = field + "[" + d + "]";
            if (!v.isNumber()) {
                throw ApiException.invalid(f, f + " must be a number, got " + describe(v));
            }
            float x = (float) v.doubleValue();
            if (!Float.isFinite(x)) {
                throw ApiException.invalid(f, f + " is " + v.asText() + ", expected a finite number (within float range)");
            }
            e[d] = x;
        }
        return e;
    }

    static String join(String path, String name) {
        return path == null ? name : path + "." + name;
    }

    /** A short description of a node for messages: its type and, for scalars, its value. */
    static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        JsonNodeType t = n.getNodeType();
        return switch (t) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            case STRING -> "the string " + clip(n.toString());
            case BOOLEAN -> "the boolean " + n.asText();
            case NUMBER -> "the number " + clip(n.asText());
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "…";
    }
}
