/*
 * thread: what the helper threads (the reader's, billing's) have in
 * common.  A log is read, checked and billed in three threads on
 * machines of two cores; the main thread, which checks and pools every
 * row, is the one the run waits for, and the other two have room.
 */
#ifndef CPTUNITS_THREAD_H
#define CPTUNITS_THREAD_H

/* How much lower a helper thread's priority is than its caller's. */
#define THREAD_HELPER_NICE	3

/*
 * Called first in a helper thread: its nice value THREAD_HELPER_NICE
 * above what it started with (never past 19, never below it), so that
 * when the threads outnumber the cores the scheduler runs the main
 * thread first.  Only the calling thread is changed.
 */
void	thread_helper_start(void);

#endif
