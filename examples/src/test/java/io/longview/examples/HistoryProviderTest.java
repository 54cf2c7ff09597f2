package io.longview.examples;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.Quantizer;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserHistory;
import io.longview.core.model.UserSequences;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.longview.examples.RandomLogs.MINUTE;
import static io.longview.examples.RandomLogs.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistoryProviderTest {
    @TempDir
    Path tmp;

    @Test
    void replayAsOfTEqualsAFreshHistoryOfTheEventsBeforeT() {
        long seed = Seeds.seed(61);
        RandomLogs.Log log = RandomLogs.random(seed, 1, 300, 30, 10 * MINUTE);
        long user = log.events().getFirst().userId();
        SequenceLimits limits = new SequenceLimits(4, 20, 5, 10 * MINUTE);
        List<Event> shuffled = new ArrayList<>(log.events());
        Collections.shuffle(shuffled, new Random(seed));
        HistoryProvider.Timeline timeline = new ReplayHistoryProvider(limits, log.items(), Quantizer.DEFAULT)
                .open(UserEvents.of(user, shuffled));
        List<Long> times = log.events().stream().map(Event::timestampMs).distinct().sorted().toList();
        for (long t : times) {
            UserHistory h = new UserHistory(user, limits);
            log.events().stream().filter(e -> e.timestampMs() < t).sorted(ReferenceExamples.APPLY_ORDER)
                    .forEach(e -> h.apply(e, Quantizer.DEFAULT.quantize(log.items().get(e.itemId())), 0));
            assertThat(timeline.before(t)).as("t = " + t + " (seed " + seed + ")").isEqualTo(h.snapshot());
        }
        assertThatThrownBy(() -> timeline.before(times.getLast())).hasMessageContaining("times must increase");
    }

    @Test
    void theBuilderAsksACustomProviderOncePerRequestWithIncreasingTimesAndChecksItsAnswers() {
        RandomLogs.Log log = RandomLogs.random(Seeds.seed(62), 10, 30, 20, 10 * MINUTE);
        ExampleBuilderConfig config = ExampleBuilderTest.SMALL;
        HistoryProvider replay = new ReplayHistoryProvider(config.limits(), log.items(), Quantizer.DEFAULT);
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        HistoryProvider counting = events -> {
            HistoryProvider.Timeline inner = replay.open(events);
            return t -> {
                calls.add(events.userId() + "@" + t);
                return inner.before(t);
            };
        };
        BuildSummary s = new ExampleBuilder(config, log.items(), counting).build(new ListEventSource(log.events()), tmp.resolve("a"), false);
        assertThat(calls).doesNotHaveDuplicates().hasSize((int) (s.train().requests() + s.eval().requests()));

        // a provider that leaks the request's own time is refused, naming the user and both times
        HistoryProvider leaky = events -> t -> {
            TokenSequence one = TokenSequence.of(List.of(new io.longview.core.model.Token(t, Actions.CLICK, (byte) 0, 1000, new byte[32])));
            return new UserSequences(events.userId(), one, TokenSequence.empty(), TokenSequence.empty());
        };
        assertThatThrownBy(() -> new ExampleBuilder(config, log.items(), leaky).build(new ListEventSource(log.events()), tmp.resolve("b"), false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("a token at").hasMessageContaining("for a request at");
    }

    @Test
    void userEventsAreSortedByTimeItemActionSurface() {
        List<Event> ev = List.of(Event.of(1, 5, T0 + 2, Actions.CLICK, 0), Event.of(1, 3, T0 + 2, Actions.IMPRESSION, 0),
                Event.of(1, 3, T0 + 2, Actions.CLICK, 1), Event.of(1, 9, T0, Actions.SAVE, 2));
        UserEvents u = UserEvents.of(1, ev);
        assertThat(List.of(u.event(0), u.event(1), u.event(2), u.event(3))).containsExactly(ev.get(3), ev.get(2), ev.get(1), ev.get(0));
        assertThat(u.firstAtOrAfter(T0 + 1)).isEqualTo(1);
        assertThat(u.firstAtOrAfter(T0 + 3)).isEqualTo(4);
        assertThatThrownBy(() -> UserEvents.of(2, ev)).hasMessageContaining("event of user 1 among the events of user 2");
    }
}
