/*
 * dynlib: the libraries only some commands need (the workbook's and the
 * web server's, with the TLS and crypto libraries they bring), loaded when
 * first needed, so that every other run neither maps them nor starts
 * them.  A module keeps its functions in a struct of pointers, each of the
 * type its header declares (DYNLIB_FN), and loads them all at once.
 */
#ifndef CPTUNITS_DYNLIB_H
#define CPTUNITS_DYNLIB_H

#include <stddef.h>

/* A member of such a struct: a pointer to the function f as declared. */
#define DYNLIB_FN(f)	__typeof__(f) *f;
/* Its name and where it goes, for dynlib_load. */
#define DYNLIB_SYM(s, f)	{ #f, (void *)&(s).f },

struct dynlib_sym {
	const char	*name;
	void		*fnp;		/* the address of a function pointer */
};

/*
 * Open soname and set every pointer of syms; 0, or -1 with *why (free it)
 * saying which library or function is missing.  Opened once: later calls
 * find it done.
 */
int	dynlib_load(const char *soname, const struct dynlib_sym *, size_t n,
	    int *done, char **why);

#endif
