package org.tracecap.capture;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.RawPacketListener;
import org.tracecap.match.FrameSink;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.trace.PacketPort;

/**
 * A {@link PacketPort} on one live interface, through libpcap (pcap4j).
 *
 * <p>Two handles are opened on the interface:
 * <ol>
 *   <li>the <em>capture</em> handle, in immediate mode (every frame is handed over as it arrives, no buffering
 *       for a timeout), at nanosecond timestamp precision where libpcap and the kernel give it (microseconds
 *       otherwise), not promiscuous, with a BPF filter;</li>
 *   <li>the <em>send</em> handle, which only sends ({@code pcap_sendpacket}) and captures nothing (its filter
 *       matches no frame).</li>
 * </ol>
 * They are two because Linux does not hand a packet socket the frames it sent itself (net/core/dev.c
 * {@code dev_queue_xmit_nit} skips the sending socket, {@code skb_loop_sk}); every other packet socket on the
 * interface sees them as outgoing frames, stamped when they are queued to the driver. So each probe sent here
 * comes back through the capture handle, and its RTT is the difference of two capture timestamps. (On the
 * loopback device a frame is seen twice: once going out and once coming in.)
 *
 * <p>A reader thread runs {@code pcap_loop} on the capture handle and queues the frames; {@link #receive}
 * takes them from the queue, so its timeout is exact even on an idle link (where Linux's packet-socket read
 * timeout does not fire) and {@link #wakeup} needs no native call. {@link #close} stops the loop with
 * {@code pcap_breakloop}, which libpcap 1.10 delivers at once through an eventfd the loop polls (older
 * libpcap: within the handle's poll timeout, {@value #POLL_TIMEOUT_MILLIS} ms).
 *
 * <p>Threads: {@link #send} and {@link #receive} may run on different threads at the same time.
 */
public final class LivePort implements PacketPort {

    /**
     * The most bytes captured per frame (whole frames for any MTU up to 64 KiB), and the snapshot length to give
     * a capture file of this port's frames; the handle itself captures {@link #captureSnaplen} bytes.
     */
    public static final int SNAPLEN = 65535;
    /** The capture handle's poll timeout; only matters for a breakloop on libpcap older than 1.10. */
    static final int POLL_TIMEOUT_MILLIS = 100;
    /** Frames queued between the reader thread and {@link #receive}; past this, frames are counted and dropped. */
    static final int QUEUE_CAPACITY = 1 << 16;
    /** Most frames one {@link #receive} hands over, so that a flood cannot hold a caller. */
    static final int MAX_FRAMES_PER_RECEIVE = 4096;
    /** See {@link #deliveryLagNanos()}. */
    static final long DELIVERY_LAG_MILLIS = 50;
    /** See {@link #deliveryLagNanos()}. */
    static final long MIN_DELIVERY_LAG_MILLIS = 5;
    /** Ethernet header (14) and one 802.1Q tag (4) above the MTU: see {@link #captureSnaplen}. */
    static final int LINK_OVERHEAD = 18;
    /** Kernel buffer for the capture handle: room for a burst of replies while the reader thread is busy. */
    private static final int CAPTURE_BUFFER_BYTES = 4 << 20;
    /** The send handle captures nothing; a small ring keeps it cheap. */
    private static final int SEND_BUFFER_BYTES = 64 << 10;
    /** ARP replies kept for {@link #receiveArp}: a few are enough, later ones are dropped. */
    static final int ARP_QUEUE_CAPACITY = 64;
    /** The EtherType of ARP (RFC 826), at offset 12 of an Ethernet frame. */
    private static final int ETHERTYPE_ARP = 0x0806;
    /** A BPF filter that matches no frame: every frame is longer than 0 bytes ("less 0" is len <= 0). */
    static final String NOTHING = "less 0";

    private static final Captured WAKE = new Captured(0, new byte[0], 0);
    private static final Captured END = new Captured(0, new byte[0], 0);

    private final String interfaceName;
    private final String filter;
    private final PcapHandle capture;
    private final PcapHandle sender;
    private final int linkType;
    private final boolean nanosecond;
    private final BlockingQueue<Captured> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong queueDrops = new AtomicLong();
    /** Recent delivery delay (see {@link #deliveryLagNanos()}); written by receive's thread. */
    private volatile long recentDelayNanos = DELIVERY_LAG_MILLIS * 1_000_000L / 4;
    /** The ARP replies captured beside the filter ({@link #openChecked(String, String, int)}), else null. */
    private final BlockingQueue<Captured> arpReplies;
    private final Thread reader;
    private volatile IOException failure;

