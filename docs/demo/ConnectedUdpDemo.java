/*
 * ConnectedUdpDemo.java - the Java view of docs/connected-udp-and-icmp.md.
 *
 *   java docs/demo/ConnectedUdpDemo.java HOST PORT TTL
 *
 * Opens a java.nio DatagramChannel, connects it to HOST:PORT, sends one datagram,
 * waits up to 2 s and prints exactly one line:
 *
 *   ECONNREFUSED                  read() threw PortUnreachableException (the JDK's
 *                                 name for ECONNREFUSED on a connected channel)
 *   timeout (no error reported)   nothing reached the channel
 *   error: <exception>            anything else
 *   reply: N bytes                a datagram came back
 *
 * About TTL: Java cannot set the unicast TTL of a UDP socket. StandardSocketOptions
 * only has IP_MULTICAST_TTL (multicast only, IP_MULTICAST_TTL in the kernel),
 * jdk.net.ExtendedSocketOptions has no TTL option, and DatagramChannel's
 * supportedOptions() on JDK 17 / Linux is SO_*, IP_TOS, IP_MULTICAST_* and
 * SO_INCOMING_NAPI_ID. So this program does not set it: it checks that the
 * network namespace's default TTL (/proc/sys/net/ipv4/ip_default_ttl, what every
 * socket without IP_TTL uses) already equals TTL and refuses to run otherwise.
 * docs/demo/run-demo.sh sets that sysctl inside its private client namespace.
 * For IP_TTL, IP_RECVERR and MSG_ERRQUEUE use docs/demo/connected_udp.c.
 */
import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

public class ConnectedUdpDemo {
    private static final long WAIT_MS = 2000;
    private static final Path DEFAULT_TTL = Path.of("/proc/sys/net/ipv4/ip_default_ttl");

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: java ConnectedUdpDemo.java HOST PORT TTL");
            System.exit(2);
        }
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int ttl = Integer.parseInt(args[2]);

        if (!Files.isReadable(DEFAULT_TTL)) {
            System.err.println("ConnectedUdpDemo: cannot read " + DEFAULT_TTL
                    + "; Java cannot set a unicast TTL itself, use connected_udp.c");
            System.exit(2);
        }
        // One big read: sysctl files return EOF for any read at a non-zero offset, and
        // Files.readString() on a zero-size /proc file reads the first byte on its own
        // (it returned "6" for "64" here).
        int defaultTtl;
        try (BufferedReader in = Files.newBufferedReader(DEFAULT_TTL, StandardCharsets.US_ASCII)) {
            defaultTtl = Integer.parseInt(in.readLine().trim());
        }
        if (defaultTtl != ttl) {
            System.err.println("ConnectedUdpDemo: Java cannot set the unicast TTL; run it where "
                    + "net.ipv4.ip_default_ttl=" + ttl + " (it is " + defaultTtl + " here), "
                    + "e.g. in a network namespace, or use connected_udp.c");
            System.exit(2);
        }

        try (DatagramChannel channel = DatagramChannel.open();
             Selector selector = Selector.open()) {
            channel.connect(target);
            channel.write(ByteBuffer.wrap("tracecap connected-udp demo".getBytes(StandardCharsets.US_ASCII)));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);

            // A pending socket error (sk_err) makes the channel "readable": read() then throws it.
            if (selector.select(WAIT_MS) == 0) {
                System.out.println("timeout (no error reported)");
                return;
            }
            ByteBuffer buf = ByteBuffer.allocate(1500);
            try {
                int n = channel.read(buf);
                System.out.println(n > 0 ? "reply: " + n + " bytes" : "timeout (no error reported)");
            } catch (PortUnreachableException e) {
                System.out.println("ECONNREFUSED");
            } catch (IOException e) {
                System.out.println("error: " + e);
            }
        }
    }
}
