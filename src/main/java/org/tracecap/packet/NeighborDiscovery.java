package org.tracecap.packet;

/**
 * IPv6 neighbour discovery (RFC 4861) for finding the next hop's MAC: writes a Neighbor Solicitation and reads
 * a Neighbor Advertisement.
 *
 * <pre>
 * Neighbor Solicitation (type 135, RFC 4861 section 4.3) / Advertisement (136, section 4.4):
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |R|S|O|                     Reserved (NA; all reserved in NS)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Target Address (128 bits)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Options ...  each: | Type | Length (8-octet units) | value |  (section 4.6)
 * Source (1) / Target (2) Link-Layer Address option on Ethernet:  | 1 or 2 | 1 | MAC (6) |
 * </pre>
 */
public final class NeighborDiscovery {
    /** Ethernet + IPv6 + a Neighbor Solicitation with a source link-layer address option. */
    public static final int SOLICITATION_FRAME = ProbeEncoder.ETHERNET_HEADER + Ipv6View.HEADER + 32;
    public static final int OPTION_SOURCE_LINK_LAYER = 1;
    public static final int OPTION_TARGET_LINK_LAYER = 2;
    /** RFC 4861 section 7.1.1/7.1.2: neighbour discovery is sent and accepted only with hop limit 255. */
    public static final int HOP_LIMIT = 255;

    static final int FLAGS = 4;
    static final int TARGET = 8;
    static final int OPTIONS = 24;
    static final int FLAG_ROUTER = 0x80;
    static final int FLAG_SOLICITED = 0x40;
    static final int FLAG_OVERRIDE = 0x20;
    /** ff02::1:ff00:0/104, the solicited-node multicast prefix (RFC 4291 section 2.7.1). */
    static final long SOLICITED_NODE_HIGH = 0xff02_0000_0000_0000L;
    static final long SOLICITED_NODE_LOW = 0x0000_0001_ff00_0000L;

    private NeighborDiscovery() {
    }

    /** The solicited-node multicast address of {@code target}: ff02::1:ff and its last 24 bits. */
    public static IpAddress solicitedNode(IpAddress target) {
        return IpAddress.ipv6(SOLICITED_NODE_HIGH, SOLICITED_NODE_LOW | (target.low() & 0xff_ffffL));
    }

    /**
     * Writes an Ethernet frame holding a Neighbor Solicitation for {@code target} from {@code source} (RFC 4861
     * section 4.3): to the solicited-node address and its Ethernet multicast 33:33 + last 32 bits (RFC 2464
     * section 7), hop limit 255, the source link-layer address option; returns {@link #SOLICITATION_FRAME}.
     */
    public static int encodeSolicitation(byte[] buf, int off, byte[] sourceMac, IpAddress source, IpAddress target) {
        if (sourceMac.length != 6 || !source.isIpv6() || !target.isIpv6()) {
            throw new IllegalArgumentException("a solicitation needs a 6-byte MAC and IPv6 addresses");
        }
        ProbeEncoder.requireRoom(buf, off, SOLICITATION_FRAME);
        IpAddress group = solicitedNode(target);
        byte[] multicast = {0x33, 0x33, 0, 0, 0, 0};
        Bytes.put32(multicast, 2, group.low());
        ProbeEncoder.writeEthernet(buf, off, multicast, sourceMac, LinkLayer.ETHERTYPE_IPV6);
        int ip = off + ProbeEncoder.ETHERNET_HEADER;
        int icmpLength = 32;
        ProbeEncoder.writeIpv6(buf, ip, icmpLength, 0, 0, IpProtocol.ICMPV6, HOP_LIMIT, source, group);
        int icmp = ip + Ipv6View.HEADER;
        Bytes.put8(buf, icmp + IcmpView.TYPE, Icmpv6Type.NEIGHBOR_SOLICITATION);
        Bytes.put8(buf, icmp + IcmpView.CODE, 0);
        Bytes.put16(buf, icmp + IcmpView.CHECKSUM, 0);
        Bytes.put32(buf, icmp + FLAGS, 0);
        Bytes.put64(buf, icmp + TARGET, target.high());
        Bytes.put64(buf, icmp + TARGET + 8, target.low());
        Bytes.put8(buf, icmp + OPTIONS, OPTION_SOURCE_LINK_LAYER);
        Bytes.put8(buf, icmp + OPTIONS + 1, 1);
        System.arraycopy(sourceMac, 0, buf, icmp + OPTIONS + 2, 6);
        int pseudo = Checksum.pseudoHeaderSum(source, group, IpProtocol.ICMPV6, icmpLength);
        Bytes.put16(buf, icmp + IcmpView.CHECKSUM, ~Checksum.sum(buf, icmp, icmpLength, pseudo) & 0xffff);
        return SOLICITATION_FRAME;
    }

