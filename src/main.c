/*
 * cptunits: technician face-to-face minutes -> billable CPT units.
 * Everything lives in the library; main only hands over.
 */
#include "cli.h"

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
