package io.longview.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.Surfaces;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed bodies of the write endpoints. Both take either a bare JSON array or an object holding it
 * ({@code {"events": [...]}}, {@code {"items": [...]}}); both are checked whole before anything is written.
 */
public final class WriteRequests {
    private static final Set<String> EVENT_FIELDS = Set.of("user_id", "item_id", "timestamp_ms", "action", "surface", "embedding");
    private static final Set<String> ITEM_FIELDS = Set.of("item_id", "embedding");

    private WriteRequests() {
    }

    /**
     * A batch of events ({@code POST /v1/events}) and the item embeddings some of them carried.
     *
     * @param events     in request order
     * @param embeddings item → embedding, for events that carried one (insertion order)
     */
    public record EventBatch(List<Event> events, Map<Long, float[]> embeddings) {
    }

    /**
     * Parses {@code [{user_id, item_id, timestamp_ms, action, surface, embedding?}]} (the event-log files' fields): timestamp_ms epoch ms, action
     * {@code click|save|hide|impression}, surface a name ({@code home|search|related|other}) or a number in [0, 16).
     * Two events carrying different embeddings for one item are refused.
     */
    public static EventBatch events(JsonNode body, int maxEvents) {
        JsonNode arr = list(body, "events", maxEvents);
        List<Event> events = new ArrayList<>(arr.size());
        Map<Long, float[]> embeddings = new LinkedHashMap<>();
        Map<Long, Integer> carriedAt = new LinkedHashMap<>();
        for (int i = 0; i < arr.size(); i++) {
            String path = "events[" + i + "]";
            JsonNode e = Json.object(arr.get(i), path);
            if (e.has("timestamp")) {
                throw ApiException.invalid(path + ".timestamp", path + ".timestamp: the field is called timestamp_ms (epoch ms), "
                        + "as in the event-log files");
            }
            Json.onlyFields(e, path, EVENT_FIELDS);
            long user = Json.longValue(Json.required(e, path, "user_id"), path + ".user_id");
            long item = Json.longValue(Json.required(e, path, "item_id"), path + ".item_id");
            long ts = Json.longValue(Json.required(e, path, "timestamp_ms"), path + ".timestamp_ms");
            try {
                Event.checkTimestamp(ts);
            } catch (IllegalArgumentException x) {
                throw ApiException.invalid(path + ".timestamp_ms", path + ".timestamp_ms: " + x.getMessage());
            }
            byte action;
            String actionName = Json.text(Json.required(e, path, "action"), path + ".action");
            try {
                action = Actions.parse(actionName);
            } catch (IllegalArgumentException x) {
                throw ApiException.invalid(path + ".action", path + ".action: " + x.getMessage());
            }
            JsonNode s = Json.required(e, path, "surface");
            int surface;
            if (s.isIntegralNumber()) {
                surface = Json.intValue(s, path + ".surface", 0, Surfaces.LIMIT - 1);
            } else if (s.isTextual()) {
                try {
                    surface = Surfaces.parse(s.textValue());
                } catch (IllegalArgumentException x) {
                    throw ApiException.invalid(path + ".surface", path + ".surface: " + x.getMessage());
                }
            } else {
                throw ApiException.invalid(path + ".surface", path + ".surface must be a surface name or a number in [0, "
                        + Surfaces.LIMIT + "), got " + Json.describe(s));
            }
            JsonNode emb = Json.optional(e, "embedding");
            if (emb != null) {
                float[] v = Json.embedding(emb, path + ".embedding");
                float[] prev = embeddings.putIfAbsent(item, v);
                if (prev != null && !Arrays.equals(prev, v)) {
                    throw ApiException.invalid(path + ".embedding", "item " + item + " carries a different embedding than at events["
                            + carriedAt.get(item) + "]");
                }
                carriedAt.putIfAbsent(item, i);
            }
            events.add(Event.of(user, item, ts, action, surface));
        }
        return new EventBatch(List.copyOf(events), embeddings);
    }

    /** Parses {@code [{item_id, embedding}]}; an item named twice is refused. Returns item → embedding in order. */
    public static Map<Long, float[]> items(JsonNode body, int maxItems) {
        JsonNode arr = list(body, "items", maxItems);
        Map<Long, float[]> items = new LinkedHashMap<>();
        Map<Long, Integer> at = new LinkedHashMap<>();
        for (int i = 0; i < arr.size(); i++) {
            String path = "items[" + i + "]";
            JsonNode it = Json.object(arr.get(i), path);
            Json.onlyFields(it, path, ITEM_FIELDS);
            long id = Json.longValue(Json.required(it, path, "item_id"), path + ".item_id");
            float[] e = Json.embedding(Json.required(it, path, "embedding"), path + ".embedding");
            Integer first = at.putIfAbsent(id, i);
            if (first != null) {
                throw ApiException.invalid(path + ".item_id", "item " + id + " appears twice, at items[" + first + "] and " + path);
            }
            items.put(id, e);
        }
        return items;
    }

    /** The array: the body itself, or the body's single field {@code name}; 1 .. max entries. */
    private static JsonNode list(JsonNode body, String name, int max) {
        JsonNode arr;
        if (body.isArray()) {
            arr = body;
        } else if (body.isObject()) {
            Json.onlyFields(body, null, Set.of(name));
            arr = Json.array(Json.required(body, null, name), name);
        } else {
            throw ApiException.invalid(null, "the body must be a JSON array of " + name + " or {\"" + name + "\": [...]}, got "
                    + Json.describe(body));
        }
        if (arr.isEmpty()) {
            throw ApiException.invalid(name, name + " is empty, expected 1.." + max + " entries");
        }
        if (arr.size() > max) {
            throw ApiException.invalid(name, name + " has " + arr.size() + " entries, at most " + max + " are accepted per request");
        }
        return arr;
    }
}