    /**
     * A Neighbor Advertisement read from the ICMPv6 message at {@code off} with {@code len} bytes: validated in
     * the factory (type 136, 24 bytes, options of non-zero length inside the message), no copy.
     */
    public static final class Advertisement {
        private final byte[] b;
        private final int off;
        /** Absolute offset of the target link-layer address option's MAC, -1 when none. */
        private final int targetMac;

        private Advertisement(byte[] b, int off, int targetMac) {
            this.b = b;
            this.off = off;
            this.targetMac = targetMac;
        }

        /**
         * @throws PacketException "not a Neighbor Advertisement", "Neighbor Advertisement past capture",
         *                         "ND option length 0" (RFC 4861 section 4.6: such a packet is discarded),
         *                         "ND option past capture"
         */
        public static Advertisement of(byte[] b, int off, int len) {
            int available = Math.min(len, b.length - off);
            PacketException.requireLength("NDP", off, OPTIONS, available, "Neighbor Advertisement past capture");
            if (Bytes.u8(b, off) != Icmpv6Type.NEIGHBOR_ADVERTISEMENT) {
                throw new PacketException("NDP", off, "not a Neighbor Advertisement", "type " + Bytes.u8(b, off));
            }
            int targetMac = -1;
            int at = off + OPTIONS;
            int end = off + available;
            while (at + 2 <= end) {
                int units = Bytes.u8(b, at + 1);
                if (units == 0) {
                    throw new PacketException("NDP", at, "ND option length 0");
                }
                if (at + units * 8 > end) {
                    throw new PacketException("NDP", at, "ND option past capture",
                            "option needs " + units * 8 + " bytes, " + (end - at) + " captured");
                }
                if (Bytes.u8(b, at) == OPTION_TARGET_LINK_LAYER && targetMac < 0) {
                    targetMac = at + 2;
                }
                at += units * 8;
            }
            return new Advertisement(b, off, targetMac);
        }

        public boolean router() {
            return (Bytes.u8(b, off + FLAGS) & FLAG_ROUTER) != 0;
        }

        /** Sent in answer to a solicitation (section 4.4). */
        public boolean solicited() {
            return (Bytes.u8(b, off + FLAGS) & FLAG_SOLICITED) != 0;
        }

        /** The advertisement should override a cached link-layer address. */
        public boolean override() {
            return (Bytes.u8(b, off + FLAGS) & FLAG_OVERRIDE) != 0;
        }

        public IpAddress target() {
            return IpAddress.ipv6At(b, off + TARGET);
        }

        public boolean hasTargetLinkLayerAddress() {
            return targetMac >= 0;
        }

        /** The target link-layer address option's 6 bytes (a new array); throws when there is none. */
        public byte[] targetLinkLayerAddress() {
            if (targetMac < 0) {
                throw new IllegalStateException("no target link-layer address option");
            }
            return java.util.Arrays.copyOfRange(b, targetMac, targetMac + 6);
        }
    }
}
