/* relay BACKEND_PORT [RESET_EVERY]: a counting TCP relay on 127.0.0.1 (tests/lib/relay.h) for
 * bench/scan.sh. Prints "PORT" on stdout when listening; on SIGTERM prints "accepted N" on
 * stderr and exits. SIGTERM is blocked before the port is printed: one sent as soon as the port
 * is known is held until the loop waits, never lost and never the default (silent) death. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/relay.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: relay BACKEND_PORT [RESET_EVERY]\n");
        return 64;
    }
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 256) < 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &len) < 0) {
        perror("relay");
        return 1;
    }
    relay_block_term();
    printf("%u\n", ntohs(a.sin_port));
    fflush(stdout);
    long n = relay_serve(lfd, (uint16_t)atoi(argv[1]), argc > 2 ? atoi(argv[2]) : 0);
    fprintf(stderr, "accepted %ld\n", n);
    return 0;
}
