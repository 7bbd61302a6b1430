/*
 * diag: a list of messages collected while working, shown together at the
 * end (as tmux's cfg.c does with configuration errors).
 *
 * Ownership: a struct diag owns its strings; diag_free releases them and
 * leaves the list empty and reusable.
 */
#ifndef CPTUNITS_DIAG_H
#define CPTUNITS_DIAG_H

#include <stddef.h>
#include <stdio.h>

struct diag {
	char	**msg;
	size_t	  n;
	size_t	  cap;
};

/* Append one formatted message. */
void	diag_add(struct diag *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Print every message as "cptunits: MESSAGE" to the stream. */
void	diag_print(const struct diag *, FILE *);
void	diag_free(struct diag *);

/* Print "cptunits: MESSAGE" to standard error. */
void	warnmsg(const char *, ...) __attribute__((format(printf, 1, 2)));
/*
 * Hold warnmsg's messages back until warn_release, which prints them
 * (print) or drops them: a pass that may be read again says nothing twice.
 * -1 when the buffer cannot be made (messages go to standard error).
 */
int	warn_hold(void);
void	warn_release(int print);

#endif
