package io.longview.core.model;

import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class UserHistoryTest {
    private static final long T0 = 1_700_000_000_000L - 1_700_000_000_000L % 600_000L; // a fold-window boundary
    private static final byte[] Q = new byte[32];

    private static Event ev(long item, long ts, int action) {
        return Event.of(7, item, ts, action, Surfaces.HOME);
    }

    private static UserHistory history(SequenceLimits limits, List<Event> events) {
        UserHistory h = new UserHistory(7, limits);
        for (Event e : events) {
            h.apply(e, embeddingOf(e.itemId()), 0);
        }
        return h;
    }

    private static byte[] embeddingOf(long item) {
        byte[] q = new byte[32];
        q[(int) (item % 32)] = (byte) (item % 100 + 1);
        return q;
    }

    @Test
    void eventsOnOneItemInOneWindowFoldIntoOneTokenWithTheNewestTime() {
        UserHistory h = history(SequenceLimits.DEFAULT, List.of(
                ev(1, T0 + 1_000, Actions.IMPRESSION), ev(1, T0 + 5_000, Actions.CLICK), ev(1, T0 + 9_000, Actions.SAVE)));
        UserSequences s = h.snapshot();
        assertThat(s.impressions().size()).isZero();
        assertThat(s.realtime().size()).isEqualTo(1);
        assertThat(s.realtime().actions(0)).isEqualTo((byte) (Actions.IMPRESSION | Actions.CLICK | Actions.SAVE));
        assertThat(s.realtime().timestamp(0)).isEqualTo(T0 + 9_000);
    }

    @Test
    void eventsInDifferentWindowsStaySeparate() {
        UserHistory h = history(SequenceLimits.DEFAULT, List.of(ev(1, T0 + 599_999, Actions.CLICK), ev(1, T0 + 600_000, Actions.CLICK)));
        assertThat(h.snapshot().realtime().size()).isEqualTo(2);
    }

    @Test
    void anImpressionAloneStaysInTheImpressionSequence() {
        UserSequences s = history(SequenceLimits.DEFAULT, List.of(ev(1, T0, Actions.IMPRESSION), ev(2, T0, Actions.CLICK))).snapshot();
        assertThat(s.impressions().size()).isEqualTo(1);
        assertThat(s.impressions().itemId(0)).isEqualTo(1);
        assertThat(s.realtime().itemId(0)).isEqualTo(2);
    }

    @Test
    void applyingAnEventTwiceChangesNothing() {
        UserHistory h = history(SequenceLimits.DEFAULT, List.of(ev(1, T0, Actions.CLICK), ev(2, T0 + 1, Actions.SAVE)));
        UserSequences before = h.snapshot();
        assertThat(h.apply(ev(1, T0, Actions.CLICK), Q, 0)).isFalse();
        assertThat(h.snapshot()).isEqualTo(before);
    }

    @Test
    void arrivalOrderDoesNotMatterWhileNothingIsEvicted() {
        long seed = Seeds.seed(5);
        SplittableRandom rng = Seeds.random(seed);
        List<Event> events = new ArrayList<>();
        int[] actions = {Actions.CLICK, Actions.SAVE, Actions.HIDE, Actions.IMPRESSION};
        for (int i = 0; i < 3_000; i++) {
            events.add(ev(rng.nextInt(60), T0 + rng.nextLong(30L * 86_400_000L), actions[rng.nextInt(4)]));
        }
        SequenceLimits small = new SequenceLimits(100, 5_000, 5_000, 600_000); // room for every token: no eviction
        UserSequences inOrder = history(small, events.stream().sorted((a, b) -> Long.compare(a.timestampMs(), b.timestampMs())).toList()).snapshot();
        for (int round = 0; round < 5; round++) {
            List<Event> shuffled = new ArrayList<>(events);
            Collections.shuffle(shuffled, new Random(seed + round));
            assertThat(history(small, shuffled).snapshot()).as("seed %d round %d", seed, round).isEqualTo(inOrder);
        }
    }

    @Test
    void underEvictionALateEventForAnEvictedTokenStartsANewOne() {
        SequenceLimits tiny = new SequenceLimits(1, 0, 1, 600_000);
        // in time order: impression of 3 is evicted by the impression of 4, then the click on 3 starts a fresh token
        UserSequences a = history(tiny, List.of(ev(3, T0, Actions.IMPRESSION), ev(4, T0 + 1, Actions.IMPRESSION), ev(3, T0 + 2, Actions.CLICK))).snapshot();
        assertThat(a.realtime().actions(0)).isEqualTo(Actions.CLICK);
        // click first: the impression folds into the explicit token
        UserSequences b = history(tiny, List.of(ev(3, T0 + 2, Actions.CLICK), ev(3, T0, Actions.IMPRESSION), ev(4, T0 + 1, Actions.IMPRESSION))).snapshot();
        assertThat(b.realtime().actions(0)).isEqualTo((byte) (Actions.CLICK | Actions.IMPRESSION));
    }

    @Test
    void capsEvictTheOldestFirst() {
        SequenceLimits small = new SequenceLimits(3, 5, 2, 1_000);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            events.add(ev(100 + i, T0 + i * 10_000L, Actions.CLICK));
            events.add(ev(200 + i, T0 + i * 10_000L + 1, Actions.IMPRESSION));
        }
        UserSequences s = history(small, events).snapshot();
        assertThat(s.realtime().size()).isEqualTo(3);
        assertThat(s.lifelong().size()).isEqualTo(5);
        assertThat(s.impressions().size()).isEqualTo(2);
        assertThat(s.realtime().itemId(0)).isEqualTo(119);
        assertThat(s.lifelong().itemId(4)).isEqualTo(112); // 20 - 8 = 12 oldest evicted
        assertThat(s.impressions().itemId(1)).isEqualTo(218);
        // an event older than everything kept is evicted at once
        UserHistory h = history(small, events);
        assertThat(h.apply(ev(999, T0 - 50_000, Actions.CLICK), Q, 0)).isFalse();
    }

    @Test
    void sequencesAreNewestFirstWithRealtimeNewerThanLifelong() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            events.add(ev(i, T0 + i * 1_000_000L, Actions.CLICK));
        }
        UserSequences s = history(SequenceLimits.DEFAULT, events).snapshot();
        assertThat(s.realtime().size()).isEqualTo(100);
        assertThat(s.lifelong().size()).isEqualTo(150);
        assertThat(s.realtime().itemId(0)).isEqualTo(249);
        assertThat(s.lifelong().itemId(0)).isEqualTo(149);
        assertThat(s.lifelong().itemId(149)).isZero();
    }
}
