/* replay — the floor of a scan: its OWN probes sent one at a time. Reads the file a scan wrote
 * with TLSCOPE_SCAN_DUMP=FILE (one line per probe: index, raw|full, ms, start and end ms, the
 * records it sent in hex, "# what"), and for each probe connects to HOST PORT, sends its first
 * record (the ClientHello; SSLv2's two-byte header understood), and waits for the first complete
 * record back (ServerHello, HelloRetryRequest or alert), a close, or 5 s. The sum of these
 * sequential times is what the server needs for the scan's probes with nothing overlapping; a scan
 * cannot beat it by more than the server's parallelism. Full handshakes are replayed as their
 * hello only (their later round trips are not counted: the floor stays a lower bound).
 *
 * Prints the median over ROUNDS of the total, and the mean per probe by kind (each split into
 * answered by a hello and refused by an alert or a close): TLS 1.3 raw
 * probes (the server: a key exchange), TLS <= 1.2 raw probes (a signature, plus a DHE key for
 * DHE suites), full-handshake hellos.
 *
 * Usage: replay HOST PORT DUMPFILE [ROUNDS]        (default 3 rounds)
 * Exit status 0 when every probe got some answer, 1 otherwise, 2 on usage errors. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROBES_MAX 4096
#define LINE_MAX_B (1 << 20)

enum kind { K13, K12, KFULL, KINDS };
static const char *const kind_name[KINDS] = {"TLS 1.3 raw probes", "TLS <= 1.2 / SSL raw probes",
                                             "full-handshake hellos"};

struct probe {
    uint8_t *hello;
    size_t n;
    enum kind kind;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One probe: the time from connect to the first complete record back (or a close); < 0 when
 * nothing came. */
static double one(const struct sockaddr_in *sa, const struct probe *p, bool *hello)
{
    *hello = false;
    double t0 = now_ms();
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (const struct sockaddr *)sa, sizeof *sa) < 0 ||
        send(fd, p->hello, p->n, MSG_NOSIGNAL) != (ssize_t)p->n) {
        close(fd);
        return -1;
    }
    uint8_t buf[1 << 14];
    size_t got = 0, want = 0;
    double t = -1;
    for (int rounds = 0; rounds < 1000; rounds++) {
        struct pollfd pf = {fd, POLLIN, 0};
        if (poll(&pf, 1, 5000) <= 0)
            break;
        ssize_t r = recv(fd, buf + got, sizeof buf - got, 0);
        if (r <= 0) { /* a close is an answer too (a refusal) */
            t = now_ms() - t0;
            break;
        }
        got += (size_t)r;
        if (!want && got >= 2 && (buf[0] & 0x80))
            want = (((size_t)buf[0] & 0x7f) << 8 | buf[1]) + 2;
        else if (!want && got >= 5)
            want = ((size_t)buf[3] << 8 | buf[4]) + 5;
        if ((want && got >= want) || got == sizeof buf) {
            t = now_ms() - t0;
            *hello = buf[0] == 22 || (buf[0] & 0x80); /* a handshake record, not an alert */
            break;
        }
    }
    close(fd);
    return t;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: replay HOST PORT DUMPFILE [ROUNDS]\n");
        return 2;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
        fprintf(stderr, "replay: HOST must be an IPv4 literal, not '%s'\n", argv[1]);
        return 2;
    }
    int rounds = argc == 5 ? atoi(argv[4]) : 3;
    if (rounds < 1 || rounds > 99) {
        fprintf(stderr, "replay: ROUNDS must be 1..99\n");
        return 2;
    }
    FILE *f = fopen(argv[3], "r");
    if (!f) {
        perror(argv[3]);
        return 2;
    }
    static struct probe pr[PROBES_MAX];
    size_t n = 0;
    char *line = malloc(LINE_MAX_B);
    while (line && n < PROBES_MAX && fgets(line, LINE_MAX_B, f)) {
        char kind[8], hex[8];
        int off = 0;
        if (sscanf(line, "%*u %7s %*f %*f %*f %n%7s", kind, &off, hex) != 2 || hex[0] == '-')
            continue; /* a probe that sent nothing */
        const char *h = line + off, *what = strstr(line, " # ");
        size_t len = 0;
        while (hexval(h[2 * len]) >= 0 && hexval(h[2 * len + 1]) >= 0)
            len++;
        uint8_t *b = malloc(len ? len : 1);
        for (size_t i = 0; i < len; i++)
            b[i] = (uint8_t)(hexval(h[2 * i]) << 4 | hexval(h[2 * i + 1]));
        size_t first = len >= 2 && (b[0] & 0x80) ? ((((size_t)b[0] & 0x7f) << 8 | b[1]) + 2)
                       : len >= 5                ? ((size_t)b[3] << 8 | b[4]) + 5
                                                 : len;
        pr[n].hello = b;
        pr[n].n = first < len ? first : len;
        pr[n].kind = !strcmp(kind, "full")                      ? KFULL
                     : what && !strncmp(what + 3, "TLSv1.3", 7) ? K13
                                                                : K12;
        n++;
    }
    free(line);
    fclose(f);
    if (!n) {
        fprintf(stderr, "replay: %s holds no probes\n", argv[3]);
        return 2;
    }
    double *tot = calloc((size_t)rounds, sizeof *tot);
    double sum[KINDS][2] = {{0}};
    size_t cnt[KINDS][2] = {{0}};
    int missing = 0;
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < n; i++) {
            bool hello;
            double t = one(&sa, &pr[i], &hello);
            if (t < 0) {
                missing++;
                continue;
            }
            tot[r] += t;
            sum[pr[i].kind][hello] += t;
            cnt[pr[i].kind][hello]++;
        }
    qsort(tot, (size_t)rounds, sizeof *tot, cmp_d);
    printf("replayed: %zu probes, %d rounds, one at a time\n", n, rounds);
    printf("sequential total: %.1f ms (median round)\n", tot[rounds / 2]);
    for (int k = 0; k < KINDS; k++)
        for (int h = 1; h >= 0; h--)
            if (cnt[k][h])
                printf("  %-28s %-9s %4zu  mean %.3f ms\n", kind_name[k],
                       h ? "answered" : "refused", cnt[k][h] / (size_t)rounds,
                       sum[k][h] / (double)cnt[k][h]);
    if (missing)
        printf("no answer: %d probe sends\n", missing);
    for (size_t i = 0; i < n; i++)
        free(pr[i].hello);
    free(tot);
    return missing ? 1 : 0;
}
