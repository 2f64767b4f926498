/**
 * Multipath graphs: the routers at each TTL and the links between them, as the Multipath Detection Algorithm
 * (Augustin, Friedman, Teixeira, "Multipath tracing with Paris traceroute", E2EMON 2007; Veitch et al.,
 * "Failure control in multipath route tracing", INFOCOM 2009) finds them, built from the probes of many
 * flows. {@link org.tracecap.graph.GraphBuilder} builds one from traces (a live {@code --multipath} run's
 * flows, or the traces a replay reconstructs), so a live graph and the replay of its capture agree.
 */
package org.tracecap.graph;
