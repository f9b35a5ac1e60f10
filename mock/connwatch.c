/* connwatch: a list of connections waiting for a request head, each with its deadline,
 * and a list of lingering sockets, served by one thread. A head past its deadline has
 * its socket shut down (MHD then sees the end of the stream and closes the connection);
 * a lingering socket is drained with poll and read, then closed. */
#include "connwatch.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TICK_MS 100

/* A slot's list links are guarded by the watch's mutex; its deadline is written only by
 * the connection's own thread (one MHD callback at a time) and read by the watch thread,
 * without the mutex, so the requests of all connections share no lock: the deadline is
 * stored before `waiting` is set (release) and read after it (acquire). */
struct connwatch_slot {
    connwatch_slot *prev, *next;
    int fd;
    atomic_bool waiting;         /* for a head (not inside a request) */
    _Atomic int64_t deadline_ms; /* while waiting */
    bool cut;                    /* already shut down (the watch thread's alone) */
};

typedef struct lingering {
    int fd;
    uint64_t left; /* bytes still to drop */
    int64_t until_ms;
} lingering;

struct connwatch {
    pthread_mutex_t mu; /* guards everything below */
    pthread_t thread;
    int wake[2]; /* a byte written ends the thread's wait at once */
    bool stop;
    int64_t head_ms, idle_ms; /* head_ms 0: no deadline; idle_ms -1: idle for ever */
    connwatch_slot *first;
    lingering linger[CONNWATCH_LINGER_MAX];
    size_t n_linger;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads what is there on a lingering socket; false when it is done with. */
static bool drain(lingering *l, short revents, int64_t now)
{
    static char sink[65536];
    if (now >= l->until_ms)
        return false;
    if (!(revents & (POLLIN | POLLHUP | POLLERR)))
        return true;
    ssize_t n = recv(l->fd, sink, sizeof sink, MSG_DONTWAIT);
    if (n <= 0)
        return n < 0 && revents == POLLIN; /* a spurious wake-up keeps it */
    l->left = (uint64_t)n >= l->left ? 0 : l->left - (uint64_t)n;
    return l->left > 0;
}

static void *watch(void *arg)
{
    connwatch *w = arg;
    struct pollfd pfd[CONNWATCH_LINGER_MAX + 1];
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        size_t n = w->n_linger;
        for (size_t i = 0; i < n; i++)
            pfd[i] = (struct pollfd){.fd = w->linger[i].fd, .events = POLLIN};
        pfd[n] = (struct pollfd){.fd = w->wake[0], .events = POLLIN};
        pthread_mutex_unlock(&w->mu);
        /* only this thread removes lingering sockets, so pfd stays valid unlocked */
        poll(pfd, n + 1, TICK_MS);
        pthread_mutex_lock(&w->mu);
        int64_t now = now_ms();
        /* sockets added meanwhile sit past n and wait for the next round */
        for (size_t i = n; i-- > 0;)
            if (!drain(&w->linger[i], pfd[i].revents, now)) {
                close(w->linger[i].fd);
                w->linger[i] = w->linger[--w->n_linger];
            }
        /* Under the lock: a slot in the list has an open socket (connwatch_close runs
         * before MHD closes it), so fd is never someone else's. */
        for (connwatch_slot *s = w->first; s; s = s->next)
            if (!s->cut && atomic_load_explicit(&s->waiting, memory_order_acquire) &&
                now >= atomic_load_explicit(&s->deadline_ms, memory_order_relaxed)) {
                shutdown(s->fd, SHUT_RDWR);
                s->cut = true;
            }
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

connwatch *connwatch_new(unsigned head_timeout_s, unsigned idle_timeout_s)
{
    connwatch *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    if (pipe(w->wake) != 0) {
        free(w);
        return NULL;
    }
    pthread_mutex_init(&w->mu, NULL);
    w->head_ms = (int64_t)head_timeout_s * 1000;
    w->idle_ms = idle_timeout_s ? (int64_t)idle_timeout_s * 1000 : -1;
    if (pthread_create(&w->thread, NULL, watch, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        close(w->wake[0]);
        close(w->wake[1]);
        free(w);
        return NULL;
    }
    return w;
}

void connwatch_free(connwatch *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_mutex_unlock(&w->mu);
    if (write(w->wake[1], "x", 1) != 1) {
        /* the pipe is empty and ours: cannot fail; at worst the thread ends next tick */
    }
    pthread_join(w->thread, NULL);
    close(w->wake[0]);
    close(w->wake[1]);
    for (size_t i = 0; i < w->n_linger; i++)
        close(w->linger[i].fd);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

connwatch_slot *connwatch_open(connwatch *w, int fd)
{
    if (!w || !w->head_ms)
        return NULL;
    connwatch_slot *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->fd = fd;
    /* a new connection is expected to send its request now: no idle allowance */
    atomic_init(&s->deadline_ms, now_ms() + w->head_ms);
    atomic_init(&s->waiting, true);
    pthread_mutex_lock(&w->mu);
    s->next = w->first;
    if (w->first)
        w->first->prev = s;
    w->first = s;
    pthread_mutex_unlock(&w->mu);
    return s;
}

void connwatch_request_line(connwatch *w, connwatch_slot *s)
{
    if (!w || !s)
        return;
    int64_t d = now_ms() + w->head_ms;
    if (d < atomic_load_explicit(&s->deadline_ms, memory_order_relaxed))
        atomic_store_explicit(&s->deadline_ms, d, memory_order_relaxed);
}

void connwatch_head_done(connwatch *w, connwatch_slot *s)
{
    if (!w || !s)
        return;
    atomic_store_explicit(&s->waiting, false, memory_order_relaxed);
}

void connwatch_request_done(connwatch *w, connwatch_slot *s)
{
    if (!w || !s)
        return;
    /* A kept-alive connection may idle (the idle timeout closes it), but the request
     * line of its next request cannot trickle in for longer than idle + head. */
    atomic_store_explicit(&s->deadline_ms,
                          w->idle_ms < 0 ? INT64_MAX : now_ms() + w->idle_ms + w->head_ms,
                          memory_order_relaxed);
    atomic_store_explicit(&s->waiting, true, memory_order_release);
}

void connwatch_close(connwatch *w, connwatch_slot *s)
{
    if (!w || !s)
        return;
    pthread_mutex_lock(&w->mu);
    if (s->prev)
        s->prev->next = s->next;
    else
        w->first = s->next;
    if (s->next)
        s->next->prev = s->prev;
    pthread_mutex_unlock(&w->mu);
    free(s);
}

void connwatch_linger(connwatch *w, int fd, uint64_t max_bytes)
{
    if (fd < 0)
        return;
    if (w) {
        pthread_mutex_lock(&w->mu);
        bool room = !w->stop && w->n_linger < CONNWATCH_LINGER_MAX;
        if (room)
            w->linger[w->n_linger++] = (lingering){fd, max_bytes, now_ms() + CONNWATCH_LINGER_MS};
        pthread_mutex_unlock(&w->mu);
        if (room)
            return;
    }
    close(fd);
}
