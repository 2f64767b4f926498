package org.tracecap.packet;

/**
 * Hex of real frames from {@code captures/} (tshark -x), made on Linux routers in namespaces by
 * captures/make-captures.sh. Each constant names its file and frame number.
 */
public final class RealFrames {
    private RealFrames() {
    }

    /** straight-traceroute-udp.pcap frame 3: UDP probe 198.18.1.1:37888 -> 198.18.5.2:33434, TTL 1, IP ID 0x54d3. */
    public static final String UDP_PROBE =
            "02 00 c6 12 01 02 02 00 c6 12 01 01 08 00 45 00 00 3c 54 d3 00 00 01 11 d2 b6 c6 12 01 01 c6 12"
            + "05 02 94 00 82 9a 00 28 61 d6 40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50 51 52 53 54 55"
            + "56 57 58 59 5a 5b 5c 5d 5e 5f";

    /** straight-traceroute-udp.pcap frame 4: Time Exceeded from r1 198.18.1.2 quoting frame 3 whole. */
    public static final String TIME_EXCEEDED =
            "02 00 c6 12 01 01 02 00 c6 12 01 02 08 00 45 c0 00 58 a5 23 00 00 40 01 46 9a c6 12 01 02 c6 12"
            + "01 01 0b 00 87 61 00 00 00 00 45 00 00 3c 54 d3 00 00 01 11 d2 b6 c6 12 01 01 c6 12 05 02 94 00"
            + "82 9a 00 28 61 d6 40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50 51 52 53 54 55 56 57 58 59"
            + "5a 5b 5c 5d 5e 5f";

    /** prohibited-traceroute-udp.pcap frame 28: Destination Unreachable code 13 (!X) from the server. */
    public static final String ADMIN_PROHIBITED =
            "02 00 c6 12 01 01 02 00 c6 12 01 02 08 00 45 c0 00 58 78 ef 00 00 3c 01 72 ce c6 12 05 02 c6 12"
            + "01 01 03 0d 8f 54 00 00 00 00 45 00 00 3c 3b ec 00 00 01 11 eb 9d c6 12 01 01 c6 12 05 02 b0 93"
            + "82 a6 00 28 45 37 40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50 51 52 53 54 55 56 57 58 59"
            + "5a 5b 5c 5d 5e 5f";

    /** straight-traceroute-tcp.pcap frame 27: SYN 39547 -> 80, seq 1598006561, TTL 5, options mss/sack/TS/ws. */
    public static final String TCP_SYN =
            "02 00 c6 12 01 02 02 00 c6 12 01 01 08 00 45 00 00 3c 1e c9 00 00 05 06 04 cc c6 12 01 01 c6 12"
            + "05 02 9a 7b 00 50 5f 3f a5 21 00 00 00 00 a0 02 16 d0 e0 bc 00 00 02 04 05 b4 04 02 08 0a 2e 47"
            + "f0 dc 00 00 00 00 01 03 03 02";

    /** straight-traceroute-tcp.pcap frame 28: RST-ACK 80 -> 39547 answering frame 27, ack 1598006562. */
    public static final String TCP_RST =
            "02 00 c6 12 01 01 02 00 c6 12 01 02 08 00 45 00 00 28 00 00 40 00 3c 06 ac a8 c6 12 05 02 c6 12"
            + "01 01 00 50 9a 7b 00 00 00 00 5f 3f a5 22 50 14 00 00 7e 7b 00 00";

    /** straight-traceroute-icmp.pcap frame 27: Echo Request id 0x6724 seq 13, TTL 5. */
    public static final String ECHO_REQUEST =
            "02 00 c6 12 01 02 02 00 c6 12 01 01 08 00 45 00 00 3c 36 90 00 00 05 01 ed 09 c6 12 01 01 c6 12"
            + "05 02 08 00 1b 49 67 24 00 0d 48 49 4a 4b 4c 4d 4e 4f 50 51 52 53 54 55 56 57 58 59 5a 5b 5c 5d"
            + "5e 5f 60 61 62 63 64 65 66 67";

    /** straight-traceroute-icmp.pcap frame 28: Echo Reply id 0x6724 seq 13 from 198.18.5.2, TTL 60. */
    public static final String ECHO_REPLY =
            "02 00 c6 12 01 01 02 00 c6 12 01 02 08 00 45 00 00 3c 3e 96 00 00 3c 01 ae 03 c6 12 05 02 c6 12"
            + "01 01 00 00 23 49 67 24 00 0d 48 49 4a 4b 4c 4d 4e 4f 50 51 52 53 54 55 56 57 58 59 5a 5b 5c 5d"
            + "5e 5f 60 61 62 63 64 65 66 67";

    /** straight-traceroute-udp-any.pcap frame 3 (LINUX_SLL2, ifindex 2): UDP probe 37555 -> 33434. */
    public static final String SLL2_UDP_PROBE =
            "08 00 00 00 00 00 00 02 00 01 04 06 02 00 c6 12 01 01 00 00 45 00 00 3c ed d7 00 00 01 11 39 b2"
            + "c6 12 01 01 c6 12 05 02 92 b3 82 9a 00 28 63 23 40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f"
            + "50 51 52 53 54 55 56 57 58 59 5a 5b 5c 5d 5e 5f";

    /** vlan-traceroute-udp.pcap frame 3: 802.1Q VID 100 tagged UDP probe 41303 -> 33434. */
    public static final String VLAN_UDP_PROBE =
            "02 00 c6 12 01 02 02 00 c6 12 01 01 81 00 00 64 08 00 45 00 00 3c 8f bd 00 00 01 11 97 cc c6 12"
            + "01 01 c6 12 05 02 a1 57 82 9a 00 28 54 7f 40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50 51"
            + "52 53 54 55 56 57 58 59 5a 5b 5c 5d 5e 5f";

    /** straight-traceroute-udp.pcap frame 1: ARP request for 198.18.1.2. */
    public static final String ARP_REQUEST =
            "ff ff ff ff ff ff 02 00 c6 12 01 01 08 06 00 01 08 00 06 04 00 01 02 00 c6 12 01 01 c6 12 01 01"
            + "00 00 00 00 00 00 c6 12 01 02";

    public static byte[] bytes(String hex) {
        return Bytes.fromHex(hex);
    }
}
