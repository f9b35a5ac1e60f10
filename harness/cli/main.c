/* main: kpct's entry point — parses the command line and hands it to the command.
 * Exit statuses are listed in --help; usage errors are 64. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cmd.h"
#include "msg.h"
#include "stop.h"

int main(int argc, char **argv)
{
    cli_options o;
    char err[1024];
    char *usage;
    int rc = cli_parse(argc, argv, &o, err, sizeof err);
    if (rc == -2)
        return msg_oom();
    if (rc < 0)
        return msg_usage(err);
    stop_install();
    switch (o.command) {
    case CLI_HELP:
        if (!(usage = cli_usage())) {
            rc = msg_oom();
            break;
        }
        fputs(usage, stdout);
        free(usage);
        rc = CLI_EXIT_OK;
        break;
    case CLI_VERSION:
        printf("kpct %s\n", KPCT_VERSION);
        rc = CLI_EXIT_OK;
        break;
    default:
        rc = cmd_of(o.command)->run(&o);
        break;
    }
    cli_options_free(&o);
    return rc;
}