    private record Captured(long timeNanos, byte[] frame, int wireLength) {
    }

    private LivePort(String interfaceName, String filter, PcapHandle capture, PcapHandle sender,
                     boolean nanosecond, boolean arp) {
        this.arpReplies = arp ? new LinkedBlockingQueue<>(ARP_QUEUE_CAPACITY) : null;
        this.interfaceName = interfaceName;
        this.filter = filter;
        this.capture = capture;
        this.sender = sender;
        this.linkType = capture.getDlt().value();
        this.nanosecond = nanosecond;
        this.reader = new Thread(this::readLoop, "tracecap-capture-" + interfaceName);
        this.reader.setDaemon(true);
    }

    /**
     * Opens {@code interfaceName} for tracing from {@code sourceAddress}, with {@link #traceFilter(IpAddress)}.
     *
     * @throws LiveCaptureException not privileged, no such interface (the message lists them), interface down,
     *                              libpcap missing or refusing
     */
    public static LivePort open(String interfaceName, IpAddress sourceAddress) throws LiveCaptureException {
        return open(interfaceName, traceFilter(sourceAddress));
    }

    /**
     * Opens {@code interfaceName} for a UDP trace from {@code sourceAddress} to {@code destination}, its probes
     * to the destination ports {@code firstPort..lastPort}, with {@link #traceFilter(IpAddress, IpAddress, int, int)}.
     *
     * @throws LiveCaptureException as {@link #open(String, IpAddress)}
     */
    public static LivePort open(String interfaceName, IpAddress sourceAddress, IpAddress destination, int firstPort,
            int lastPort) throws LiveCaptureException {
        return open(interfaceName, traceFilter(sourceAddress, destination, firstPort, lastPort));
    }

    /**
     * As {@link #open(String, IpAddress, IpAddress, int, int)}, for an interface checked as {@link #openChecked}
     * says.
     */
    public static LivePort openChecked(String interfaceName, IpAddress sourceAddress, IpAddress destination,
            int firstPort,
            int lastPort) throws LiveCaptureException {
        return openChecked(interfaceName, traceFilter(sourceAddress, destination, firstPort, lastPort));
    }

    /**
     * As {@link #openChecked(String, String)}, also capturing the ARP replies (RFC 826) from {@code arpSender},
     * which {@link #receiveArp} hands over and {@link #receive} never does: the ARP exchange for a trace's
     * gateway can then be made on the trace's own port ({@link NeighbourLookup#resolve(Route, LinkInterface,
     * java.time.Duration, int, LivePort)}) instead of on a port of its own, whose two handles take tens of
     * milliseconds to open and to close.
     */
    public static LivePort openChecked(String interfaceName, String filter, int arpSender)
            throws LiveCaptureException {
        String both = new StringBuilder().append('(').append(filter).append(") or (")
                .append(NeighbourLookup.replyFilter(arpSender)).append(')').toString();
        return openChecked(interfaceName, both, filter, true);
    }

    /**
     * Opens {@code interfaceName} capturing what the BPF {@code filter} (tcpdump syntax) accepts.
     *
     * @throws LiveCaptureException as {@link #open(String, IpAddress)}, or the filter does not compile
     */
    public static LivePort open(String interfaceName, String filter) throws LiveCaptureException {
        Privilege.check(interfaceName);
        Interfaces.find(interfaceName);
        return openChecked(interfaceName, filter);
    }

    /**
     * As {@link #open(String, String)}, for an interface the caller has already checked with
     * {@link Privilege#check} and {@link Interfaces#find} (each {@code find} lists every interface through
     * libpcap again).
     */
    public static LivePort openChecked(String interfaceName, String filter) throws LiveCaptureException {
        return openChecked(interfaceName, filter, filter, false);
    }

