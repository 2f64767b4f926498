package org.tracecap.trace;

import org.tracecap.model.Hop;

/** Told of each hop of a live trace as soon as it is settled, in TTL order (see {@link Tracer}). */
@FunctionalInterface
public interface HopListener {
    /** Called on the tracing thread; a slow listener delays the trace, so print and return. */
    void hopSettled(Hop hop);
}
