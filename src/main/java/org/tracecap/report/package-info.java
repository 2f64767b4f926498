/**
 * What tracecap prints and writes from {@link org.tracecap.model.Trace}s: the traceroute table
 * ({@link org.tracecap.report.TextReport}, laid out as Linux traceroute 2.1 prints it, names from
 * {@link org.tracecap.report.ReverseDns} looked up in parallel under a short deadline) and hop JSON
 * ({@link org.tracecap.report.JsonReport}; streaming {@link org.tracecap.report.JsonDocumentWriter} and
 * {@link org.tracecap.report.JsonLinesWriter}, both {@link org.tracecap.report.TraceWriter}s), specified by
 * docs/hop-json.md and docs/hop-json.schema.json (JSON Schema 2020-12). Knows nothing of packets or pcap4j.
 */
package org.tracecap.report;
