package org.tracecap.model;

import java.util.List;
import java.util.Objects;
import org.tracecap.packet.IcmpExtension;
import org.tracecap.packet.IpAddress;

/**
 * One probe and what came back for it. Fields of the reply are null when no reply was attributed
 * ({@code *} in the text output); fields that do not apply to the probe's protocol are null too.
 *
 * <ul>
 *   <li>{@code ttl}: the probe's IP TTL</li>
 *   <li>{@code sendTimeNanos}: capture time of the probe, nanoseconds since the Unix epoch</li>
 *   <li>{@code ipId}: the probe's IP identification</li>
 *   <li>{@code sourcePort}, {@code destinationPort}: UDP/TCP ports, null for ICMP</li>
 *   <li>{@code icmpId}, {@code icmpSequence}: ICMP Echo identifier and sequence number, null for UDP/TCP</li>
 *   <li>{@code udpChecksum}: the UDP checksum the probe left with, null for ICMP/TCP, and null when the
 *       capture holds a partial checksum (transmit checksum offload) of a datagram it did not capture whole</li>
 *   <li>{@code capturedUdpChecksum}: the UDP checksum field as captured, only when it was a partial checksum
 *       (then {@code udpChecksum}, when known, is the one worked out from the datagram); null otherwise</li>
 *   <li>{@code size}: the probe's IP total length in bytes</li>
 *   <li>{@code flowLabel}: an IPv6 probe's flow label (RFC 6437), null for IPv4 (set by a {@link Builder})</li>
 *   <li>{@code rttNanos}: reply capture time minus probe capture time, null when unanswered</li>
 *   <li>{@code responder}: the reply's source address (either family), null when unanswered</li>
 *   <li>{@code icmpType}, {@code icmpCode}: the reply's ICMP type and code, null when unanswered or the
 *       reply was TCP</li>
 *   <li>{@code tcpFlags}: the flags of a TCP reply (SYN-ACK or RST), null otherwise</li>
 *   <li>{@code annotation}: traceroute's annotation ({@code !H}, {@code !X}, ...), "" when none, null when
 *       unanswered</li>
 *   <li>{@code replyTtl}: the IP TTL of the reply as received</li>
 *   <li>{@code quotedTtl}: the TTL of the probe as quoted in the ICMP error (1 at the router that dropped it)</li>
 *   <li>{@code quotedIpId}: the IP identification as quoted</li>
 *   <li>{@code quotedUdpChecksum}: the UDP checksum as quoted (differs from {@code udpChecksum} behind a NAT)</li>
 *   <li>{@code replySize}: the reply's IP total length in bytes</li>
 *   <li>{@code extensions}: RFC 4884 extension objects of the reply (MPLS decoded per RFC 4950), empty when
 *       none</li>
 * </ul>
 *
 * <p>Immutable, with value equality over all fields. The optional numbers are kept as primitives with a
 * mask of those present: a replay makes one result per probe, hundreds of thousands, and their writers
 * read them without boxing, through {@link #has} and the {@code ...Or(absent)} accessors; the boxed
 * accessors are for everyone else. Results are made by the public constructor or, without boxing, by a {@link Builder}.
 */
public final class ProbeResult {
    // The optional fields, for {@link #has}.
    public static final int HAS_SOURCE_PORT = 1;
    public static final int HAS_DESTINATION_PORT = 1 << 1;
    public static final int HAS_ICMP_ID = 1 << 2;
    public static final int HAS_ICMP_SEQUENCE = 1 << 3;
    public static final int HAS_UDP_CHECKSUM = 1 << 4;
    public static final int HAS_RTT = 1 << 5;
    public static final int HAS_RESPONDER = 1 << 6;
    public static final int HAS_ICMP_TYPE = 1 << 7;
    public static final int HAS_ICMP_CODE = 1 << 8;
    public static final int HAS_TCP_FLAGS = 1 << 9;
    public static final int HAS_REPLY_TTL = 1 << 10;
    public static final int HAS_QUOTED_TTL = 1 << 11;
    public static final int HAS_QUOTED_IP_ID = 1 << 12;
    public static final int HAS_QUOTED_UDP_CHECKSUM = 1 << 13;
    public static final int HAS_REPLY_SIZE = 1 << 14;
    public static final int HAS_CAPTURED_UDP_CHECKSUM = 1 << 15;
    public static final int HAS_FLOW_LABEL = 1 << 16;

