package io.longview.examples;

import io.longview.core.model.Event;
import io.longview.data.io.EventSource;

import java.util.Iterator;
import java.util.List;

/** An {@link EventSource} over events in memory, in the list's order. */
final class ListEventSource implements EventSource {
    private final Iterator<Event> it;
    boolean closed;

    ListEventSource(List<Event> events) {
        this.it = events.iterator();
    }

    @Override
    public boolean hasNext() {
        return it.hasNext();
    }

    @Override
    public Event next() {
        return it.next();
    }

    @Override
    public void close() {
        closed = true;
    }
}
