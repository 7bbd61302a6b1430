/*
 * dynlib: dlopen and dlsym, with what the caller needs to say when a
 * library is not there.
 */
#include <dlfcn.h>
#include <string.h>

#include "dynlib.h"
#include "strutil.h"

int
dynlib_load(const char *soname, const struct dynlib_sym *syms, size_t n,
    int *done, char **why)
{
	void *h, *f;
	size_t i;

	*why = NULL;
	if (*done)
		return 0;
	if ((h = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		*why = xasprintf("cannot load %s (%s)", soname, dlerror());
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((f = dlsym(h, syms[i].name)) == NULL) {
			*why = xasprintf("%s has no %s", soname, syms[i].name);
			dlclose(h);
			return -1;
		}
		/* POSIX: a function's address, as dlsym gives it, in the
		 * function pointer of the same type */
		memcpy(syms[i].fnp, &f, sizeof(f));
	}
	*done = 1;	/* it stays open for the run */
	return 0;
}