    private final int ttl;
    private final long sendTimeNanos;
    private final int ipId;
    private final int sourcePort;
    private final int destinationPort;
    private final int icmpId;
    private final int icmpSequence;
    private final int udpChecksum;
    private final int capturedUdpChecksum;
    private final int flowLabel;
    private final int size;
    private final long rttNanos;
    private final IpAddress responder;
    private final int icmpType;
    private final int icmpCode;
    private final int tcpFlags;
    private final String annotation;
    private final int replyTtl;
    private final int quotedTtl;
    private final int quotedIpId;
    private final int quotedUdpChecksum;
    private final int replySize;
    private final List<IcmpExtension> extensions;
    /** Which optional fields are present (the bits above). */
    private final int present;

    /**
     * Every field but {@code capturedUdpChecksum}, left absent (a {@link Builder} sets it); a null optional
     * field is absent (see the class comment).
     */
    public ProbeResult(int ttl, long sendTimeNanos, int ipId, Integer sourcePort, Integer destinationPort,
            Integer icmpId, Integer icmpSequence, Integer udpChecksum, int size, Long rttNanos, IpAddress responder,
            Integer icmpType, Integer icmpCode, Integer tcpFlags, String annotation, Integer replyTtl,
            Integer quotedTtl, Integer quotedIpId, Integer quotedUdpChecksum, Integer replySize,
            List<IcmpExtension> extensions) {
        this.ttl = ttl;
        this.sendTimeNanos = sendTimeNanos;
        this.ipId = ipId;
        this.size = size;
        this.annotation = annotation;
        this.extensions = extensions == null ? List.of() : List.copyOf(extensions);
        int mask = 0;
        this.sourcePort = sourcePort == null ? 0 : sourcePort;
        mask |= sourcePort == null ? 0 : HAS_SOURCE_PORT;
        this.destinationPort = destinationPort == null ? 0 : destinationPort;
        mask |= destinationPort == null ? 0 : HAS_DESTINATION_PORT;
        this.icmpId = icmpId == null ? 0 : icmpId;
        mask |= icmpId == null ? 0 : HAS_ICMP_ID;
        this.icmpSequence = icmpSequence == null ? 0 : icmpSequence;
        mask |= icmpSequence == null ? 0 : HAS_ICMP_SEQUENCE;
        this.udpChecksum = udpChecksum == null ? 0 : udpChecksum;
        mask |= udpChecksum == null ? 0 : HAS_UDP_CHECKSUM;
        this.capturedUdpChecksum = 0;
        this.flowLabel = 0;
        this.rttNanos = rttNanos == null ? 0 : rttNanos;
        mask |= rttNanos == null ? 0 : HAS_RTT;
        this.responder = responder;
        mask |= responder == null ? 0 : HAS_RESPONDER;
        this.icmpType = icmpType == null ? 0 : icmpType;
        mask |= icmpType == null ? 0 : HAS_ICMP_TYPE;
        this.icmpCode = icmpCode == null ? 0 : icmpCode;
        mask |= icmpCode == null ? 0 : HAS_ICMP_CODE;
        this.tcpFlags = tcpFlags == null ? 0 : tcpFlags;
        mask |= tcpFlags == null ? 0 : HAS_TCP_FLAGS;
        this.replyTtl = replyTtl == null ? 0 : replyTtl;
        mask |= replyTtl == null ? 0 : HAS_REPLY_TTL;
        this.quotedTtl = quotedTtl == null ? 0 : quotedTtl;
        mask |= quotedTtl == null ? 0 : HAS_QUOTED_TTL;
        this.quotedIpId = quotedIpId == null ? 0 : quotedIpId;
        mask |= quotedIpId == null ? 0 : HAS_QUOTED_IP_ID;
        this.quotedUdpChecksum = quotedUdpChecksum == null ? 0 : quotedUdpChecksum;
        mask |= quotedUdpChecksum == null ? 0 : HAS_QUOTED_UDP_CHECKSUM;
        this.replySize = replySize == null ? 0 : replySize;
        mask |= replySize == null ? 0 : HAS_REPLY_SIZE;
        this.present = mask;
    }

