package org.tracecap.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Properties;

/**
 * {@code tracecap}: dispatches to a subcommand. Exit status 0 on success, 2 for bad usage, a capture or
 * output that cannot be read or written, or a live trace that cannot start, 1 for an internal error. Every
 * error is one line on stderr, never a stack trace.
 *
 * <p>This class only touches the JDK, so {@code tracecap --help} starts without loading Commons CLI,
 * pcap4j, JNA or Jackson: each command's class is loaded only when that command runs.
 */
public final class Main {
    /** Exit status: success. */
    public static final int OK = 0;
    /** Exit status: a bug (an exception nobody expected); still one line on stderr. */
    public static final int INTERNAL_ERROR = 1;
    /** Exit status: bad usage, a file that cannot be read or written, a live trace that cannot start. */
    public static final int FAILED = 2;

    static final String HELP = """
            usage: tracecap COMMAND [OPTIONS] ...

            A traceroute built on packet capture: it finds probes and the ICMP or TCP replies that
            answer them in captured frames, and prints hops as traceroute tables or hop JSON.

            commands:
              replay CAPTURE  reconstruct the traceroutes saved in a capture (.pcap or .pcapng,
                              also gzipped, or - for stdin; made by any tool: traceroute, mtr,
                              scamper, dublin-traceroute...)
              trace HOST      trace the path to HOST live: UDP probes sent and their answers
                              captured on one interface with libpcap (needs root or CAP_NET_RAW)

            options:
              -h, --help      show this help; 'tracecap COMMAND --help' shows a command's options
                  --version   print tracecap's version

            exit status: 0 done, 2 bad usage, a live trace that cannot start (privilege, interface,
            route, ARP) or a file that cannot be read or written.
            """;

    private Main() {
    }

    public static void main(String[] args) {
        // System.out flushes at every line: a large report is written in 64 KiB blocks instead, and each
        // writer flushes when a trace is complete so nothing waits.
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out),
                1 << 16), false, StandardCharsets.UTF_8);
        int status = run(args, out, System.err);
        out.flush();
        System.err.flush();
        System.exit(status);
    }

    /** Runs tracecap with {@code args}, writing to {@code out} and {@code err}; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args.length == 0) {
                return usageError(err, "no command given", "tracecap --help");
            }
            String first = args[0];
            String[] rest = Arrays.copyOfRange(args, 1, args.length);
            switch (first) {
                case "-h", "--help" -> {
                    out.print(HELP);
                    return OK;
                }
                case "--version" -> {
                    out.println("tracecap " + version());
                    return OK;
                }
                case "replay" -> {
                    return ReplayCommand.run(rest, out, err);
                }
                case "trace" -> {
                    return TraceCommand.run(rest, out, err);
                }
                default -> {
                    String what = first.startsWith("-") ? "unknown option '" + first + "'"
                            : "unknown command '" + first + "'";
                    return usageError(err, what, "tracecap --help");
                }
            }
        } catch (RuntimeException | Error e) {
            err.println("tracecap: internal error: " + describe(e));
            return INTERNAL_ERROR;
        }
    }

    /** Two lines: what is wrong, and where to read how it is done. */
    static int usageError(PrintStream err, String problem, String helpCommand) {
        err.println("tracecap: " + problem);
        err.println("try '" + helpCommand + "'");
        return FAILED;
    }

    /** An unexpected throwable as one line: its class and message, and its root cause's. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (root != e) {
            text += " (caused by " + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
        }
        return text.replaceAll("\\s+", " ").strip();
    }

    /** The project version, filled into version.properties by Maven's resource filtering. */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    /** {@code n} and the noun, plural unless {@code n} is one: "1 probe", "2 probes". */
    static String count(long n, String one) {
        return count(n, one, one + "s");
    }

    static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** A parser message as the tail of a usage line ("bad arguments" when there is none). */
    static String lowerFirst(String s) {
        if (s == null || s.isEmpty()) {
            return "bad arguments";
        }
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
