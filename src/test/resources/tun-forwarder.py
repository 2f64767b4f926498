#!/usr/bin/env python3
"""A point-to-point link made of two TUN devices, for tracecap's live tests (testnet/TunLink.java).

    tun-forwarder.py NETNS_A IFNAME_A NETNS_B IFNAME_B [--delay-ms N] [--a-arphrd N]

Creates IFNAME_A (IFF_TUN | IFF_NO_PI: raw IP, as WireGuard and OpenVPN's tun give) inside network namespace
NETNS_A and IFNAME_B inside NETNS_B (setns(2) on /var/run/netns/NAME before opening /dev/net/tun: a TUN
device is made in the opener's namespace), prints "ready", then copies every packet one device's side writes
to the other device, both ways, each after N ms (a link with a real RTT). --a-arphrd sets device A's ARPHRD
type (TUNSETLINK, before it is up): 512 (ARPHRD_PPP) makes libpcap open it as Linux cooked capture, as it
does a ppp0. Runs until killed or until its standard input closes (the test JVM gone); the devices vanish
with it. It sends nothing of its own.
"""
import ctypes
import fcntl
import heapq
import os
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
TUNSETLINK = 0x400454CD
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000

libc = ctypes.CDLL(None, use_errno=True)


def enter(netns):
    fd = os.open("/var/run/netns/" + netns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + netns)
    finally:
        os.close(fd)


def tun(netns, name, arphrd=None):
    enter(netns)
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    if arphrd is not None:
        fcntl.ioctl(fd, TUNSETLINK, arphrd)
    os.set_blocking(fd, False)
    return fd


def main(argv):
    args = list(argv)
    delay = 0.0
    arphrd = None
    if "--delay-ms" in args:
        i = args.index("--delay-ms")
        delay = float(args[i + 1]) / 1000.0
        del args[i:i + 2]
    if "--a-arphrd" in args:
        i = args.index("--a-arphrd")
        arphrd = int(args[i + 1])
        del args[i:i + 2]
    ns_a, if_a, ns_b, if_b = args
    a = tun(ns_a, if_a, arphrd)
    b = tun(ns_b, if_b)
    other = {a: b, b: a}
    print("ready", flush=True)
    stdin = sys.stdin.fileno()
    due = []  # (time to write, sequence, fd, packet)
    seq = 0
    while True:
        timeout = None
        if due:
            timeout = max(0.0, due[0][0] - time.monotonic())
        readable, _, _ = select.select([a, b, stdin], [], [], timeout)
        if stdin in readable and not os.read(stdin, 4096):
            return 0
        for fd in (a, b):
            if fd in readable:
                while True:
                    try:
                        packet = os.read(fd, 65536)
                    except BlockingIOError:
                        break
                    seq += 1
                    heapq.heappush(due, (time.monotonic() + delay, seq, other[fd], packet))
        now = time.monotonic()
        while due and due[0][0] <= now:
            _, _, fd, packet = heapq.heappop(due)
            try:
                os.write(fd, packet)
            except OSError:
                pass  # the device is down or its queue full: a lost packet, as on a real link


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
