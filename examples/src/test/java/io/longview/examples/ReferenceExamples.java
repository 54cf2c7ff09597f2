package io.longview.examples;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.ItemEmbeddings;
import io.longview.core.model.Quantizer;
import io.longview.core.model.Token;
import io.longview.core.model.UserHistory;
import io.longview.core.model.UserSequences;
import io.longview.core.select.CandidateSelector;
import io.longview.core.select.PreparedHistory;
import io.longview.core.select.Selection;
import io.longview.core.select.SequencePart;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The examples of a log computed the plain way, independent of the builder's sharding, sorting, incremental replay
 * and token table: per request, a fresh {@link UserHistory} fed the user's events with timestamp {@code < t}, then
 * core selection per candidate, and labels by filtering the whole log.
 */
final class ReferenceExamples {
    /** Events of one timestamp are applied in (item, action, surface) order, as the builder documents. */
    static final Comparator<Event> APPLY_ORDER = Comparator.comparingLong(Event::timestampMs).thenComparingLong(Event::itemId)
            .thenComparingInt(Event::action).thenComparingInt(Event::surface);

    /** One expected candidate. */
    record Candidate(long itemId, int labels, List<Token> sAll, List<SequencePart> parts) {
    }

    /** One expected request. */
    record Request(long userId, long t, int rt, int ll, int imp, List<Long> negativeIds, List<byte[]> negatives,
                   List<Candidate> candidates) {
    }

    private ReferenceExamples() {
    }

    /** Every request of the log, keyed by "user@t". */
    static Map<String, Request> compute(List<Event> log, ItemEmbeddings items, ExampleBuilderConfig config) {
        Map<Long, List<Event>> byUser = new TreeMap<>();
        for (Event e : log) {
            byUser.computeIfAbsent(e.userId(), k -> new ArrayList<>()).add(e);
        }
        Quantizer quantizer = new Quantizer(config.quantizerClip());
        CandidateSelector selector = new CandidateSelector(config.selection());
        Selection sel = selector.newSelection();
        Map<String, Request> out = new LinkedHashMap<>();
        for (var entry : byUser.entrySet()) {
            long user = entry.getKey();
            List<Event> events = new ArrayList<>(entry.getValue());
            events.sort(APPLY_ORDER);
            TreeSet<Long> times = new TreeSet<>();
            for (Event e : events) {
                if (e.action() == Actions.IMPRESSION) {
                    times.add(e.timestampMs());
                }
            }
            for (long t : times) {
                UserHistory h = new UserHistory(user, config.limits());
                for (Event e : events) {
                    if (e.timestampMs() < t) {
                        h.apply(e, quantizer.quantize(items.get(e.itemId())), 0);
                    }
                }
                UserSequences seq = h.snapshot();
                PreparedHistory prepared = PreparedHistory.of(seq);
                TreeSet<Long> cands = new TreeSet<>();
                for (Event e : events) {
                    if (e.timestampMs() == t && e.action() == Actions.IMPRESSION) {
                        cands.add(e.itemId());
                    }
                }
                long requestId = ExampleBuilder.requestId(user, t);
                List<Candidate> cs = new ArrayList<>();
                for (long c : cands) {
                    int labels = 0;
                    for (Event e : events) {
                        if (e.itemId() == c && Actions.isExplicit(e.action()) && e.timestampMs() >= t
                                && e.timestampMs() < t + config.labelWindowMs()) {
                            labels |= e.action();
                        }
                    }
                    selector.select(prepared, items.get(c), ExampleBuilder.salt(requestId, c), sel);
                    List<Token> tokens = new ArrayList<>();
                    List<SequencePart> parts = new ArrayList<>();
                    for (int k = 0; k < sel.size(); k++) {
                        tokens.add(sel.token(seq, k));
                        parts.add(sel.part(k));
                    }
                    cs.add(new Candidate(c, labels, tokens, parts));
                }
                List<Long> negIds = new ArrayList<>();
                List<byte[]> negs = new ArrayList<>();
                for (int g = 0; g < Math.min(config.maxNegatives(), seq.impressions().size()); g++) {
                    negIds.add(seq.impressions().itemId(g));
                    negs.add(seq.impressions().token(g).embedding());
                }
                out.put(user + "@" + t, new Request(user, t, seq.realtime().size(), seq.lifelong().size(),
                        seq.impressions().size(), negIds, negs, cs));
            }
        }
        return out;
    }
}
