package org.tracecap.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.tracecap.capture.CaptureException;
import org.tracecap.capture.PcapFileSource;
import org.tracecap.model.Trace;
import org.tracecap.replay.Reconstructor;

/** The traces the replay finds in every bundled capture, for comparing report writers on real traces. */
final class BundledTraces {
    private BundledTraces() {
    }

    /**
     * Each capture of captures/ (.pcap and .pcapng, in name order) and its traces; a deliberately broken
     * capture gives the traces read before its fault.
     */
    static Map<Path, List<Trace>> everyCapture() throws IOException {
        List<Path> captures;
        try (Stream<Path> files = Files.list(Path.of("captures"))) {
            captures = files.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
                    .sorted().toList();
        }
        Map<Path, List<Trace>> traces = new LinkedHashMap<>();
        for (Path capture : captures) {
            List<Trace> found = new ArrayList<>();
            Reconstructor r = new Reconstructor(found::add);
            try {
                PcapFileSource.read(capture, r);
            } catch (CaptureException e) {
                // a deliberately broken capture: the traces read before the fault
            }
            r.finish(true);
            traces.put(capture, found);
        }
        return traces;
    }
}
