/**
 * Offline replay: rebuilds the traceroutes found in a capture, whichever tool made them (Linux traceroute
 * UDP/ICMP/TCP, BSD and macOS traceroute, Windows tracert, mtr, scamper, paris-traceroute, dublin-traceroute,
 * tracecap), as {@link org.tracecap.model.Trace}s, each named after the tool whose probe signature it shows
 * ({@link org.tracecap.replay.ToolRecognizer}'s numbered rules).
 *
 * <p>{@link org.tracecap.replay.Reconstructor} is a {@link org.tracecap.match.FrameSink}: the capture layer
 * feeds it frames in capture order, it classifies them and attributes replies through the same
 * {@link org.tracecap.match} code live tracing uses, groups probes into runs, and hands each finished trace
 * to a consumer; {@link org.tracecap.replay.Reconstructor#finish(boolean)} flushes the rest and returns the
 * {@link org.tracecap.replay.ReplaySummary}. Its Javadoc lists the grouping, restart, stop and trimming
 * rules as numbered conditions.
 */
package org.tracecap.replay;
