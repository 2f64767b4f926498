package org.tracecap.capture;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The byte streams a capture is read from, before a reader sees them: the first bytes looked at and put
 * back ({@link #prefixed}), and gzip decompressed as it is read ({@link #gunzip}, RFC 1952; Wireshark reads
 * and writes {@code .pcap.gz} and {@code .pcapng.gz}). Every read returns what is there (at least one byte)
 * rather than waiting to fill the caller's buffer, so a capture arriving through a pipe is handed on as it
 * comes.
 */
final class CaptureStreams {
    /** The two bytes every gzip member starts with (RFC 1952 section 2.3.1: ID1, ID2). */
    static final int GZIP_ID1 = 0x1f;
    static final int GZIP_ID2 = 0x8b;
    /** Compressed bytes read at a time by the inflater. */
    private static final int GZIP_INPUT = 1 << 16;

    /** The gzip stream under a capture is broken: cut short, or not what RFC 1952 allows. */
    static final class GzipException extends IOException {
        private static final long serialVersionUID = 1L;
        final boolean cutShort;

        GzipException(String message, boolean cutShort, Throwable cause) {
            super(message, cause);
            this.cutShort = cutShort;
        }
    }

    private CaptureStreams() {
    }

    static boolean isGzip(byte[] start, int length) {
        return length >= 2 && (start[0] & 0xff) == GZIP_ID1 && (start[1] & 0xff) == GZIP_ID2;
    }

    /**
     * Reads up to {@code into.length} bytes from {@code in}; fewer only when the stream ends first.
     *
     * @return how many bytes were read
     */
    static int readFully(ReadableByteChannel in, byte[] into) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(into);
        while (b.hasRemaining()) {
            if (in.read(b) < 0) {
                break;
            }
        }
        return b.position();
    }

    /** {@code in} with the {@code length} bytes of {@code start}, already read from it, put back in front. */
    static ReadableByteChannel prefixed(byte[] start, int length, ReadableByteChannel in) {
        return new ReadableByteChannel() {
            private int given;

            @Override
            public int read(ByteBuffer dst) throws IOException {
                if (given < length) {
                    int n = Math.min(length - given, dst.remaining());
                    dst.put(start, given, n);
                    given += n;
                    return n;
                }
                return in.read(dst);
            }

            @Override
            public boolean isOpen() {
                return in.isOpen();
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /**
     * The decompressed bytes of the gzip stream {@code in} (several members follow one another, as
     * RFC 1952 section 2.2 allows). A broken stream fails a read with a {@link GzipException}.
     *
     * @throws GzipException the gzip header itself is broken or cut short
     */
    static ReadableByteChannel gunzip(ReadableByteChannel in) throws GzipException {
        InputStream inflated;
        try {
            inflated = new GZIPInputStream(Channels.newInputStream(in), GZIP_INPUT);
        } catch (IOException e) {
            throw gzipFault(e);
        }
        return new ReadableByteChannel() {
            private boolean open = true;

            @Override
            public int read(ByteBuffer dst) throws IOException {
                // One read of the inflater: it returns what it can inflate from the input it has (reading
                // more only when it has none), not a full buffer.
                int n;
                try {
                    n = inflated.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                } catch (IOException e) {
                    throw gzipFault(e);
                }
                if (n > 0) {
                    dst.position(dst.position() + n);
                }
                return n;
            }

            @Override
            public boolean isOpen() {
                return open;
            }

            @Override
            public void close() throws IOException {
                open = false;
                inflated.close();
            }
        };
    }

    /** java.util.zip's failure, said for a user: EOFException is a stream cut short, ZipException a corrupt one. */
    private static GzipException gzipFault(IOException e) {
        if (e instanceof GzipException g) {
            return g;
        }
        String detail = e.getMessage() != null ? e.getMessage()
                : e instanceof EOFException ? "unexpected end of the stream" : "no details";
        if (e instanceof EOFException) {
            return new GzipException("stream cut short: " + detail, true, e);
        }
        if (e instanceof ZipException) {
            return new GzipException("stream corrupt: " + detail, false, e);
        }
        return new GzipException("stream unreadable: " + detail, false, e);
    }
}
