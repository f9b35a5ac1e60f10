/* msg: kpct's own messages on stderr. */
#include "msg.h"

#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

int msg_usage(const char *reason)
{
    fprintf(stderr, "kpct: %s\nTry 'kpct --help'.\n", reason);
    return CLI_EXIT_USAGE;
}

int msg_oom(void)
{
    fputs("kpct: out of memory\n", stderr);
    return CLI_EXIT_SOFTWARE;
}

void msg_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("kpct: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
