/**
 * From one captured frame to a decoded fact, and from facts to attribution.
 *
 * <p>{@link org.tracecap.match.FrameClassifier} turns a frame's bytes into a
 * {@link org.tracecap.match.Classified}: a probe candidate ({@link org.tracecap.match.SentProbe}), a reply
 * ({@link org.tracecap.match.IcmpReply} with its dissected {@link org.tracecap.match.QuotedProbe}, or a
 * {@link org.tracecap.match.TcpReply}), something ignored (not a probe or reply of either family, and why), or
 * something malformed (and why). {@link org.tracecap.match.ProbeTable} keeps the probes sent and attributes
 * each reply to the one it answers. IPv4 and IPv6 frames give the same records. Replay and live
 * tracing share this path.
 */
package org.tracecap.match;