    private static LivePort openChecked(String interfaceName, String captureFilter, String filter, boolean arp)
            throws LiveCaptureException {
        PcapHandle capture = null;
        PcapHandle sender = null;
        // The send handle opens on a thread of its own meanwhile: setting up a handle's ring waits in the kernel
        // for an RCU grace period (packet_set_ring, synchronize_net), 10-20 ms, and the two waits then overlap.
        SenderOpening opening = new SenderOpening(interfaceName);
        try {
            boolean nanosecond = true;
            int snaplen = captureSnaplen(interfaceName);
            try {
                capture = build(interfaceName, snaplen, CAPTURE_BUFFER_BYTES, PcapHandle.TimestampPrecision.NANO);
            } catch (PcapNativeException e) {
                if (!String.valueOf(e.getMessage()).contains("timestamp precision")) {
                    throw e;
                }
                // pcap_set_tstamp_precision refused nanoseconds (libpcap before 1.5, or a platform without
                // them): microseconds still give RTTs to the microsecond.
                nanosecond = false;
                capture = build(interfaceName, snaplen, CAPTURE_BUFFER_BYTES, PcapHandle.TimestampPrecision.MICRO);
            }
            setFilter(capture, interfaceName, captureFilter);
            sender = opening.await();
            LivePort port = new LivePort(interfaceName, filter, capture, sender, nanosecond, arp);
            port.reader.start();
            return port;
        } catch (PcapNativeException e) {
            closeQuietly(capture);
            opening.abandon();
            throw new LiveCaptureException(describeOpenError(interfaceName, e.getMessage()), e);
        } catch (LiveCaptureException | RuntimeException e) {
            closeQuietly(capture);
            opening.abandon();
            throw e;
        } catch (LinkageError e) {
            closeQuietly(capture);
            opening.abandon();
            if (PcapFileSource.isLibpcapMissing(e)) {
                throw new LiveCaptureException(PcapFileSource.LIBPCAP_MISSING, e);
            }
            throw e;
        }
    }

    /** The send handle, opened and given its filter on a thread of its own (see {@link #openChecked}). */
    private static final class SenderOpening implements Runnable {
        private final String interfaceName;
        private final Thread thread;
        private volatile PcapHandle handle;
        private volatile Throwable failure;

        SenderOpening(String interfaceName) {
            this.interfaceName = interfaceName;
            this.thread = new Thread(this, "tracecap-open-" + interfaceName);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            PcapHandle h = null;
            try {
                h = build(interfaceName, 128, SEND_BUFFER_BYTES, null);
                setFilter(h, interfaceName, NOTHING);
                handle = h;
            } catch (PcapNativeException | LiveCaptureException | RuntimeException | Error e) {
                closeQuietly(h);
                failure = e;
            }
        }

        /** The open handle, once it is; what opening it threw, thrown here. */
        PcapHandle await() throws PcapNativeException, LiveCaptureException {
            joinUninterruptibly();
            Throwable f = failure;
            if (f instanceof PcapNativeException e) {
                throw e;
            }
            if (f instanceof LiveCaptureException e) {
                throw e;
            }
            if (f instanceof RuntimeException e) {
                throw e;
            }
            if (f instanceof Error e) {
                throw e;
            }
            return handle;
        }

        /** Waits for the opening to end and closes what it opened. */
        void abandon() {
            joinUninterruptibly();
            closeQuietly(handle);
        }

