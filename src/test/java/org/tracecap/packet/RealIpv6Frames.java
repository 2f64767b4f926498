package org.tracecap.packet;

/**
 * Hex of real IPv6 frames (tshark -x), recorded with tcpdump on the client's veth of a three-namespace chain
 * (client 2001:db8:1::1, router 2001:db8:1::2 / 2001:db8:2::1, server 2001:db8:2::2, addresses added with
 * nodad) while {@code traceroute -6 -n -q 1 -m 3 2001:db8:2::2} and {@code traceroute -6 -I ...} (Linux
 * traceroute 2.1) ran. Each constant names its frame number in that recording.
 */
public final class RealIpv6Frames {
    private RealIpv6Frames() {
    }

    /** Frame 7: UDP probe 2001:db8:1::1.43619 -> 2001:db8:2::2.33434, hop limit 1, flow label 0xf61de. */
    public static final String UDP_PROBE =
            "4e0a23e28debb2a89e7fac8186dd600f61de0028110120010db800010000000000000000000120010db80002000000000000"
            + "00000002aa63829a00285bb1404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f";

    /** Frame 8: Time Exceeded (3/0) from the router 2001:db8:1::2 quoting frame 7 whole. */
    public static final String TIME_EXCEEDED =
            "b2a89e7fac814e0a23e28deb86dd600523e600583a4020010db800010000000000000000000220010db80001000000000000"
            + "000000010300f48a00000000600f61de0028110120010db800010000000000000000000120010db80002000000000000"
            + "00000002aa63829a00285bb1404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f";

    /** Frame 15: Destination Unreachable port (1/4) from the server for the probe to port 33435. */
    public static final String PORT_UNREACHABLE =
            "b2a89e7fac814e0a23e28deb86dd6007ef6b00583a3f20010db800020000000000000000000220010db80001000000000000"
            + "00000001010431b30000000060033df10028110120010db800010000000000000000000120010db80002000000000000"
            + "00000002932e829b00285bb1404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f";

    /** Frame 17: traceroute -6 -I Echo Request id 0x05e9 seq 1, hop limit 1. */
    public static final String ECHO_REQUEST =
            "4e0a23e28debb2a89e7fac8186dd600e20fc00283a0120010db800010000000000000000000120010db80002000000000000"
            + "000000028000a8b505e9000148494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f6061626364656667";

    /** Frame 20: Echo Reply id 0x05e9 seq 2 from the server, hop limit 63. */
    public static final String ECHO_REPLY =
            "b2a89e7fac814e0a23e28deb86dd600a8fa700283a3f20010db800020000000000000000000220010db80001000000000000"
            + "000000018100a7b405e9000248494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f6061626364656667";

    /** Frame 5: Neighbor Solicitation for 2001:db8:1::2 to ff02::1:ff00:2, source link-layer option. */
    public static final String NEIGHBOR_SOLICITATION =
            "3333ff000002b2a89e7fac8186dd6000000000203aff20010db8000100000000000000000001ff0200000000000000000001"
            + "ff0000028700207c0000000020010db80001000000000000000000020101b2a89e7fac81";

    /** Frame 6: Neighbor Advertisement (router, solicited, override) for 2001:db8:1::2, target link-layer option. */
    public static final String NEIGHBOR_ADVERTISEMENT =
            "b2a89e7fac814e0a23e28deb86dd6000000000203aff20010db800010000000000000000000220010db80001000000000000"
            + "0000000188000c98e000000020010db800010000000000000000000202014e0a23e28deb";

    /** Frame 2: MLDv2 report from :: to ff02::16 behind a Hop-by-Hop header (Router Alert, RFC 2711). */
    public static final String MLD_HOP_BY_HOP =
            "333300000016b2a89e7fac8186dd600000000038000100000000000000000000000000000000ff0200000000000000000000"
            + "000000163a000502000001008f00c06e0000000204000000ff0200000000000000000001ff7fac8104000000ff0200"
            + "000000000000000001ff000001";
}
