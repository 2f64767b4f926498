package org.tracecap.trace;

import java.io.IOException;
import org.tracecap.match.FrameSink;

/**
 * A port that passes every call to another: subclasses override what they watch or change (counting what
 * is sent, saving what is received) and keep the rest, the delivery lag included, as the port beneath.
 */
public abstract class ForwardingPacketPort implements PacketPort {
    private final PacketPort port;

    protected ForwardingPacketPort(PacketPort port) {
        this.port = port;
    }

    @Override
    public int linkType() {
        return port.linkType();
    }

    @Override
    public void send(byte[] frame, int length) throws IOException {
        port.send(frame, length);
    }

    @Override
    public int receive(FrameSink sink, long timeoutNanos) throws IOException {
        return port.receive(sink, timeoutNanos);
    }

    @Override
    public void wakeup() {
        port.wakeup();
    }

    @Override
    public long deliveryLagNanos() {
        return port.deliveryLagNanos();
    }

    @Override
    public void close() {
        port.close();
    }
}