        private void joinUninterruptibly() {
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The capture filter for a trace from {@code source}: the probes it sends (UDP, TCP, ICMP from it) and
     * what can answer them (ICMP, and TCP with SYN or RST, to it). ICMP errors are matched to probes by their
     * quote, so any ICMP to the source is kept. {@link #traceFilter(IpAddress, IpAddress, int, int)} keeps far less.
     */
    public static String traceFilter(IpAddress source) {
        String src = ipv4Text(source);
        return "ip and ((src host " + src + " and (udp or tcp or icmp))"
                + " or (dst host " + src + " and (icmp or (tcp and tcp[tcpflags] & (tcp-syn|tcp-rst) != 0))))";
    }

    /**
     * The capture filter for a UDP trace from {@code source} to {@code destination} whose probes go to the
     * destination ports {@code firstPort..lastPort}: only
     * <ol>
     *   <li>the UDP datagrams {@code source} sends (the probes: their capture time is the send time), and</li>
     *   <li>ICMP Time Exceeded (11) and Destination Unreachable (3) to {@code source} that quote an IPv4 UDP
     *       datagram (quoted version 4, protocol 17) to {@code destination} (quoted destination address, at
     *       ICMP offset 8 + 16) and to a port in the range (the quoted UDP destination port, at ICMP offset
     *       8 + the quoted IP header's length (its IHL x 4, so quoted IP options are read right) + 2).</li>
     * </ol>
     * Everything else (echo replies, TCP, other ICMP, errors about other traffic of the host, and forged
     * errors that quote another destination or a port no probe of this trace uses) is dropped by the kernel,
     * before it takes room in the capture ring or costs the reader thread anything: a flood of such ICMP
     * cannot push out the trace's real replies.
     *
     * <p>The filter looks at the quote's destination side only, not at its source address and port, on purpose:
     * a NAT between the host and the router translates the probe's source address and port, and one that
     * does not translate the quote back leaves its own in it (the quotes {@code NatDetector} and the Dublin
     * and Paris identities must see); a source NAT never changes the destination address and port. The
     * remaining checks (source port, IP ID, checksum, quoted TTL) are the tracer's. A quote whose IP header is
     * cut (less than IHL x 4 + 4 bytes of quote) is dropped: BPF reads past the packet as a reject.
     *
     * @throws IllegalArgumentException a port outside 1..65535 or {@code firstPort > lastPort}
     */
    public static String traceFilter(IpAddress source, IpAddress destination, int firstPort, int lastPort) {
        if (firstPort < 1 || lastPort > 0xffff || firstPort > lastPort) {
            throw new IllegalArgumentException("destination ports " + firstPort + ".." + lastPort);
        }
        String src = ipv4Text(source);
        ipv4Text(destination);
        // Quoted UDP header: ICMP header (8) + quoted IP header (IHL x 4); its destination port 2 bytes in.
        String quotedPort = "icmp[((icmp[8] & 0x0f) << 2) + 10 : 2]";
        // A StringBuilder, not +: the first run of a string concatenation with this many parts spins up
        // StringConcatFactory's method handles, about 30 ms of every live trace's start-up.
        return new StringBuilder(400).append("ip and ((src host ").append(src).append(" and udp)")
                .append(" or (dst host ").append(src).append(" and icmp and (icmp[icmptype] = icmp-timxceed")
                .append(" or icmp[icmptype] = icmp-unreach)")
                .append(" and (icmp[8] & 0xf0) = 0x40 and icmp[17] = 17")
                .append(" and icmp[24:4] = ").append(Integer.toUnsignedString(destination.ipv4()))
                .append(" and ").append(quotedPort).append(" >= ").append(firstPort)
                .append(" and ").append(quotedPort).append(" <= ").append(lastPort).append("))").toString();
    }

    /**
     * The capture filter for a trace from {@code source} to {@code destination} whose probes are of IP protocol
     * {@code protocol}: UDP as {@link #traceFilter(IpAddress, IpAddress, int, int)}; ICMP Echo and TCP SYN as
     * below. Each keeps the probes {@code source} sends (their capture time is the send time), the destination's own
     * answer, and ICMP Time Exceeded and Destination Unreachable to {@code source} quoting an IPv4 probe of
     * that protocol to {@code destination}, as the UDP filter does:
     * <ul>
     *   <li>ICMP ({@code -I}): Echo Requests from {@code source}; Echo Replies from {@code destination}; errors
     *       quoting ICMP (quoted protocol 1). The identifier is not filtered on: a NAT may rewrite it.</li>
     *   <li>TCP ({@code -T}): SYNs from {@code source}; SYN-ACK or RST from {@code destination}'s port
     *       {@code firstPort}; errors quoting TCP (protocol 6) to that port.</li>
     * </ul>
     * The identity's checks (identifier, sequence numbers, source port, IP ID) are the tracer's.
     *
     * @throws IllegalArgumentException a port outside 1..65535, {@code firstPort > lastPort}, or another protocol
     */
    public static String traceFilter(IpAddress source, IpAddress destination, int protocol, int firstPort,
            int lastPort) {
        if (protocol == IpProtocol.UDP) {
            return traceFilter(source, destination, firstPort, lastPort);
        }
        String src = ipv4Text(source);
        String dst = ipv4Text(destination);
        // libpcap's "and" and "or" bind alike, left to right: every group is in parentheses.
        String quotes = "((icmp[icmptype] = icmp-timxceed or icmp[icmptype] = icmp-unreach)"
                + " and (icmp[8] & 0xf0) = 0x40 and icmp[17] = " + protocol + " and icmp[24:4] = "
                + Integer.toUnsignedString(destination.ipv4()) + ")";
        if (protocol == IpProtocol.ICMP) {
            return "ip and ((src host " + src + " and icmp and icmp[icmptype] = icmp-echo)"
                    + " or (dst host " + src + " and icmp and ((icmp[icmptype] = icmp-echoreply and src host " + dst
                    + ") or " + quotes + ")))";
        }
        if (protocol != IpProtocol.TCP) {
            throw new IllegalArgumentException("no trace filter for IP protocol " + protocol);
        }
        if (firstPort < 1 || firstPort > 0xffff) {
            throw new IllegalArgumentException("destination port " + firstPort);
        }
        String quotedPort = "icmp[((icmp[8] & 0x0f) << 2) + 10 : 2]";
        return "ip and ((src host " + src + " and tcp and tcp[tcpflags] & tcp-syn != 0)"
                + " or (dst host " + src + " and ((tcp and src host " + dst + " and src port " + firstPort
                + " and tcp[tcpflags] & (tcp-syn|tcp-rst) != 0)"
                + " or (icmp and " + quotes + " and " + quotedPort + " = " + firstPort + "))))";
    }

    /**
     * The dotted quad of {@code address} for a filter; an IPv6 address is refused (these filters read IPv4 and
     * ICMP headers: the ip6 filters come with live IPv6 tracing).
     */
    private static String ipv4Text(IpAddress address) {
        if (!address.isIpv4()) {
            throw new IllegalArgumentException("no capture filter for " + address + ": live tracing is IPv4 only"
                    + " for now");
        }
        return address.toString();
    }

    /**
     * The capture handle's snapshot length: the interface's MTU plus an Ethernet header with one 802.1Q tag
     * ({@value #LINK_OVERHEAD} bytes), at most {@link #SNAPLEN}; {@link #SNAPLEN} when the MTU is unknown.
     *
     * <p>In immediate mode libpcap uses a TPACKET_V2 ring of fixed-size slots, one per frame, and on an
     * interface with offloads (GRO/TSO, as every veth has) it sizes the slot by the snapshot length
     * (pcap-linux.c, {@code create_ring}): with 65535 bytes the 4 MiB ring holds a few dozen
     * frames, and a burst of ICMP overflows it in under a millisecond. With the MTU's size (1518 bytes for
     * Ethernet) it holds about 2000. Nothing a trace needs is longer: probes are never sent in segments larger
     * than the MTU (tracecap does not fragment them, and UDP is not coalesced by GRO) and ICMP errors are at
     * most 576 bytes (RFC 1812 4.3.2.3) or an MTU. A longer frame would be cut, and its wire length kept.
     */
    static int captureSnaplen(String interfaceName) {
        try {
            java.net.NetworkInterface nic = java.net.NetworkInterface.getByName(interfaceName);
            int mtu = nic == null ? -1 : nic.getMTU();
            return mtu <= 0 ? SNAPLEN : (int) Math.min(SNAPLEN, (long) mtu + LINK_OVERHEAD);
        } catch (java.net.SocketException e) {
            return SNAPLEN;
        }
    }

    private static PcapHandle build(String name, int snaplen, int bufferBytes, PcapHandle.TimestampPrecision precision)
            throws PcapNativeException {
        PcapHandle.Builder builder = new PcapHandle.Builder(name)
                .snaplen(snaplen)
                .promiscuousMode(PromiscuousMode.NONPROMISCUOUS)
                .immediateMode(true)
                .timeoutMillis(POLL_TIMEOUT_MILLIS)
                .bufferSize(bufferBytes);
        if (precision != null) {
            builder.timestampPrecision(precision);
        }
        return builder.build();
    }

    private static void setFilter(PcapHandle handle, String interfaceName, String filter)
            throws LiveCaptureException {
        try {
            handle.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException e) {
            throw new LiveCaptureException("bad capture filter for " + interfaceName + " (" + filter + "): "
                    + LiveCaptureException.oneLine(e.getMessage()), e);
        } catch (NotOpenException e) {
            throw new IllegalStateException("capture handle closed while opening " + interfaceName, e);
        }
    }

    /** libpcap's activation errors, said for a user. */
    static String describeOpenError(String interfaceName, String libpcapMessage) {
        String detail = LiveCaptureException.oneLine(libpcapMessage);
        String lower = detail.toLowerCase(Locale.ROOT);
        if (lower.contains("permission") || lower.contains("not permitted")) {
            return Privilege.notPrivilegedMessage(interfaceName);
        }
        if (lower.contains("no such device")) {
            return "no interface named " + interfaceName + " (libpcap: " + detail + "): see ip link";
        }
        if (lower.contains("not up")) {
            return "interface " + interfaceName + " is down: bring it up with ip link set " + interfaceName + " up";
        }
        return "cannot capture on " + interfaceName + " (libpcap: " + detail + ")";
    }

    private static void closeQuietly(PcapHandle handle) {
        if (handle != null && handle.isOpen()) {
            handle.close();
        }
    }

    /** The interface this port captures and sends on. */
    public String interfaceName() {
        return interfaceName;
    }

    /**
     * The BPF filter of the capture handle; for a port {@link #openChecked(String, String, int) opened with an
     * ARP sender}, the filter of the frames {@link #receive} hands over (the handle's also takes the ARP replies).
     */
    public String filter() {
        return filter;
    }

    /** Whether capture times have nanosecond precision (false: microseconds, scaled to nanoseconds). */
    public boolean nanosecondTimestamps() {
        return nanosecond;
    }

    @Override
    public int linkType() {
        return linkType;
    }

    /**
     * Frames lost before reaching a {@link #receive}: dropped by the kernel for want of buffer space
     * ({@code pcap_stats} ps_drop) plus those that found the queue full.
     */
    public long droppedFrames() {
        long kernel = 0;
        if (!closed.get()) {
            try {
                PcapStat stats = capture.getStats();
                kernel = stats.getNumPacketsDropped();
            } catch (PcapNativeException | NotOpenException e) {
                kernel = 0;
            }
        }
        return kernel + queueDrops.get();
    }

    @Override
    public void send(byte[] frame, int length) throws IOException {
        if (length < 0 || length > frame.length) {
            throw new IllegalArgumentException("frame length " + length + " outside its buffer of " + frame.length);
        }
        if (closed.get()) {
            throw new IOException("cannot send on " + interfaceName + ": the capture is closed");
        }
        synchronized (sender) {
            try {
                sender.sendPacket(frame, length);
            } catch (PcapNativeException e) {
                String detail = LiveCaptureException.oneLine(e.getMessage())
                        .replace("Error occurred in pcap_sendpacket(): ", "");
                throw new IOException("cannot send a " + length + "-byte frame on " + interfaceName + ": " + detail, e);
            } catch (NotOpenException e) {
                throw new IOException("cannot send on " + interfaceName + ": the capture is closed", e);
            }
        }
    }

    @Override
    public int receive(FrameSink sink, long timeoutNanos) throws IOException {
        int delivered = 0;
        Captured next;
        try {
            next = timeoutNanos <= 0 ? queue.poll() : queue.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while capturing on " + interfaceName);
        }
        while (next != null) {
            if (next == WAKE) {
                wakePending.set(false);
                return delivered;
            }
            if (next == END) {
                return ended(queue, delivered);
            }
            delivered(next.timeNanos);
            sink.frame(next.timeNanos, linkType, next.frame, next.frame.length, next.wireLength);
            delivered++;
            if (delivered >= MAX_FRAMES_PER_RECEIVE) {
                return delivered;
            }
            next = queue.poll();
        }
        return delivered;
    }

    /**
     * The end mark met in {@code q} after {@code delivered} frames: it is left there for every later call, and
     * the capture's failure, if any, is thrown when nothing was delivered.
     */
    private int ended(BlockingQueue<Captured> q, int delivered) throws IOException {
        q.offer(END);
        IOException f = failure;
        if (f != null && delivered == 0) {
            throw new IOException(f.getMessage(), f);
        }
        return delivered;
    }

    /**
     * Hands the ARP replies captured so far to {@code sink}, waiting at most {@code timeoutNanos} for the first,
     * as {@link #receive} does with the other frames.
     *
     * @return how many replies were delivered: 0 at the timeout or once closed
     * @throws IllegalStateException the port was not {@link #openChecked(String, String, int) opened with an ARP
     *                               sender}
     * @throws IOException           interrupted while waiting
     */
    public int receiveArp(FrameSink sink, long timeoutNanos) throws IOException {
        if (arpReplies == null) {
            throw new IllegalStateException("the port on " + interfaceName + " does not capture ARP replies");
        }
        Captured next;
        try {
            next = timeoutNanos <= 0 ? arpReplies.poll() : arpReplies.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for ARP on " + interfaceName);
        }
        int delivered = 0;
        for (; next != null; next = arpReplies.poll()) {
            if (next == END) {
                return ended(arpReplies, delivered);
            }
            sink.frame(next.timeNanos, linkType, next.frame, next.frame.length, next.wireLength);
            delivered++;
        }
        return delivered;
    }

    /** Whether {@code frame} is an ARP frame to set aside for {@link #receiveArp} (Ethernet only). */
    private boolean isArp(byte[] frame) {
        return arpReplies != null && linkType == 1 && frame.length >= 14
                && ((frame[12] & 0xff) << 8 | (frame[13] & 0xff)) == ETHERTYPE_ARP;
    }

    /**
     * How late this port may still deliver a frame: four times the recent delivery delay (a frame's arrival in
     * {@link #receive} minus its capture time; each frame's delay counts in full and the memory of earlier
     * ones shrinks by a quarter per frame), between {@value #MIN_DELIVERY_LAG_MILLIS} and
     * {@value #DELIVERY_LAG_MILLIS} ms. It starts at the most: frames pass through the reader thread and a
     * queue, and a JVM that has only just started (every CLI run) can take several milliseconds over its first
     * frames, longer than a probe's HERE wait (3 x an RTT of 0.05 ms + 1 ms) on a fast path; once frames come
     * through quickly it falls to the least, so that a silent hop is not waited for 50 ms longer than its
     * NEAR rule says.
     */
    @Override
    public long deliveryLagNanos() {
        return Math.max(MIN_DELIVERY_LAG_MILLIS * 1_000_000L,
                Math.min(DELIVERY_LAG_MILLIS * 1_000_000L, 4 * recentDelayNanos));
    }

    /** Counts one frame's delivery delay into {@link #recentDelayNanos}. */
    private void delivered(long captureNanos) {
        Instant now = Instant.now();
        long delay = Math.max(0, now.getEpochSecond() * 1_000_000_000L + now.getNano() - captureNanos);
        long decayed = recentDelayNanos - recentDelayNanos / 4;
        recentDelayNanos = Math.max(delay, decayed);
    }

    @Override
    public void wakeup() {
        if (wakePending.compareAndSet(false, true) && !queue.offer(WAKE)) {
            // The queue is full, so no receive is blocked: nothing to wake.
            wakePending.set(false);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            capture.breakLoop();
        } catch (NotOpenException e) {
            // Already closed: the loop is over.
        }
        try {
            reader.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Closing a packet socket waits for an RCU grace period in the kernel (packet_release, synchronize_net):
        // about 20 ms each on an idle machine. The two handles are closed at the same time, so that their
        // waits overlap.
        Thread senderCloser = new Thread(() -> closeQuietly(sender), "tracecap-close-" + interfaceName);
        senderCloser.setDaemon(true);
        senderCloser.start();
        closeQuietly(capture);
        try {
            senderCloser.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.clear();
        queue.offer(END);
        if (arpReplies != null) {
            arpReplies.clear();
            arpReplies.offer(END);
        }
    }

    /** The reader thread: pcap_loop until {@link #close} breaks it or the capture fails. */
    private void readLoop() {
        RawPacketListener listener = frame -> {
            Timestamp ts = capture.getTimestamp();
            // Timestamp.getTime() carries the milliseconds again; whole seconds plus getNanos() is exact.
            long nanos = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
            Integer original = capture.getOriginalLength();
            Captured captured = new Captured(nanos, frame, original == null ? frame.length : original);
            if (isArp(frame)) {
                arpReplies.offer(captured); // full: a reply is already waiting, the rest are not needed
            } else if (!queue.offer(captured)) {
                queueDrops.incrementAndGet();
            }
        };
        try {
            capture.loop(-1, listener);
        } catch (InterruptedException e) {
            // pcap_breakloop from close(): the normal end.
        } catch (PcapNativeException e) {
            if (!closed.get()) {
                failure = new IOException("capture on " + interfaceName + " failed: "
                        + LiveCaptureException.oneLine(e.getMessage()), e);
            }
        } catch (NotOpenException e) {
            // Closed under the loop: the normal end.
        } catch (RuntimeException | Error e) {
            failure = new IOException("capture on " + interfaceName + " failed: " + e, e);
        }
        if (!queue.offer(END)) {
            queue.poll();
            queue.offer(END);
        }
        if (arpReplies != null && !arpReplies.offer(END)) {
            arpReplies.poll();
            arpReplies.offer(END);
        }
    }
}
