/*
 * thread_helper_start: the calling thread's nice value goes up by
 * THREAD_HELPER_NICE (to 19 at most), and only that thread's: the
 * thread that started it keeps its own.
 */
#include <sys/resource.h>

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "thread.h"

struct probe {
	int	from;		/* -100: as it starts; else set to this first */
	int	before, after;
};

static int
nice_of_self(void)
{
	return getpriority(PRIO_PROCESS, (id_t)gettid());
}

static void *
probe_main(void *arg)
{
	struct probe *p = arg;

	if (p->from != -100)
		(void)setpriority(PRIO_PROCESS, (id_t)gettid(), p->from);
	p->before = nice_of_self();
	thread_helper_start();
	p->after = nice_of_self();
	return NULL;
}

static void
probe(struct probe *p)
{
	pthread_t th;

	assert_int_equal(pthread_create(&th, NULL, probe_main, p), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
}

static void
test_lower(void **state)
{
	struct probe p = { -100, 0, 0 };
	int mine = nice_of_self();

	(void)state;
	probe(&p);
	assert_int_equal(p.before, mine);	/* a new thread starts as ours */
	assert_int_equal(p.after, mine + THREAD_HELPER_NICE > 19 ? 19 :
	    mine + THREAD_HELPER_NICE);
	assert_int_equal(nice_of_self(), mine);	/* ours is as it was */
}

static void
test_capped(void **state)
{
	struct probe p = { 18, 0, 0 }, q = { 19, 0, 0 };
	int mine = nice_of_self();

	(void)state;
	if (mine > 18)
		skip();		/* cannot go back down to 18 unprivileged */
	probe(&p);
	assert_int_equal(p.before, 18);
	assert_int_equal(p.after, 19);
	probe(&q);
	assert_int_equal(q.after, 19);
	assert_int_equal(nice_of_self(), mine);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lower),
		cmocka_unit_test(test_capped),
	};

	return cmocka_run_group_tests_name("thread", tests, NULL, NULL);
}
