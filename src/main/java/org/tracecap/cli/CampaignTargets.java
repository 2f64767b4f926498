package org.tracecap.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.tracecap.capture.LiveCaptureException;
import org.tracecap.capture.Route;
import org.tracecap.capture.RouteLookup;
import org.tracecap.packet.IpAddress;
import org.tracecap.trace.CampaignTargetSource;

/**
 * A campaign's destinations, read on a thread of their own as the campaign goes: a target file ({@code -} for
 * standard input: one address or name per line, {@code #} starts a comment, blank lines skipped) or the HOST
 * arguments. Each is resolved ({@link LinkSetup#resolve}) and its route looked up; the first one's route is the
 * campaign's (its interface and gateway), and a later one routed another way is skipped. A line that cannot be
 * used is said in one line on stderr ({@code tracecap: FILE:LINE: WHY, skipped}) and the rest goes on. At most
 * {@code ahead} destinations wait in memory: the reader waits for the campaign, so a file of any size is read as
 * it goes.
 */
final class CampaignTargets implements CampaignTargetSource {
    private final BlockingQueue<IpAddress> queue;
    private final PrintStream err;
    private final IpAddress source;
    private final String interfaceName;
    private final Object lock = new Object();
    private Route route;
    private boolean routeKnown;
    private volatile boolean readerDone;
    private volatile long read;
    private volatile boolean stop;
    private Thread thread;

    private CampaignTargets(int ahead, IpAddress source, String interfaceName, PrintStream err) {
        this.queue = new ArrayBlockingQueue<>(ahead);
        this.source = source;
        this.interfaceName = interfaceName;
        this.err = err;
    }

    /** Starts reading {@code file} ({@code -}: standard input), else {@code hosts}. */
    static CampaignTargets start(Path file, List<String> hosts, InputStream stdin, int ahead, IpAddress source,
            String interfaceName, PrintStream err) throws LinkSetup.SetupException {
        CampaignTargets t = new CampaignTargets(ahead, source, interfaceName, err);
        BufferedReader reader = null;
        if (file != null) {
            try {
                reader = file.toString().equals("-")
                        ? new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))
                        : Files.newBufferedReader(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new LinkSetup.SetupException("--targets: cannot read " + file + ": "
                        + AtomicOutputFile.describe(e));
            }
        }
        BufferedReader lines = reader;
        String name = file == null ? null : file.toString().equals("-") ? "stdin" : file.toString();
        t.thread = new Thread(() -> t.read(lines, name, hosts), "tracecap-targets");
        t.thread.setDaemon(true);
        t.thread.start();
        return t;
    }

    /** The route of the first destination that has one, waiting for it; null when there is none. */
    Route firstRoute() throws InterruptedException {
        synchronized (lock) {
            while (!routeKnown) {
                lock.wait();
            }
            return route;
        }
    }

    /** Destinations read and accepted so far. */
    long read() {
        return read;
    }

    @Override
    public IpAddress next() {
        return queue.poll();
    }

    @Override
    public boolean exhausted() {
        // The reader queues its last destination before it says it is done.
        return readerDone && queue.isEmpty();
    }

    /** Stops reading (the campaign ended early). */
    void stop() {
        stop = true;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void read(BufferedReader reader, String file, List<String> hosts) {
        try {
            if (reader != null) {
                int number = 0;
                for (String line = reader.readLine(); line != null && !stop; line = reader.readLine()) {
                    number++;
                    int hash = line.indexOf('#');
                    String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
                    if (!text.isEmpty()) {
                        accept(text, file + ":" + number);
                    }
                }
            } else {
                Iterator<String> i = hosts.iterator();
                for (int number = 1; i.hasNext() && !stop; number++) {
                    accept(i.next(), null);
                }
            }
        } catch (IOException e) {
            err.println("tracecap: --targets: cannot read " + file + ": " + AtomicOutputFile.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                if (reader != null) {
                    reader.close();
                }
            } catch (IOException ignored) {
                // read to the end or stopped: nothing more to say
            }
            known(null);
            readerDone = true;
        }
    }

    /** One destination: resolved, routed like the first, then queued (waiting for room). */
    private void accept(String text, String where) throws InterruptedException {
        String prefix = where == null ? "" : where + ": ";
        IpAddress destination;
        Route r;
        try {
            destination = LinkSetup.resolve(text, IpAddress.IPV4); // a campaign traces IPv4
            r = RouteLookup.lookup(destination, source, interfaceName);
        } catch (LinkSetup.SetupException | LiveCaptureException e) {
            err.println("tracecap: " + prefix + TraceOutput.oneLine(e.getMessage()) + ", skipped");
            return;
        }
        String why = !destination.isIpv4() ? "is not IPv4 (a campaign traces IPv4)"
                : unicast(destination.ipv4()) ? differs(r) : "is not a unicast address";
        if (why != null) {
            err.println("tracecap: " + prefix + text + " " + why + ", skipped");
            return;
        }
        known(r);
        read++;
        while (!queue.offer(destination, 100, TimeUnit.MILLISECONDS)) {
            if (stop) {
                return;
            }
        }
    }

    /** Not in 0/8, 127/8, multicast (224/4), reserved (240/4) or the broadcast address: worth a probe. */
    private static boolean unicast(int address) {
        int first = address >>> 24;
        return first != 0 && first != 127 && first < 224;
    }

    /** Why route {@code r} cannot be the campaign's, or null when it can (the first one sets it). */
    private String differs(Route r) {
        if (r.local()) {
            return "is an address of this host";
        }
        synchronized (lock) {
            // One next hop for the campaign: the first destination's gateway (or, on a link without Ethernet,
            // on-link destinations of its interface).
            if (route != null && (!route.interfaceName().equals(r.interfaceName())
                    || !java.util.Objects.equals(route.gateway(), r.gateway()) || !route.source().equals(r.source()))) {
                return "is routed " + (r.onLink() ? "on-link" : "via " + r.gateway()) + " dev " + r.interfaceName()
                        + ", not the campaign's " + (route.onLink() ? "on-link" : "via " + route.gateway()) + " dev "
                        + route.interfaceName();
            }
        }
        return null;
    }

    private void known(Route r) {
        synchronized (lock) {
            if (!routeKnown) {
                route = r;
                routeKnown = true;
                lock.notifyAll();
            }
        }
    }
}
