/* The engine's socket BIO: send(MSG_NOSIGNAL) and a read budget per step (see sockbio.h). */
#include "engine/sockbio.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "util/mem.h"

struct sockbio {
    int fd;
    int reads_left;
    size_t bytes_left;
    bool spent; /* the budget said "retry" in this step */
    bool eof;   /* recv() returned 0 */
};

static BIO_METHOD *sockbio_method;
static pthread_once_t sockbio_once = PTHREAD_ONCE_INIT;

static bool would_block(int e)
{
    return e == EAGAIN || e == EWOULDBLOCK || e == EINTR || e == EINPROGRESS;
}

static int sb_read(BIO *b, char *buf, size_t len, size_t *done)
{
    struct sockbio *s = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    if (s->reads_left <= 0 || s->bytes_left == 0) {
        s->spent = true;
        BIO_set_retry_read(b);
        return 0;
    }
    if (len > s->bytes_left)
        len = s->bytes_left;
    ssize_t n = recv(s->fd, buf, len, 0);
    if (n > 0) {
        s->reads_left--;
        s->bytes_left -= (size_t)n;
        *done = (size_t)n;
        return 1;
    }
    if (n == 0)
        s->eof = true;
    else if (would_block(errno))
        BIO_set_retry_read(b);
    return 0;
}

static int sb_write(BIO *b, const char *buf, size_t len, size_t *done)
{
    struct sockbio *s = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    ssize_t n = send(s->fd, buf, len, MSG_NOSIGNAL);
    if (n >= 0) {
        *done = (size_t)n;
        return 1;
    }
    if (would_block(errno))
        BIO_set_retry_write(b);
    return 0;
}

static long sb_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    struct sockbio *s = BIO_get_data(b);
    switch (cmd) {
    case BIO_CTRL_FLUSH: return 1;
    case BIO_CTRL_EOF: return s && s->eof;
    case BIO_CTRL_GET_CLOSE: return BIO_get_shutdown(b);
    case BIO_CTRL_SET_CLOSE: BIO_set_shutdown(b, (int)num); return 1;
    case BIO_C_GET_FD:
        if (!s)
            return -1;
        if (ptr)
            *(int *)ptr = s->fd;
        return s->fd;
    default: return 0;
    }
}

static int sb_create(BIO *b)
{
    BIO_set_data(b, NULL);
    BIO_set_init(b, 0);
    return 1;
}

static int sb_destroy(BIO *b)
{
    free(BIO_get_data(b)); /* the descriptor belongs to the connection */
    BIO_set_data(b, NULL);
    return 1;
}

static void sockbio_make_method(void)
{
    int type = BIO_get_new_index();
    BIO_METHOD *m = type < 0 ? NULL
                             : BIO_meth_new(type | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                                            "tlscope socket");
    if (!m)
        return;
    if (!BIO_meth_set_read_ex(m, sb_read) || !BIO_meth_set_write_ex(m, sb_write) ||
        !BIO_meth_set_ctrl(m, sb_ctrl) || !BIO_meth_set_create(m, sb_create) ||
        !BIO_meth_set_destroy(m, sb_destroy)) {
        BIO_meth_free(m);
        return;
    }
    sockbio_method = m; /* lives as long as the process, like OpenSSL's own methods */
}

BIO *sockbio_new(int fd)
{
    pthread_once(&sockbio_once, sockbio_make_method);
    if (!sockbio_method)
        return NULL;
    BIO *b = BIO_new(sockbio_method);
    if (!b)
        return NULL;
    struct sockbio *s = xcalloc(1, sizeof(*s));
    s->fd = fd;
    BIO_set_data(b, s);
    BIO_set_init(b, 1);
    BIO_set_shutdown(b, BIO_NOCLOSE);
    sockbio_step(b);
    return b;
}

void sockbio_step(BIO *b)
{
    struct sockbio *s = BIO_get_data(b);
    if (!s)
        return;
    s->reads_left = SOCKBIO_STEP_READS;
    s->bytes_left = SOCKBIO_STEP_BYTES;
    s->spent = false;
}

bool sockbio_budget_spent(BIO *b)
{
    struct sockbio *s = BIO_get_data(b);
    return s && s->spent;
}