    private ProbeResult(Builder b) {
        ttl = b.ttl;
        sendTimeNanos = b.sendTimeNanos;
        ipId = b.ipId;
        sourcePort = b.sourcePort;
        destinationPort = b.destinationPort;
        icmpId = b.icmpId;
        icmpSequence = b.icmpSequence;
        udpChecksum = b.udpChecksum;
        capturedUdpChecksum = b.capturedUdpChecksum;
        flowLabel = b.flowLabel;
        size = b.size;
        rttNanos = b.rttNanos;
        responder = b.responder;
        icmpType = b.icmpType;
        icmpCode = b.icmpCode;
        tcpFlags = b.tcpFlags;
        annotation = b.annotation;
        replyTtl = b.replyTtl;
        quotedTtl = b.quotedTtl;
        quotedIpId = b.quotedIpId;
        quotedUdpChecksum = b.quotedUdpChecksum;
        replySize = b.replySize;
        extensions = b.extensions;
        present = b.present;
    }

    public int ttl() {
        return ttl;
    }

    public long sendTimeNanos() {
        return sendTimeNanos;
    }

    public int ipId() {
        return ipId;
    }

    public int size() {
        return size;
    }

    public String annotation() {
        return annotation;
    }

    public List<IcmpExtension> extensions() {
        return extensions;
    }

    public Integer sourcePort() {
        return boxed(HAS_SOURCE_PORT, sourcePort);
    }

    public Integer destinationPort() {
        return boxed(HAS_DESTINATION_PORT, destinationPort);
    }

    public Integer icmpId() {
        return boxed(HAS_ICMP_ID, icmpId);
    }

    public Integer icmpSequence() {
        return boxed(HAS_ICMP_SEQUENCE, icmpSequence);
    }

    public Integer udpChecksum() {
        return boxed(HAS_UDP_CHECKSUM, udpChecksum);
    }

    public Integer capturedUdpChecksum() {
        return boxed(HAS_CAPTURED_UDP_CHECKSUM, capturedUdpChecksum);
    }

    public Integer flowLabel() {
        return boxed(HAS_FLOW_LABEL, flowLabel);
    }

    /** Whether the UDP checksum field was captured as a partial checksum (transmit checksum offload). */
    public boolean udpChecksumPartial() {
        return (present & HAS_CAPTURED_UDP_CHECKSUM) != 0;
    }

    public Long rttNanos() {
        return (present & HAS_RTT) != 0 ? rttNanos : null;
    }

    /** The reply's source address, null when unanswered. */
    public IpAddress responder() {
        return responder;
    }

    public Integer icmpType() {
        return boxed(HAS_ICMP_TYPE, icmpType);
    }

    public Integer icmpCode() {
        return boxed(HAS_ICMP_CODE, icmpCode);
    }

    public Integer tcpFlags() {
        return boxed(HAS_TCP_FLAGS, tcpFlags);
    }

    public Integer replyTtl() {
        return boxed(HAS_REPLY_TTL, replyTtl);
    }

    public Integer quotedTtl() {
        return boxed(HAS_QUOTED_TTL, quotedTtl);
    }

    public Integer quotedIpId() {
        return boxed(HAS_QUOTED_IP_ID, quotedIpId);
    }

    public Integer quotedUdpChecksum() {
        return boxed(HAS_QUOTED_UDP_CHECKSUM, quotedUdpChecksum);
    }

    public Integer replySize() {
        return boxed(HAS_REPLY_SIZE, replySize);
    }

    // Unboxed: the value, or {@code absent} when the field is null.

    public int sourcePortOr(int absent) {
        return or(HAS_SOURCE_PORT, sourcePort, absent);
    }

    public int destinationPortOr(int absent) {
        return or(HAS_DESTINATION_PORT, destinationPort, absent);
    }

    public int icmpIdOr(int absent) {
        return or(HAS_ICMP_ID, icmpId, absent);
    }

    public int icmpSequenceOr(int absent) {
        return or(HAS_ICMP_SEQUENCE, icmpSequence, absent);
    }

    public int udpChecksumOr(int absent) {
        return or(HAS_UDP_CHECKSUM, udpChecksum, absent);
    }

    public int flowLabelOr(int absent) {
        return or(HAS_FLOW_LABEL, flowLabel, absent);
    }

    public int capturedUdpChecksumOr(int absent) {
        return or(HAS_CAPTURED_UDP_CHECKSUM, capturedUdpChecksum, absent);
    }

    public long rttNanosOr(long absent) {
        return (present & HAS_RTT) != 0 ? rttNanos : absent;
    }

    public int icmpTypeOr(int absent) {
        return or(HAS_ICMP_TYPE, icmpType, absent);
    }

