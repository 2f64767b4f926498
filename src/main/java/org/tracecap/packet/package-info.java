/**
 * Wire formats as views over bytes, and the encoder that writes probes: no I/O at all.
 *
 * <p>Views read a caller's {@code byte[]} at an offset without copying: Ethernet II with IEEE 802.1Q
 * and 802.1ad tags, MPLS label stacks (RFC 3032) and PPPoE sessions (RFC 2516), Linux cooked capture (SLL,
 * SLL2), PPP, Cisco HDLC, BSD loopback and raw IP ({@link org.tracecap.packet.LinkLayer}),
 * IPv4 (RFC 791, {@link org.tracecap.packet.Ipv4View}), UDP (RFC 768, {@link org.tracecap.packet.UdpView}),
 * TCP (RFC 9293, {@link org.tracecap.packet.TcpView}), ICMP (RFC 792, RFC 1191 next-hop MTU, RFC 4884
 * extended messages: {@link org.tracecap.packet.IcmpView}, {@link org.tracecap.packet.IcmpExtensions}, with
 * RFC 4950 MPLS label stacks). Each view validates what it must in its factory and throws one unchecked
 * {@link org.tracecap.packet.PacketException} naming the layer, the offset and what was wrong; accessors
 * then clamp to what was captured.
 */
package org.tracecap.packet;
