package org.tracecap.capture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.tracecap.match.FrameSink;

/**
 * The bundled captures in {@code captures/} as the tests of every layer see them: read through the real
 * reader, {@link PcapFileSource} (libpcap), so no test depends on a second, test-only pcap parser.
 */
public final class CapturedFrames {
    public static final Path CAPTURES = Path.of("captures");

    /** One frame as delivered: numbered from 1 as tshark numbers them, bytes copied out of libpcap's buffer. */
    public record Frame(int number, long timeNanos, int linkType, byte[] bytes, int wireLength) {
    }

    /** A {@link FrameSink} that keeps every frame it is given. */
    public static final class Recorder implements FrameSink {
        private final List<Frame> frames = new ArrayList<>();

        @Override
        public void frame(long timeNanos, int linkType, byte[] frame, int capturedLength, int wireLength) {
            frames.add(new Frame(frames.size() + 1, timeNanos, linkType, Arrays.copyOf(frame, capturedLength),
                    wireLength));
        }

        public List<Frame> frames() {
            return frames;
        }
    }

    private CapturedFrames() {
    }

    /** Every frame of a bundled capture, by file name. */
    public static List<Frame> read(String name) {
        return read(CAPTURES.resolve(name));
    }

    /** Every frame of {@code file}; a file that does not read to its end fails the test. */
    public static List<Frame> read(Path file) {
        Recorder r = new Recorder();
        try {
            PcapFileSource.read(file, r);
        } catch (CaptureException e) {
            throw new AssertionError("capture does not read: " + e.getMessage(), e);
        }
        return r.frames();
    }

    /** Frame {@code number} (from 1) of a bundled capture. */
    public static Frame frame(String name, int number) {
        return read(name).get(number - 1);
    }

    /** The .pcap and .pcapng files in {@code captures/}, sorted by name. */
    public static List<Path> bundled() {
        try (Stream<Path> s = Files.list(CAPTURES)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".pcap") || n.endsWith(".pcapng");
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