    public int icmpCodeOr(int absent) {
        return or(HAS_ICMP_CODE, icmpCode, absent);
    }

    public int replyTtlOr(int absent) {
        return or(HAS_REPLY_TTL, replyTtl, absent);
    }

    public int quotedTtlOr(int absent) {
        return or(HAS_QUOTED_TTL, quotedTtl, absent);
    }

    public int quotedIpIdOr(int absent) {
        return or(HAS_QUOTED_IP_ID, quotedIpId, absent);
    }

    public int quotedUdpChecksumOr(int absent) {
        return or(HAS_QUOTED_UDP_CHECKSUM, quotedUdpChecksum, absent);
    }

    public int replySizeOr(int absent) {
        return or(HAS_REPLY_SIZE, replySize, absent);
    }

    /** Whether the optional field {@code field} ({@code HAS_...}) is present (its boxed accessor not null). */
    public boolean has(int field) {
        return (present & field) == field;
    }

    public boolean answered() {
        return (present & HAS_RESPONDER) != 0;
    }

    /** HAS_RTT in milliseconds, null when unanswered. */
    public Double rttMillis() {
        return (present & HAS_RTT) != 0 ? rttNanos / 1_000_000.0 : null;
    }

    private Integer boxed(int bit, int value) {
        return (present & bit) != 0 ? value : null;
    }

    private int or(int bit, int value, int absent) {
        return (present & bit) != 0 ? value : absent;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProbeResult r && r.present == present && r.ttl == ttl
                && r.sendTimeNanos == sendTimeNanos && r.ipId == ipId && r.sourcePort == sourcePort
                && r.destinationPort == destinationPort && r.icmpId == icmpId && r.icmpSequence == icmpSequence
                && r.udpChecksum == udpChecksum && r.capturedUdpChecksum == capturedUdpChecksum && r.flowLabel == flowLabel && r.size == size
                && r.rttNanos == rttNanos && Objects.equals(r.responder, responder) && r.icmpType == icmpType
                && r.icmpCode == icmpCode
                && r.tcpFlags == tcpFlags && Objects.equals(r.annotation, annotation) && r.replyTtl == replyTtl
                && r.quotedTtl == quotedTtl && r.quotedIpId == quotedIpId
                && r.quotedUdpChecksum == quotedUdpChecksum && r.replySize == replySize
                && r.extensions.equals(extensions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ttl, sendTimeNanos, ipId, sourcePort, destinationPort, icmpId, icmpSequence,
                udpChecksum, capturedUdpChecksum, flowLabel, size, rttNanos, responder, icmpType, icmpCode, tcpFlags, annotation,
                replyTtl, quotedTtl, quotedIpId, quotedUdpChecksum, replySize, extensions, present);
    }

    @Override
    public String toString() {
        return "ProbeResult[ttl=" + ttl + ", sendTimeNanos=" + sendTimeNanos + ", ipId=" + ipId
                + ", sourcePort=" + sourcePort() + ", destinationPort=" + destinationPort() + ", icmpId=" + icmpId()
                + ", icmpSequence=" + icmpSequence() + ", udpChecksum=" + udpChecksum()
                + ", capturedUdpChecksum=" + capturedUdpChecksum() + ", flowLabel=" + flowLabel() + ", size=" + size
                + ", rttNanos=" + rttNanos() + ", responder=" + responder() + ", icmpType=" + icmpType()
                + ", icmpCode=" + icmpCode() + ", tcpFlags=" + tcpFlags() + ", annotation=" + annotation
                + ", replyTtl=" + replyTtl() + ", quotedTtl=" + quotedTtl() + ", quotedIpId=" + quotedIpId()
                + ", quotedUdpChecksum=" + quotedUdpChecksum() + ", replySize=" + replySize()
                + ", extensions=" + extensions + "]";
    }

    /**
     * Makes results without boxing: set the probe, then what applies, then {@link #build()}, which also
     * clears the builder for the next result. Not thread-safe; one builder may make any number of results.
     */
    public static final class Builder {
        private int ttl;
        private long sendTimeNanos;
        private int ipId;
        private int sourcePort;
        private int destinationPort;
        private int icmpId;
        private int icmpSequence;
        private int udpChecksum;
        private int capturedUdpChecksum;
        private int flowLabel;
        private int size;
        private long rttNanos;
        private IpAddress responder;
        private int icmpType;
        private int icmpCode;
        private int tcpFlags;
        private String annotation;
        private int replyTtl;
        private int quotedTtl;
        private int quotedIpId;
        private int quotedUdpChecksum;
        private int replySize;
        private List<IcmpExtension> extensions = List.of();
        private int present;

