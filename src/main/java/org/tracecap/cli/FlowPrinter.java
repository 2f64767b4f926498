package org.tracecap.cli;

import org.tracecap.model.Hop;
import org.tracecap.model.Trace;
import org.tracecap.trace.FlowTracer;

/** What the tracing thread tells the output about flows and hops. */
interface FlowPrinter extends FlowTracer.FlowListener {
    FlowPrinter SILENT = new FlowPrinter() {
        @Override
        public void flowStarted(int flow, int sourcePort, int destinationPort) {
        }

        @Override
        public void hopSettled(int flow, Hop hop) {
        }

        @Override
        public void flowEnded(int flow, Trace trace) {
        }
    };
}
