package org.tracecap.model;

import java.util.List;
import java.util.Map;
import org.tracecap.packet.IpAddress;

/**
 * One traceroute run: every probe from {@code source} to {@code destination} of one method, grouped by TTL.
 *
 * @param source         the probes' source address
 * @param destination    the probes' destination address
 * @param method         how it probed and how its probes were told apart
 * @param startTimeNanos capture time of its first probe, nanoseconds since the Unix epoch
 * @param endTimeNanos   capture time of its last probe or reply
 * @param stop           why it ended
 * @param hops           one entry per TTL from the lowest probed to the highest, gaps included (empty probes)
 * @param live           facts of a live trace (interface, source MAC, gateway MAC), empty for replay
 */
public record Trace(
        IpAddress source,
        IpAddress destination,
        Method method,
        long startTimeNanos,
        long endTimeNanos,
        StopReason stop,
        List<Hop> hops,
        Map<String, String> live) {

    public Trace {
        hops = List.copyOf(hops);
        live = live == null ? Map.of() : Map.copyOf(live);
    }
}
