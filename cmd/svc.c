/* svc: run a svc command by its short name ("svc import ..." runs
 * "svc-import ..."), and list the commands. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"

static const struct {
	const char *name, *what;
} cmds[] = {
	{ "import", "load ticket exports and configuration into the database" },
	{ "route", "set priority and owner by rules anyone can edit" },
	{ "sla", "run SLA clocks on business calendars; business-time calculator" },
	{ "escalate", "tell the person who can act, once; breach reasons; problems" },
	{ "report", "reports and KPIs that drill down to tickets; the HTML page" },
	{ "measure", "improvement measures, their gates and lights" },
	{ "approve", "approvals of ticket actions and measure gates; delegation" },
	{ "db", "create, verify (audit hash chain), check, back up the database" },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void
usage(FILE *fp)
{
	fputs("usage: svc COMMAND [ARGS ...]\n"
	    "       svc help [COMMAND]\n", fp);
}

static void
help(void)
{
	size_t i;

	usage(stdout);
	fputs("\nRuns svc-COMMAND with ARGS: \"svc import export.csv\" is\n"
	    "\"svc-import export.csv\".  A command is looked for beside svc\n"
	    "first, then in PATH.\n\nCommands:\n", stdout);
	for (i = 0; i < NCMDS; i++)
		printf("  %-10s %s\n", cmds[i].name, cmds[i].what);
	fputs("\n\"svc help COMMAND\" shows the options of one (as\n"
	    "\"svc-COMMAND --help\"); man svc-COMMAND has the details and\n"
	    "man 7 svc what they share.\n", stdout);
}

/* 1 when name is a command; else a usage error said, 0. */
static int
known(const char *name)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return 1;
	fprintf(stderr, "svc: '%s' is not a svc command; 'svc help' lists "
	    "them\n", name);
	return 0;
}

/* Run svc-NAME with argv (argv[0] is replaced): from svc's own directory
 * when it is there, else from PATH.  Returns only on failure. */
static int
run(const char *name, char **argv)
{
	char prog[64], self[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n;

	snprintf(prog, sizeof(prog), "svc-%s", name);
	argv[0] = prog;
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		char *slash;

		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/%s", self, prog);
			if (access(path, X_OK) == 0)
				execv(path, argv);
		}
	}
	execvp(prog, argv);
	fprintf(stderr, "svc: cannot run %s: %s\n", prog, strerror(errno));
	return SVC_EXIT_FATAL;
}

int
main(int argc, char **argv)
{
	svc_err_progname(argv[0]);
	if (argc < 2) {
		usage(stderr);
		fputs("svc: no command given; 'svc help' lists them\n", stderr);
		return SVC_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    (strcmp(argv[1], "help") == 0 && argc == 2)) {
		help();
		return svc_exit_flush(SVC_EXIT_OK);
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("svc %s\n", SVC_VERSION);
		return svc_exit_flush(SVC_EXIT_OK);
	}
	if (strcmp(argv[1], "help") == 0) {
		char *hargv[] = { NULL, "--help", NULL };

		if (argc > 3) {
			usage(stderr);
			fputs("svc: help takes one COMMAND\n", stderr);
			return SVC_EXIT_USAGE;
		}
		return known(argv[2]) ? run(argv[2], hargv) : SVC_EXIT_USAGE;
	}
	return known(argv[1]) ? run(argv[1], argv + 1) : SVC_EXIT_USAGE;
}
