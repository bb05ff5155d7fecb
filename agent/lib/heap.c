// SPDX-License-Identifier: GPL-2.0
/*
 * Giving freed heap back to the system (weft/heap.h).
 *
 * glibc returns memory to the system only from the top of an arena. A
 * burst that allocates much and frees it (add-flows of 100,000 rules
 * from one 8 MB request, a dump of them, a del-flows, thousands of
 * megaflows expiring at once) leaves most of it in the free lists, and
 * weftd's RSS stays at the burst's peak until the memory is reused:
 * 240 MB after the rules of such an add-flows were all deleted. The
 * daemon calls wft_heap_trim() from a periodic timer; malloc_trim()
 * hands whole free pages back (madvise) wherever they are.
 */
#include <malloc.h>

#include "weft/coverage.h"
#include "weft/heap.h"
#include "weft/vlog.h"

WFT_LOG_MODULE(heap);
WFT_COVERAGE_DEFINE(heap_trim);

bool wft_heap_trim(size_t min)
{
	struct mallinfo2 mi = mallinfo2();

	/* fordblks counts every free byte, keepcost the releasable top
	 * (which free() trims on its own past M_TRIM_THRESHOLD). */
	if (mi.fordblks <= mi.keepcost || mi.fordblks - mi.keepcost <= min)
		return false;
	malloc_trim(0);
	WFT_COVERAGE_INC(heap_trim);
	wft_dbg("trimmed the heap: %zu bytes were free", mi.fordblks);
	return true;
}
