/*
 * connected_udp.c - what does a UDP socket hear about an ICMP error?
 *
 * Part of tracecap's docs (see docs/connected-udp-and-icmp.md); built and run by
 * docs/demo/run-demo.sh, which gives it a private network-namespace topology.
 *
 *   cc -Wall -O2 -o connected_udp connected_udp.c
 *   ./connected_udp HOST PORT TTL [--recverr] [--unconnected]
 *
 * Opens an AF_INET/SOCK_DGRAM socket, connect()s it to HOST:PORT (unless
 * --unconnected, then it uses sendto()/recvfrom()), sets the unicast TTL with
 * IP_TTL, sends one small datagram, waits up to 2 s and prints exactly one line:
 *
 *   ECONNREFUSED                      the kernel reported an ICMP port unreachable
 *   timeout (no error reported)       nothing came back to the socket, and
 *                                     SO_ERROR is 0 as well
 *   error: ENAME (strerror)           some other error was reported
 *   reply: N bytes from ADDR:PORT     a datagram came back
 *
 * With --recverr (Linux only) it first sets IP_RECVERR, waits with poll() for
 * POLLIN|POLLERR and, on POLLERR, reads the error queue with
 * recvmsg(MSG_ERRQUEUE) and prints
 *
 *   error queue: ENAME from OFFENDER (origin ICMP, type T code C)
 *
 * where OFFENDER is SO_EE_OFFENDER() of the struct sock_extended_err, i.e.
 * the source address of the ICMP message (the router, for a Time Exceeded).
 *
 * Without --recverr the program only uses portable socket calls, so the same
 * file compiles on FreeBSD and macOS too (the --recverr option is then refused).
 *
 * Exit status: 0 when a line was printed, 2 on usage or setup errors.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/errqueue.h>
#endif

#define WAIT_MS 2000

static const char *errno_name(int e)
{
    switch (e) {
    case ECONNREFUSED: return "ECONNREFUSED";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ENETUNREACH:  return "ENETUNREACH";
    case EHOSTDOWN:    return "EHOSTDOWN";
    case EMSGSIZE:     return "EMSGSIZE";
    case EPROTO:       return "EPROTO";
    case ENOPROTOOPT:  return "ENOPROTOOPT";
    case EOPNOTSUPP:   return "EOPNOTSUPP";
    case EACCES:       return "EACCES";
    case EPERM:        return "EPERM";
    case EAGAIN:       return "EAGAIN";
#ifdef ENONET
    case ENONET:       return "ENONET";
#endif
    default:           return "E?";
    }
}

static void usage(const char *prog)
{
    fprintf(stderr, "usage: %s HOST PORT TTL [--recverr] [--unconnected]\n", prog);
    exit(2);
}

static void die(const char *what)
{
    fprintf(stderr, "connected_udp: %s: %s\n", what, strerror(errno));
    exit(2);
}

/* One line for an error the socket reported through errno / SO_ERROR. */
static void print_error(int e)
{
    if (e == ECONNREFUSED)
        printf("ECONNREFUSED\n");
    else
        printf("error: %s (%s)\n", errno_name(e), strerror(e));
}

#ifdef __linux__
/* Read one entry of the error queue and print it; returns 0 if one was read. */
static int print_error_queue(int fd)
{
    char data[512];
    char control[512];
    struct sockaddr_in target;
    struct iovec iov = { .iov_base = data, .iov_len = sizeof data };
    struct msghdr msg;
    struct cmsghdr *cm;

    memset(&msg, 0, sizeof msg);
    msg.msg_name = &target;
    msg.msg_namelen = sizeof target;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;

    if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
        return -1;
    for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
        if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_RECVERR) {
            struct sock_extended_err *ee = (struct sock_extended_err *)CMSG_DATA(cm);
            struct sockaddr_in *off = (struct sockaddr_in *)SO_EE_OFFENDER(ee);
            char who[INET_ADDRSTRLEN] = "?";

            if (off->sin_family == AF_INET)
                inet_ntop(AF_INET, &off->sin_addr, who, sizeof who);
            printf("error queue: %s from %s (origin %s, type %u code %u)\n",
                   errno_name((int)ee->ee_errno), who,
                   ee->ee_origin == SO_EE_ORIGIN_ICMP ? "ICMP" : "other",
                   ee->ee_type, ee->ee_code);
            return 0;
        }
    }
    printf("error queue: entry without IP_RECVERR control message\n");
    return 0;
}
#endif

int main(int argc, char **argv)
{
    const char *host, *port;
    int ttl, recverr = 0, connected = 1, fd, i, rc;
    struct addrinfo hints, *ai;
    struct pollfd pfd;
    char message[] = "tracecap connected-udp demo";
    char buf[1500];

    if (argc < 4)
        usage(argv[0]);
    host = argv[1];
    port = argv[2];
    ttl = atoi(argv[3]);
    if (ttl < 1 || ttl > 255)
        usage(argv[0]);
    for (i = 4; i < argc; i++) {
        if (strcmp(argv[i], "--recverr") == 0)
            recverr = 1;
        else if (strcmp(argv[i], "--unconnected") == 0)
            connected = 0;
        else
            usage(argv[0]);
    }
#ifndef __linux__
    if (recverr) {
        fprintf(stderr, "connected_udp: --recverr needs Linux (IP_RECVERR)\n");
        return 2;
    }
#endif

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_protocol = IPPROTO_UDP;
    if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0) {
        fprintf(stderr, "connected_udp: %s:%s: %s\n", host, port, gai_strerror(rc));
        return 2;
    }

    if ((fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP)) < 0)
        die("socket");
    if (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) < 0)
        die("setsockopt(IP_TTL)");
#ifdef __linux__
    if (recverr) {
        int on = 1;
        if (setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on) < 0)
            die("setsockopt(IP_RECVERR)");
    }
#endif
    if (connected && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
        die("connect");

    if (connected)
        rc = (int)send(fd, message, sizeof message - 1, 0);
    else
        rc = (int)sendto(fd, message, sizeof message - 1, 0, ai->ai_addr, ai->ai_addrlen);
    if (rc < 0)
        die("send");

    /* Wait for anything: a datagram (POLLIN) or a pending error (POLLERR). */
    pfd.fd = fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    rc = poll(&pfd, 1, WAIT_MS);
    if (rc < 0)
        die("poll");

#ifdef __linux__
    if (recverr && (pfd.revents & POLLERR)) {
        if (print_error_queue(fd) == 0)
            return 0;
        /* nothing queued after all: fall through to the ordinary paths */
    }
#endif

    if (rc > 0) {
        struct sockaddr_in from;
        socklen_t fromlen = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT,
                             (struct sockaddr *)&from, &fromlen);
        if (n >= 0) {
            char who[INET_ADDRSTRLEN] = "?";
            inet_ntop(AF_INET, &from.sin_addr, who, sizeof who);
            printf("reply: %zd bytes from %s:%u\n", n, who, ntohs(from.sin_port));
            return 0;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            print_error(errno);
            return 0;
        }
    }

    /* Nothing arrived in time. Is an asynchronous error pending anyway? */
    {
        int soerr = 0;
        socklen_t len = sizeof soerr;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
            die("getsockopt(SO_ERROR)");
        if (soerr != 0)
            print_error(soerr);
        else
            printf("timeout (no error reported)\n");
    }
    freeaddrinfo(ai);
    close(fd);
    return 0;
}
