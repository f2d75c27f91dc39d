/*
 * The benchmark's ceiling: a Gearman worker that does nothing it need not. One process, one connection, one job
 * at a time, `reverse` done in place; a buffered reader (several packets per read when gearmand sends them), the
 * result and the next grab in one write, and one event line per job on stdout (as ours and the PHP worker write
 * one), so that setup/bench/run.sh counts its jobs the same way. No error handling beyond exiting: a benchmark
 * tool, built by run.sh --ceiling with `cc -O2`. SIGTERM ends it at once (the default action).
 *
 *   null-worker HOST:PORT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { CAN_DO = 1, PRE_SLEEP = 4, NOOP = 6, GRAB_JOB = 9, NO_JOB = 10, JOB_ASSIGN = 11, WORK_COMPLETE = 13 };

static int sock;
static unsigned char in[1 << 16];
static size_t in_start, in_end;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void put_header(unsigned char *p, uint32_t type, uint32_t size) {
    memcpy(p, "\0REQ", 4);
    type = htonl(type);
    size = htonl(size);
    memcpy(p + 4, &type, 4);
    memcpy(p + 8, &size, 4);
}

static void send_all(const unsigned char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(sock, p, n);
        if (w <= 0) die("write");
        p += w;
        n -= (size_t) w;
    }
}

/* makes at least n bytes available at in + in_start */
static void need(size_t n) {
    if (in_end - in_start >= n) return;
    memmove(in, in + in_start, in_end - in_start);
    in_end -= in_start;
    in_start = 0;
    if (n > sizeof in) { fputs("packet too large\n", stderr); exit(1); }
    while (in_end < n) {
        ssize_t r = read(sock, in + in_end, sizeof in - in_end);
        if (r <= 0) exit(r == 0 ? 0 : 1);
        in_end += (size_t) r;
    }
}

int main(int argc, char **argv) {
    if (argc != 2 || strchr(argv[1], ':') == NULL) { fputs("usage: null-worker HOST:PORT\n", stderr); return 2; }
    char host[256];
    snprintf(host, sizeof host, "%.*s", (int) (strchr(argv[1], ':') - argv[1]), argv[1]);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t) atoi(strchr(argv[1], ':') + 1)) };
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) { fputs("null-worker: HOST must be an IPv4 address\n", stderr); return 2; }
    sock = socket(AF_INET, SOCK_STREAM, 0);
    if (sock < 0 || connect(sock, (struct sockaddr *) &addr, sizeof addr) < 0) die("connect");
    int one = 1;
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    static unsigned char out[(1 << 16) + 64];
    put_header(out, CAN_DO, 7);
    memcpy(out + 12, "reverse", 7);
    put_header(out + 19, GRAB_JOB, 0);
    send_all(out, 31);
    static const char ready[] = "{\"event\":\"ready\"}\n";
    static const char ended[] = "{\"event\":\"job_ended\"}\n";
    if (write(1, ready, sizeof ready - 1) < 0) die("stdout");

    for (;;) {
        need(12);
        uint32_t type, size;
        memcpy(&type, in + in_start + 4, 4);
        memcpy(&size, in + in_start + 8, 4);
        type = ntohl(type);
        size = ntohl(size);
        need(12 + (size_t) size);
        unsigned char *body = in + in_start + 12;
        in_start += 12 + (size_t) size;
        if (type == NO_JOB) {
            put_header(out, PRE_SLEEP, 0);
            send_all(out, 12);
        } else if (type == NOOP) {
            put_header(out, GRAB_JOB, 0);
            send_all(out, 12);
        } else if (type == JOB_ASSIGN) {
            /* handle \0 function \0 workload: answer handle \0 reversed workload, then grab the next job */
            unsigned char *handle_end = memchr(body, 0, size);
            unsigned char *function_end = memchr(handle_end + 1, 0, size - (size_t) (handle_end + 1 - body));
            size_t handle_len = (size_t) (handle_end - body);
            unsigned char *workload = function_end + 1;
            size_t workload_len = size - (size_t) (workload - body);
            size_t n = 12 + handle_len + 1 + workload_len;
            if (n + 12 > sizeof out) { fputs("job too large\n", stderr); return 1; }
            put_header(out, WORK_COMPLETE, (uint32_t) (handle_len + 1 + workload_len));
            memcpy(out + 12, body, handle_len + 1);
            for (size_t i = 0; i < workload_len; i++) out[12 + handle_len + 1 + i] = workload[workload_len - 1 - i];
            put_header(out + n, GRAB_JOB, 0);
            send_all(out, n + 12);
            if (write(1, ended, sizeof ended - 1) < 0) die("stdout");
        }
    }
}
