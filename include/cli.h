/*
 * cli: the command line.  One table declares every option (name, argument,
 * commands, help) and drives getopt_long, --help and the manual's test.
 */
#ifndef CPTUNITS_CLI_H
#define CPTUNITS_CLI_H

struct cli_option {
	const char	*name;		/* long name */
	int		 letter;	/* short letter, or 0 */
	int		 id;		/* what getopt_long returns for it */
	const char	*arg;		/* metavariable, or NULL for a flag */
	const char	*commands;	/* "all", or the commands it serves */
	const char	*help;
};
extern const struct cli_option cli_options[];

/* Run the program; returns its exit status. */
int	cli_main(int argc, char **argv);

#endif
