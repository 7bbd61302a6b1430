/*
 * annotate: a calendar written back with what each billable event bills
 * (SPEC §6 write-back): an X-CPT-UNITS property and a line in its
 * DESCRIPTION.  The text is copied as read, byte for byte, but for those
 * two properties of the events billed; so line folding, line ends,
 * VTIMEZONEs and unknown properties survive, and annotating again
 * replaces what an earlier run added instead of adding more.
 */
#ifndef CPTUNITS_ANNOTATE_H
#define CPTUNITS_ANNOTATE_H

#include <stddef.h>
#include <stdio.h>

#include "ics.h"
#include "rules.h"

/*
 * Write text (the calendar as read, len bytes) to fp, annotating each
 * event of run->billed (by its BEGIN:VEVENT line).  Returns how many
 * events were annotated.
 */
size_t	annotate_write(const char *text, size_t len, const struct icsrun *,
	    const struct rules *, FILE *fp);
/* "0373T*1,0374T*1" and the DESCRIPTION sentence, for one event. */
void	annotate_texts(const struct ics_billed *, const struct rules *,
	    char *units, size_t usize, char *sentence, size_t ssize);

#endif
