/*
 * thread: the helper threads' lower priority (include/thread.h).  Linux
 * keeps a nice value per thread, and setpriority(2) given a thread id
 * sets that thread's alone; raising one's own nice value needs no
 * privilege.
 */
#include <sys/resource.h>

#include <errno.h>
#include <unistd.h>

#include "thread.h"

void
thread_helper_start(void)
{
	id_t self = (id_t)gettid();
	int n;

	errno = 0;
	n = getpriority(PRIO_PROCESS, self);
	if (n == -1 && errno != 0)
		return;
	if (n >= 19)
		return;
	n = n + THREAD_HELPER_NICE > 19 ? 19 : n + THREAD_HELPER_NICE;
	(void)setpriority(PRIO_PROCESS, self, n);
}
