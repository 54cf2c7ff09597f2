package io.longview.examples;

import io.longview.core.model.Event;
import io.longview.data.io.EventSource;
import io.longview.data.io.EventSources;

import java.util.List;

/** {@link EventSources#of} that remembers whether it was closed (the builder must close its source). */
final class ListEventSource implements EventSource {
    private final EventSource delegate;
    boolean closed;

    ListEventSource(List<Event> events) {
        this.delegate = EventSources.of(events);
    }

    @Override
    public boolean hasNext() {
        return delegate.hasNext();
    }

    @Override
    public Event next() {
        return delegate.next();
    }

    @Override
    public void close() {
        delegate.close();
        closed = true;
    }
}
