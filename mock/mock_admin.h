/* mock_admin: the admin API's routes and body member names, public so kpct asks the
 * mock by the very paths the mock routes (one table, two programs).
 * Ownership: only constants; nothing is handed out. */
#ifndef KPCT_MOCK_ADMIN_PUBLIC_H
#define KPCT_MOCK_ADMIN_PUBLIC_H

/* The reserved path prefix: every admin route starts with it, no Klarna path does. */
#define MOCK_ADMIN_PREFIX "/__admin/"

/* GET: {"status":"ok","service":"kpmock",...}. */
#define MOCK_ADMIN_HEALTH MOCK_ADMIN_PREFIX "health"
/* POST: clears sessions, journal, faults, clock offset and quota (204). */
#define MOCK_ADMIN_RESET MOCK_ADMIN_PREFIX "reset"
/* GET: the request journal; DELETE: clears it. */
#define MOCK_ADMIN_JOURNAL MOCK_ADMIN_PREFIX "journal"
/* GET: the armed faults; POST: arms one (see mock_fault.h); DELETE: disarms all. */
#define MOCK_ADMIN_FAULTS MOCK_ADMIN_PREFIX "faults"
/* GET: the mock's time; POST: moves it (body members below). */
#define MOCK_ADMIN_CLOCK MOCK_ADMIN_PREFIX "clock"
/* GET: the stored sessions; MOCK_ADMIN_SESSIONS "/{id}" GET: one session;
 * MOCK_ADMIN_SESSIONS "/{id}" MOCK_ADMIN_COMPLETE_SUFFIX POST: marks it complete. */
#define MOCK_ADMIN_SESSIONS        MOCK_ADMIN_PREFIX "sessions"
#define MOCK_ADMIN_COMPLETE_SUFFIX "/complete"

/* POST MOCK_ADMIN_CLOCK takes exactly one of these: seconds to move the clock by, or
 * the RFC 3339 UTC time to set it to. */
#define MOCK_ADMIN_CLOCK_ADVANCE "advance_s"
#define MOCK_ADMIN_CLOCK_SET     "set"

#endif
