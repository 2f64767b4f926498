package org.tracecap.trace;

import java.io.IOException;
import java.util.List;

import org.tracecap.model.Trace;

/**
 * The packet port failed during a trace (Linux: the interface went down and sending fails with ENETDOWN):
 * the traces as far as they got, each ended "incomplete" with the hops learned before the failure, so that
 * they can still be printed and written. The message is the port's.
 */
public final class PortFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient List<Trace> traces;

    public PortFailedException(IOException cause, List<Trace> traces) {
        super(cause.getMessage(), cause);
        this.traces = List.copyOf(traces);
    }

    /** The traces run so far, the last one cut short by the failure. */
    public List<Trace> traces() {
        return traces;
    }
}
