/*
 * csvread: RFC 4180 records streamed from a file, each with the physical
 * line it starts on.  Everything about CSV syntax lives behind this small
 * interface, so a faster reader can replace this one.
 *
 * Built on libcsv, fed one physical line at a time (a line that is a
 * whole record of plain and simply quoted fields is split by a fast path
 * that gives what libcsv gives, held to it by a differential fuzzer): that is how the line
 * numbers of records (which may span lines) are known, how a NUL byte or
 * invalid UTF-8 is caught on the record it belongs to, and how a quote
 * left open at the end of the file is told from a last line without a
 * newline.  A UTF-8 byte-order mark at the start is skipped.  Input is
 * read in blocks; a record longer than CSV_MAX_RECORD is cut off and
 * reported, and reading goes on at the next line.
 *
 * Ownership: a record returned by csvread_next, and its fields, belong to
 * the reader and stay valid until the next call.
 */
#ifndef CPTUNITS_CSVREAD_H
#define CPTUNITS_CSVREAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum csv_problem {
	CSVP_NONE = 0,
	CSVP_UNTERMINATED = 1,	/* a quoted field still open at end of file */
	CSVP_NUL = 2,		/* a NUL byte */
	CSVP_UTF8 = 4,		/* bytes that are not UTF-8 */
	CSVP_TOOLONG = 8	/* longer than CSV_MAX_RECORD: cut off, fields dropped */
};

/* The longest record kept, so that memory stays bounded whatever the file. */
#define CSV_MAX_RECORD	(1024 * 1024)

struct csvrec {
	char	**field;	/* NUL-terminated */
	size_t	 *len;		/* lengths (a field may hold a NUL byte) */
	size_t	  nfields;
	long	  line;		/* the physical line it starts on, from 1 */
	int	  problem;	/* enum csv_problem bits */
	int	  hashed;	/* for csvrec_hash: hash is set */
	uint64_t  hash;
};

struct csvread;

/* delim: ',' ';' or '\t'; 0 sniffs it from the first line that is not blank. */
struct csvread	*csvread_new(FILE *, int delim);
/* The input is Windows-1252 text: each line is read as its UTF-8. */
void		 csvread_set_cp1252(struct csvread *);
/* Every line through libcsv, none through the fast path (for the
 * differential fuzzer, tests/fuzz/fuzz_csv.c). */
void		 csvread_libcsv_only(struct csvread *);
/*
 * Read ahead: from the first csvread_next, a thread of its own reads and
 * splits the input, a batch of records ahead of the caller (set before
 * reading; should no thread start, reading goes on without one).  The
 * records and the calls are the same; the input is not the caller's until
 * csvread_free.  batch: records a batch, 0 for the default (2048; fewer
 * for the fuzzer, to cross batches often).
 */
void		 csvread_ahead(struct csvread *, size_t batch);
/* The separator in use (once the first line is read, when sniffed). */
int		 csvread_delim(const struct csvread *);
/* 1 and *rec, 0 at the end, -1 on a read error (errno set). */
int		 csvread_next(struct csvread *, const struct csvrec **rec);
void		 csvread_free(struct csvread *);
/* Does a field of the record hold the word "total" (Total, TOTALS:,
 * Grand Total): a report's footer, for the readers of logs and
 * authorizations to skip. */
int		 csvrec_says_total(const struct csvrec *);
/* A hash of the record's fields (their bytes and bounds), for finding
 * repeated rows; made by the reading thread when reading ahead. */
uint64_t	 csvrec_hash(const struct csvrec *);
/*
 * The csvrec_hash of the k-th record after the one csvread_next gave last
 * (k >= 1), when the reading thread has made it and it is in the batch at
 * hand: 1 and *h, else 0.  For looking up what that record will need.
 */
int		 csvread_peek_hash(const struct csvread *, size_t k, uint64_t *h);

#endif
