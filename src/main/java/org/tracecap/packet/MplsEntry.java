package org.tracecap.packet;

/**
 * One MPLS label stack entry quoted in an ICMP extension (RFC 4950 section 5, class 1, c-type 1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Label                  | TC  |S|      TTL      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record MplsEntry(int label, int trafficClass, boolean bottomOfStack, int ttl) {
    public MplsEntry {
        if (label < 0 || label > 0xFFFFF) {
            throw new IllegalArgumentException("MPLS label out of range: " + label);
        }
        if (trafficClass < 0 || trafficClass > 7) {
            throw new IllegalArgumentException("MPLS TC out of range: " + trafficClass);
        }
        if (ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException("MPLS TTL out of range: " + ttl);
        }
    }
}
