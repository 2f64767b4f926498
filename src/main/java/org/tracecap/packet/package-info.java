/**
 * Wire formats as views over bytes, and the encoders that write probes and replies: no I/O at all.
 *
 * <p>Views read a caller's {@code byte[]} at an offset without copying: Ethernet II with IEEE 802.1Q
 * and 802.1ad tags, MPLS label stacks (RFC 3032) and PPPoE sessions (RFC 2516), Linux cooked capture (SLL,
 * SLL2), PPP (IPv6 over PPP: RFC 5072), Cisco HDLC, BSD loopback and raw IP, both families
 * ({@link org.tracecap.packet.LinkLayer#network}),
 * IPv4 (RFC 791, {@link org.tracecap.packet.Ipv4View}), IPv6 and its extension headers (RFC 8200, RFC 4302
 * AH lengths, RFC 6437 flow label: {@link org.tracecap.packet.Ipv6View}), UDP (RFC 768, {@link org.tracecap.packet.UdpView}),
 * TCP (RFC 9293, {@link org.tracecap.packet.TcpView}), ICMP (RFC 792, RFC 1191 next-hop MTU, RFC 4884
 * extended messages: {@link org.tracecap.packet.IcmpView}, {@link org.tracecap.packet.IcmpExtensions}, with
 * RFC 4950 MPLS label stacks), ICMPv6 (RFC 4443, RFC 4884 section 4.1: the same {@code IcmpView}, the
 * family as data; {@link org.tracecap.packet.Icmpv6Type}) and neighbour discovery (RFC 4861,
 * {@link org.tracecap.packet.NeighborDiscovery}). Checksums: RFC 1071 with the IPv4 and IPv6 (RFC 8200
 * section 8.1) pseudo-headers ({@link org.tracecap.packet.Checksum}). Each view validates what it must in its factory and throws one unchecked
 * {@link org.tracecap.packet.PacketException} naming the layer, the offset and what was wrong; accessors
 * then clamp to what was captured.
 */
package org.tracecap.packet;
