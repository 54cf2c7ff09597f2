package io.longview.data.io;

import io.longview.core.io.InputException;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Raw logs that import without a script ({@link EventLogDialect}: other column names, seconds, other action names)
 * and logs without impressions, whose requests come from sessions ({@link RequestMode#SESSIONS}).
 */
class RawLogImportTest {
    static final long S = 1_700_000_000L; // epoch seconds
    static final EventLogDialect RETAIL = EventLogDialect.parse("user_id=user,item_id=item,timestamp_ms=timestamp,action=behaviour",
            "s", "pv=click,cart=save,fav=save,buy=save,share=skip");

    @TempDir
    Path tmp;

    Path write(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    static List<Event> readAll(EventSource src) {
        List<Event> out = new ArrayList<>();
        try (src) {
            src.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void aRetailLogReadsThroughItsDialect() throws IOException {
        Path f = write("retail.csv", "user,item,category,behaviour,timestamp\n"
                + "1,10,3,pv," + S + "\n"
                + "1,10,3,share," + (S + 1) + "\n"
                + "1,11,4,BUY," + (S + 2) + "\n"
                + "2,12,4,hide," + (S + 3) + "\n");

        List<Event> events = readAll(EventSources.open(f, FileFormat.CSV, RETAIL));

        assertThat(events).containsExactly(
                Event.of(1, 10, S * 1000, Actions.CLICK, 0),
                Event.of(1, 11, (S + 2) * 1000, Actions.SAVE, 0),
                Event.of(2, 12, (S + 3) * 1000, Actions.HIDE, 0));
    }

    @Test
    void aJsonLinesLogWithOtherKeysReadsThroughItsDialect() throws IOException {
        Path f = write("retail.jsonl", "{\"user\":1,\"item\":10,\"category\":{\"a\":[1]},\"behaviour\":\"fav\",\"timestamp\":" + S + "}\n"
                + "{\"user\":1,\"item\":10,\"behaviour\":\"share\",\"timestamp\":" + S + "}\n");

        assertThat(readAll(EventSources.open(f, FileFormat.JSONL, RETAIL))).containsExactly(Event.of(1, 10, S * 1000, Actions.SAVE, 0));
    }

    @Test
    void badRawRowsNameFileLineAndValue() throws IOException {
        Path unknown = write("u.csv", "user,item,behaviour,timestamp\n1,2,pv," + S + "\n1,2,like," + S + "\n");
        assertThatThrownBy(() -> readAll(EventSources.open(unknown, FileFormat.CSV, RETAIL))).isInstanceOf(InputException.class)
                .hasMessageContainingAll("u.csv:3: ", "'like'", "action map");

        Path millis = write("m.csv", "user,item,behaviour,timestamp\n1,2,pv," + S * 1000 + "\n");
        assertThatThrownBy(() -> readAll(EventSources.open(millis, FileFormat.CSV, RETAIL))).isInstanceOf(InputException.class)
                .hasMessageContainingAll("m.csv:2: ", String.valueOf(S * 1000), "epoch seconds", "--timestamp-unit ms");

        Path missing = write("h.csv", "user,item,timestamp\n1,2," + S + "\n");
        assertThatThrownBy(() -> EventSources.open(missing, FileFormat.CSV, RETAIL)).isInstanceOf(InputException.class)
                .hasMessageContainingAll("h.csv:1: ", "no action (column 'behaviour')", "--columns");

        assertThatThrownBy(() -> EventLogDialect.parse("user=uid", null, null)).hasMessageContaining("'user'");
        assertThatThrownBy(() -> EventLogDialect.parse(null, "us", null)).hasMessageContaining("'us'");
        assertThatThrownBy(() -> EventLogDialect.parse(null, null, "pv=like")).hasMessageContaining("'like'");
        assertThatThrownBy(() -> EventLogDialect.parse(null, null, "pv")).hasMessageContaining("not name=value");
    }

    /** Two users, no impressions: user 1 has two sessions (a 2 h gap), user 2 one. */
    Path sessionLog() throws IOException {
        return write("sessions.csv", "user,item,behaviour,timestamp\n"
                + "1,10,pv," + S + "\n"
                + "1,11,pv," + (S + 60) + "\n"
                + "1,10,buy," + (S + 120) + "\n"
                + "2,12,pv," + (S + 30) + "\n"
                + "1,13,cart," + (S + 7200) + "\n");
    }

    ImportResult importSessions(Path log, String out, long seed) {
        return EventLogImporter.builder(log, tmp.resolve(out)).eventsFormat(FileFormat.CSV).dialect(RETAIL)
                .requests(RequestMode.SESSIONS).seed(seed).splitTimeMs(S * 1000 + 3_600_000).run();
    }

    @Test
    void sessionsBecomeRequestsOfTheirItemsAndSampledUntouchedOnes() throws IOException {
        ImportResult r = importSessions(sessionLog(), "ds", 3);
        List<Event> events = readAll(EventSources.open(r.layout().events()));

        // requests: (user, time) → impressions; independent of the code: derived from the log above by hand
        Map<String, Set<Long>> requests = new TreeMap<>();
        for (Event e : events) {
            if (e.action() == Actions.IMPRESSION) {
                requests.computeIfAbsent(e.userId() + "@" + e.timestampMs(), k -> new TreeSet<>()).add(e.itemId());
            }
        }
        assertThat(requests).containsOnlyKeys("1@" + S * 1000, "1@" + (S + 7200) * 1000, "2@" + (S + 30) * 1000);
        // sampled items are never ones user 1 touched (10, 11, 13): only 12 is left, so each of user 1's requests gets
        // 1 of the 2 (first: items 10 and 11) or 1 of 1 (second: item 13) negatives the ratio asks for
        assertThat(requests.get("1@" + S * 1000)).containsExactly(10L, 11L, 12L);
        assertThat(requests.get("1@" + (S + 7200) * 1000)).containsExactly(12L, 13L);
        assertThat(requests.get("2@" + (S + 30) * 1000)).hasSize(2).contains(12L);
        // every explicit event is kept, at its own time
        assertThat(events.stream().filter(e -> e.action() != Actions.IMPRESSION).count()).isEqualTo(5);
        Map<String, Object> p = r.manifest().parameters();
        assertThat(p).containsEntry("requestMode", "sessions").containsEntry("requests", 3L)
                .containsEntry("labelWindowMs", SessionRule.DEFAULT.labelWindowMs()).containsEntry("timestampUnit", "s");
        assertThat(((Number) p.get("requestsShortOfNegatives")).longValue()).isEqualTo(1); // user 1's first request
    }

    @Test
    void sessionsAreSeededAndDeterministic() throws IOException {
        Path log = sessionLog();
        List<Event> a = readAll(EventSources.open(importSessions(log, "a", 9).layout().events()));
        List<Event> b = readAll(EventSources.open(importSessions(log, "b", 9).layout().events()));
        assertThat(a).isEqualTo(b);
    }

    @Test
    void impressionRowsAndSessionsDoNotMix() throws IOException {
        Path log = write("mixed.csv", "user,item,behaviour,timestamp\n1,10,pv," + S + "\n1,11,impression," + S + "\n");
        assertThatThrownBy(() -> importSessions(log, "x", 1)).isInstanceOf(InputException.class)
                .hasMessageContainingAll("mixed.csv:3: ", "--requests impressions");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void theGenericRuleIsTheMovieLensRule() {
        // the MovieLens adapter's sessions come from the same SessionRequests: one rule, one owner
        long[] universe = {1, 2, 3, 4, 5, 6, 7, 8};
        SessionRequests req = new SessionRequests(new SessionRule(1000, 2, 5000), 1.0, 5, universe);
        List<Event> out = new ArrayList<>();
        long t = S * 1000;
        req.emitUser(7, new long[]{1, 2, 3}, new long[]{t, t + 10, t + 20}, new byte[]{1, 2, 1}, new byte[]{0, 0, 0}, 3,
                new long[]{1, 2, 3}, out::add);
        Map<Long, List<Event>> byTime = out.stream().filter(e -> e.action() == Actions.IMPRESSION)
                .collect(Collectors.groupingBy(Event::timestampMs, TreeMap::new, Collectors.toList()));
        // max 2 events a session: {1, 2} at t, {3} at t + 20, each with as many untouched items (from 4..8)
        assertThat(byTime).containsOnlyKeys(t, t + 20);
        assertThat(byTime.get(t)).hasSize(4);
        assertThat(byTime.get(t + 20)).hasSize(2);
        Map<Long, Integer> seen = new HashMap<>();
        out.forEach(e -> seen.merge(e.itemId(), 1, Integer::sum));
        assertThat(out.stream().filter(e -> e.action() == Actions.IMPRESSION && e.itemId() > 3).map(Event::itemId))
                .allMatch(i -> i >= 4 && i <= 8);
        assertThat(req.requests()).isEqualTo(2);
        assertThat(req.sampled()).isEqualTo(3);
    }
}
