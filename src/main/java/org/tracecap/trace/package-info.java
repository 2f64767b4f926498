/**
 * Live tracing: the scheduler that sends probes and settles hops, behind two small interfaces.
 *
 * <p>{@link org.tracecap.trace.Tracer} runs one trace: it builds probe frames with
 * {@link org.tracecap.packet.ProbeEncoder}, sends them through a {@link org.tracecap.trace.PacketPort} (the
 * pcap4j {@code capture.LivePort} live, an in-memory simulated network in tests), classifies every captured
 * frame with the same {@link org.tracecap.match.FrameClassifier} and {@link org.tracecap.match.ProbeTable} as
 * replay, and gives each hop to a {@link org.tracecap.trace.HopListener} as soon as it is settled. Its
 * scheduling and stop rules are numbered in its Javadoc. Time comes only from a
 * {@link org.tracecap.trace.Clock}, so the rules are tested in virtual time without root.
 *
 * <p>{@link org.tracecap.trace.TraceOptions} holds traceroute's options; {@link org.tracecap.trace.LinkFacts}
 * what the caller found out about the link (MACs, addresses); {@link org.tracecap.trace.ProbeMethod} and
 * {@link org.tracecap.trace.ProbeIdentity} how probes of one trace are told apart (classic UDP now: one
 * destination port per probe).
 */
package org.tracecap.trace;