        /** The probe as sent: its TTL, send time, IP identification and IP total length. */
        public Builder probe(int ttl, long sendTimeNanos, int ipId, int size) {
            this.ttl = ttl;
            this.sendTimeNanos = sendTimeNanos;
            this.ipId = ipId;
            this.size = size;
            return this;
        }

        /** A UDP or TCP probe's ports. */
        public Builder ports(int sourcePort, int destinationPort) {
            this.sourcePort = sourcePort;
            this.destinationPort = destinationPort;
            present |= HAS_SOURCE_PORT | HAS_DESTINATION_PORT;
            return this;
        }

        /** An ICMP Echo probe's identifier and sequence number. */
        public Builder echo(int icmpId, int icmpSequence) {
            this.icmpId = icmpId;
            this.icmpSequence = icmpSequence;
            present |= HAS_ICMP_ID | HAS_ICMP_SEQUENCE;
            return this;
        }

        /** The UDP checksum a probe left with. */
        public Builder udpChecksum(int udpChecksum) {
            this.udpChecksum = udpChecksum;
            present |= HAS_UDP_CHECKSUM;
            return this;
        }

        /** The UDP checksum field as captured, when it was a partial checksum (transmit checksum offload). */
        public Builder capturedUdpChecksum(int capturedUdpChecksum) {
            this.capturedUdpChecksum = capturedUdpChecksum;
            present |= HAS_CAPTURED_UDP_CHECKSUM;
            return this;
        }

        /** An IPv6 probe's flow label. */
        public Builder flowLabel(int flowLabel) {
            this.flowLabel = flowLabel;
            present |= HAS_FLOW_LABEL;
            return this;
        }

        /** The reply: its HAS_RTT, source address, IP TTL as received and IP total length. */
        public Builder reply(long rttNanos, IpAddress responder, int replyTtl, int replySize) {
            this.rttNanos = rttNanos;
            this.responder = responder;
            this.replyTtl = replyTtl;
            this.replySize = replySize;
            present |= HAS_RTT | HAS_RESPONDER | HAS_REPLY_TTL | HAS_REPLY_SIZE;
            return this;
        }

        /** An ICMP reply's type, code and traceroute annotation ("" when none). */
        public Builder icmp(int icmpType, int icmpCode, String annotation) {
            this.icmpType = icmpType;
            this.icmpCode = icmpCode;
            this.annotation = annotation;
            present |= HAS_ICMP_TYPE | HAS_ICMP_CODE;
            return this;
        }

        /** A TCP reply's flags (its annotation is ""). */
        public Builder tcpFlags(int tcpFlags) {
            this.tcpFlags = tcpFlags;
            this.annotation = "";
            present |= HAS_TCP_FLAGS;
            return this;
        }

        /** What an ICMP error quotes of the probe: its TTL and IP identification. */
        public Builder quote(int quotedTtl, int quotedIpId) {
            this.quotedTtl = quotedTtl;
            this.quotedIpId = quotedIpId;
            present |= HAS_QUOTED_TTL | HAS_QUOTED_IP_ID;
            return this;
        }

        /** The UDP checksum an ICMP error quotes. */
        public Builder quotedUdpChecksum(int quotedUdpChecksum) {
            this.quotedUdpChecksum = quotedUdpChecksum;
            present |= HAS_QUOTED_UDP_CHECKSUM;
            return this;
        }

        /** The reply's RFC 4884 extensions (already immutable, as the classifier makes them). */
        public Builder extensions(List<IcmpExtension> extensions) {
            this.extensions = List.copyOf(extensions);
            return this;
        }

        /** The result, and a cleared builder. */
        public ProbeResult build() {
            ProbeResult r = new ProbeResult(this);
            sourcePort = destinationPort = icmpId = icmpSequence = udpChecksum = capturedUdpChecksum = 0;
            rttNanos = 0;
            responder = null;
            icmpType = icmpCode = tcpFlags = replyTtl = quotedTtl = quotedIpId = 0;
            quotedUdpChecksum = replySize = 0;
            annotation = null;
            extensions = List.of();
            present = 0;
            return r;
        }
    }
}
