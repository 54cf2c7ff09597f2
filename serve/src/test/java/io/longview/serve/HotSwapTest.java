package io.longview.serve;

import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HotSwapTest {
    static final class Resource implements AutoCloseable {
        final int id;
        final AtomicInteger closes = new AtomicInteger();

        Resource(int id) {
            this.id = id;
        }

        boolean closed() {
            return closes.get() > 0;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void theOldValueClosesAfterItsLastLease() {
        Resource a = new Resource(1);
        Resource b = new Resource(2);
        HotSwap<Resource> slot = new HotSwap<>(a);
        HotSwap.Lease<Resource> l1 = slot.acquire();
        HotSwap.Lease<Resource> l2 = slot.acquire();
        slot.swap(b);
        try (HotSwap.Lease<Resource> l3 = slot.acquire()) {
            assertThat(l3.value()).isSameAs(b);
        }
        assertThat(a.closed()).isFalse();
        l1.close();
        l1.close(); // idempotent
        assertThat(a.closed()).isFalse();
        assertThat(l2.value()).isSameAs(a);
        l2.close();
        assertThat(a.closes.get()).isEqualTo(1);
        assertThat(b.closed()).isFalse();
        slot.close();
        assertThat(b.closes.get()).isEqualTo(1);
        assertThatThrownBy(slot::acquire).isInstanceOf(IllegalStateException.class);
        Resource c = new Resource(3);
        assertThatThrownBy(() -> slot.swap(c)).isInstanceOf(IllegalStateException.class);
        assertThat(c.closes.get()).isEqualTo(1);
    }

    @Test
    void noReaderEverSeesAClosedValueAndEachValueClosesOnce() throws InterruptedException {
        long seed = Seeds.seed(7);
        List<Resource> all = new ArrayList<>();
        Resource first = new Resource(0);
        all.add(first);
        HotSwap<Resource> slot = new HotSwap<>(first);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicInteger uses = new AtomicInteger();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            SplittableRandom rnd = new SplittableRandom(seed + t);
            readers.add(Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    try (HotSwap.Lease<Resource> l = slot.acquire()) {
                        for (int k = rnd.nextInt(50); k > 0; k--) {
                            if (l.value().closed()) {
                                failure.set("resource " + l.value().id + " used after close (seed " + seed + ")");
                            }
                            Thread.onSpinWait();
                        }
                        uses.incrementAndGet();
                    }
                }
            }));
        }
        for (int i = 1; i <= 2000; i++) {
            Resource r = new Resource(i);
            all.add(r);
            slot.swap(r);
        }
        stop.set(true);
        for (Thread t : readers) {
            t.join();
        }
        slot.close();
        assertThat(failure.get()).isNull();
        assertThat(uses.get()).isPositive();
        for (Resource r : all) {
            assertThat(r.closes.get()).as("closes of resource %d (seed %d)", r.id, seed).isEqualTo(1);
        }
    }
}
