/* sleeper: an unsorted list (at most the connection limit long) scanned by one thread
 * that sleeps on a condition variable until the next deadline, polling watched sockets
 * every WATCH_MS for a hang-up. */
#include "sleeper.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#define WATCH_MS 50

typedef struct sleeping {
    struct sleeping *next;
    struct MHD_Connection *conn;
    int64_t deadline_ms;
    int fd;
} sleeping;

struct sleeper {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* on CLOCK_MONOTONIC */
    pthread_t thread;
    sleeping *head;
    bool stop;
    bool joined;
};

int64_t sleeper_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool peer_gone(int fd)
{
    char c;
    ssize_t n;
    if (fd < 0)
        return false;
    n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static void *run(void *arg)
{
    sleeper *s = arg;
    pthread_mutex_lock(&s->mu);
    while (!s->stop) {
        int64_t now = sleeper_now_ms(), next = now + 60000;
        sleeping *due = NULL, **pp = &s->head;
        while (*pp) {
            sleeping *z = *pp;
            if (z->deadline_ms <= now || peer_gone(z->fd)) {
                *pp = z->next;
                z->next = due;
                due = z;
                continue;
            }
            if (z->deadline_ms < next)
                next = z->deadline_ms;
            if (z->fd >= 0 && now + WATCH_MS < next)
                next = now + WATCH_MS;
            pp = &z->next;
        }
        if (due) {
            /* resume outside our lock: MHD takes its own locks in there */
            pthread_mutex_unlock(&s->mu);
            while (due) {
                sleeping *z = due;
                due = z->next;
                MHD_resume_connection(z->conn);
                free(z);
            }
            pthread_mutex_lock(&s->mu);
            continue;
        }
        struct timespec ts = {.tv_sec = next / 1000, .tv_nsec = (next % 1000) * 1000000};
        pthread_cond_timedwait(&s->cv, &s->mu, &ts);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

sleeper *sleeper_new(void)
{
    pthread_condattr_t ca;
    sleeper *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&s->thread, NULL, run, s) != 0) {
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return NULL;
    }
    return s;
}

void sleeper_stop(sleeper *s)
{
    sleeping *z;
    bool joined;
    pthread_mutex_lock(&s->mu);
    joined = s->joined;
    s->stop = true;
    s->joined = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (!joined)
        pthread_join(s->thread, NULL);
    pthread_mutex_lock(&s->mu);
    z = s->head;
    s->head = NULL;
    pthread_mutex_unlock(&s->mu);
    while (z) {
        sleeping *next = z->next;
        MHD_resume_connection(z->conn);
        free(z);
        z = next;
    }
}

void sleeper_free(sleeper *s)
{
    if (!s)
        return;
    sleeper_stop(s);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

int sleeper_add(sleeper *s, struct MHD_Connection *c, int64_t deadline_ms, int watch_fd)
{
    sleeping *z = calloc(1, sizeof *z);
    if (!z)
        return -1;
    z->conn = c;
    z->deadline_ms = deadline_ms;
    z->fd = watch_fd;
    pthread_mutex_lock(&s->mu);
    if (s->stop) {
        pthread_mutex_unlock(&s->mu);
        free(z);
        return -1;
    }
    z->next = s->head;
    s->head = z;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return 0;
}
