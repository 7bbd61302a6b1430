/*
 * cptunits: technician face-to-face minutes -> billable CPT units.
 * Everything lives in the library; main only hands over.
 */
#include <stdlib.h>		/* and so __GLIBC__ */
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli.h"

int
main(int argc, char **argv)
{
#ifdef __GLIBC__
	/*
	 * Big blocks (kept sessions, the report's lines: a MiB or more) come
	 * from and go back to the system at once, always: glibc would
	 * otherwise raise its threshold past them as the first is freed, and
	 * later ones would be zeroed by hand in the heap, and kept there.
	 */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
#endif
	return cli_main(argc, argv);
}
