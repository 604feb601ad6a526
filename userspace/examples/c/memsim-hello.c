// SPDX-License-Identifier: GPL-2.0
/*
 * memsim-hello: the smallest program built on an installed libmemsim
 *
 * Build it against an installed memsim (make install, or the libmemsim-dev
 * package):
 *
 *	cc -o memsim-hello memsim-hello.c $(pkg-config --cflags --libs memsim)
 *
 * It prints the strategies libmemsim knows, then, on a machine with
 * /dev/memsim (or the path given as its argument), creates a 1 MiB
 * segment, allocates 256 bytes under best fit, frees them and prints the
 * summary.  Without the device it says so and exits 1.
 */
#include <stdio.h>
#include <string.h>

#include <libmemsim.h>

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : MEMSIM_DEFAULT_PATH;
	struct memsim_alloc_arg req, res;
	struct memsim_summary sum;
	struct memsim_handle h;
	__u32 s;

	for (s = 0; s < MEMSIM_STRATEGY_COUNT; s++)
		printf("strategy %u: %s\n", s, memsim_strategy_name(s));

	if (memsim_open(&h, path)) {
		fprintf(stderr, "memsim-hello: %s (is memsim.ko loaded? modprobe memsim)\n",
			memsim_strerror(&h));
		return 1;
	}
	memset(&req, 0, sizeof(req));
	req.size = 256;
	if (memsim_create_segment(&h, 0x10000000, 1 << 20, 0, 0, NULL) ||
	    memsim_set_strategy(&h, memsim_strategy_from_name("best"), 0) ||
	    memsim_alloc(&h, &req, &res) ||
	    memsim_free(&h, res.addr, 256, 0, NULL) ||
	    memsim_get_summary(&h, &sum)) {
		fprintf(stderr, "memsim-hello: %s\n", memsim_strerror(&h));
		memsim_close(&h);
		return 1;
	}
	printf("allocated 256 bytes at 0x%llx, freed them\n", (unsigned long long)res.addr);
	memsim_print_summary(stdout, &sum);
	memsim_close(&h);
	return 0;
}
