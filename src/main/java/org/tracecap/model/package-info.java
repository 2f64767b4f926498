/**
 * The results tracecap produces, as plain immutable records: a {@link org.tracecap.model.Trace} of
 * {@link org.tracecap.model.Hop}s, each holding the {@link org.tracecap.model.ProbeResult} of every probe
 * sent at that TTL. Both replay and live tracing produce these; the report layer writes them as text and
 * hop JSON (docs/hop-json.md). One rule is read off them here, as both live tracing and replay apply it:
 * {@link org.tracecap.model.NatDetector}, which marks the hop past a NAT. No I/O, no dependencies beyond the
 * packet layer's decoded values.
 */
package org.tracecap.model;
