package org.tracecap.multipath;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * tcpdump on the client's interface of a {@link MultipathNet}, counting the IPv4 packets the client sends (the
 * probes of whatever tool runs there: nothing else leaves the client). Start it, run the tool, then
 * {@link #stop()} for the count; {@link #close()} stops it on every path.
 *
 * <pre>{@code
 * try (ClientCapture capture = ClientCapture.start(net)) {
 *     ... run a tool in net.node("client") ...
 *     int sent = capture.stop();
 * }
 * }</pre>
 */
final class ClientCapture implements AutoCloseable {
    private final Process tcpdump;
    private final Path file;
    private Integer count;

    private ClientCapture(Process tcpdump, Path file) {
        this.tcpdump = tcpdump;
        this.file = file;
    }

    /** Starts tcpdump in the client's namespace; returns once its capture is open. */
    static ClientCapture start(MultipathNet net) throws IOException {
        Path file = Files.createTempFile("tcap-client", ".pcap");
        Process p = net.node("client").start("tcpdump", "-i", MultipathNet.CLIENT_INTERFACE, "-n", "-U",
                "--immediate-mode", "-w", file.toString(), "ip src " + MultipathNet.CLIENT);
        ClientCapture c = new ClientCapture(p, file);
        try {
            // tcpdump says "listening on IFACE, ..." once the handle is open and the filter set.
            BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            StringBuilder said = new StringBuilder();
            for (String line = err.readLine(); ; line = err.readLine()) {
                if (line == null) {
                    throw new IllegalStateException("tcpdump did not start: " + said);
                }
                said.append(line).append('\n');
                if (line.contains("listening on")) {
                    break;
                }
            }
            Thread drain = new Thread(() -> {
                try {
                    err.transferTo(java.io.Writer.nullWriter());
                } catch (IOException e) {
                    // tcpdump gone: nothing more to read
                }
            }, "tcpdump-stderr");
            drain.setDaemon(true);
            drain.start();
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Stops the capture (after a moment for the last frames to reach it) and returns how many packets the
     * client sent since {@link #start}. Idempotent.
     */
    int stop() throws InterruptedException, IOException {
        if (count == null) {
            // tcpdump -U writes each packet as it reads it, but on a loaded machine it may read late, and on
            // SIGTERM it leaves what it has not read yet: wait until the file has stopped growing for a while.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            int seen = -1;
            int still = 0;
            while (still < 3 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                int now = records(Files.readAllBytes(file));
                still = now == seen ? still + 1 : 0;
                seen = now;
            }
            tcpdump.destroy(); // SIGTERM: tcpdump flushes the file and exits
            if (!tcpdump.waitFor(10, TimeUnit.SECONDS)) {
                tcpdump.destroyForcibly().waitFor();
            }
            count = records(Files.readAllBytes(file));
        }
        return count;
    }

    /** The number of records of a pcap file (microsecond or nanosecond, either byte order). */
    static int records(byte[] pcap) {
        if (pcap.length < 24) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            b.order(ByteOrder.BIG_ENDIAN);
        }
        int n = 0;
        // Each record: a 16-byte header whose third word is the captured length, then that many bytes.
        for (int off = 24; off + 16 <= pcap.length; n++) {
            off += 16 + b.getInt(off + 8);
        }
        return n;
    }

    @Override
    public void close() {
        if (tcpdump.isAlive()) {
            tcpdump.destroyForcibly();
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
