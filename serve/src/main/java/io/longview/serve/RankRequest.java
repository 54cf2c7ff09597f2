package io.longview.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.longview.core.model.Event;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A parsed {@code POST /v1/rank} body (see {@code openapi.yaml}):
 * <pre>
 * {"user_id": 42, "request_time": 1732550000000, "candidates": [17, {"item_id": 18, "embedding": [32 numbers]}],
 *  "heads": ["click", "save"], "explain": true}
 * </pre>
 *
 * @param userId        the user
 * @param requestTimeMs epoch ms; the dense features (hour, weekday) and the RANDOM rule's salt. Absent: now
 * @param candidates    1 .. max candidates, in request order; ids may repeat
 * @param heads         the heads to report and blend, in the order asked; null for all of the model's
 * @param explain       whether to return each candidate's selected history tokens
 * @param deadlineMs    the client's budget in ms ({@code deadline_ms}, 1..600000), or 0 when it gave none; it can only
 *                      lower the server's {@code --deadline-ms}
 */
public record RankRequest(long userId, long requestTimeMs, List<Candidate> candidates, List<String> heads, boolean explain,
                          int deadlineMs) {
    /** The largest {@code deadline_ms} accepted (10 minutes). */
    public static final int MAX_DEADLINE_MS = 600_000;
    private static final Set<String> FIELDS = Set.of("user_id", "request_time", "candidates", "heads", "explain", "deadline_ms");
    private static final Set<String> CANDIDATE_FIELDS = Set.of("item_id", "embedding");

    /**
     * One candidate: an item id and, when the client sent one, its embedding (otherwise the catalog's is used).
     *
     * @param itemId    the item
     * @param embedding 32 finite floats, or null
     */
    public record Candidate(long itemId, float[] embedding) {
    }

    /**
     * Parses and checks a body. Item ids are not looked up here (the catalog is, by the service).
     *
     * @param nowMs the request time when the body gives none
     * @throws ApiException naming the first offending field
     */
    public static RankRequest parse(JsonNode body, int maxCandidates, long nowMs) {
        Json.object(body, null);
        Json.onlyFields(body, null, FIELDS);
        long user = Json.longValue(Json.required(body, null, "user_id"), "user_id");
        long t = nowMs;
        JsonNode rt = Json.optional(body, "request_time");
        if (rt != null) {
            t = Json.longValue(rt, "request_time");
            try {
                Event.checkTimestamp(t);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("request_time", "request_time: " + e.getMessage());
            }
        }
        JsonNode cs = Json.array(Json.required(body, null, "candidates"), "candidates");
        if (cs.isEmpty()) {
            throw ApiException.invalid("candidates", "candidates is empty, expected 1.." + maxCandidates + " candidates");
        }
        if (cs.size() > maxCandidates) {
            throw ApiException.invalid("candidates", "candidates has " + cs.size() + " entries, at most " + maxCandidates
                    + " are accepted per request");
        }
        List<Candidate> candidates = new ArrayList<>(cs.size());
        for (int i = 0; i < cs.size(); i++) {
            JsonNode c = cs.get(i);
            String path = "candidates[" + i + "]";
            if (c.isObject()) {
                Json.onlyFields(c, path, CANDIDATE_FIELDS);
                long id = Json.longValue(Json.required(c, path, "item_id"), path + ".item_id");
                JsonNode e = Json.optional(c, "embedding");
                candidates.add(new Candidate(id, e == null ? null : Json.embedding(e, path + ".embedding")));
            } else if (c.isIntegralNumber()) {
                candidates.add(new Candidate(Json.longValue(c, path), null));
            } else {
                throw ApiException.invalid(path, path + " must be an item id (integer) or an object {item_id, embedding}, got "
                        + Json.describe(c));
            }
        }
        List<String> heads = null;
        JsonNode hs = Json.optional(body, "heads");
        if (hs != null) {
            Json.array(hs, "heads");
            if (hs.isEmpty()) {
                throw ApiException.invalid("heads", "heads is empty: leave it out for all heads, or name at least one");
            }
            heads = new ArrayList<>(hs.size());
            for (int i = 0; i < hs.size(); i++) {
                String h = Json.text(hs.get(i), "heads[" + i + "]");
                if (heads.contains(h)) {
                    throw ApiException.invalid("heads[" + i + "]", "head '" + h + "' is named twice in heads");
                }
                heads.add(h);
            }
        }
        JsonNode ex = Json.optional(body, "explain");
        boolean explain = ex != null && Json.booleanValue(ex, "explain");
        JsonNode dl = Json.optional(body, "deadline_ms");
        int deadline = dl == null ? 0 : Json.intValue(dl, "deadline_ms", 1, MAX_DEADLINE_MS);
        return new RankRequest(user, t, List.copyOf(candidates), heads == null ? null : List.copyOf(heads), explain, deadline);
    }
}
