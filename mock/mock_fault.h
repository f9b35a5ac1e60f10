/* mock_fault: the mock's rule for a fault spec, public so kpct checks a case file's
 * faults with the same code the mock arms them with.
 * Ownership: nothing is handed out; spec is borrowed and err is the caller's buffer. */
#ifndef KPCT_MOCK_FAULT_PUBLIC_H
#define KPCT_MOCK_FAULT_PUBLIC_H

#include <cJSON.h>
#include <stddef.h>

/* Checks a fault spec exactly as POST /__admin/faults would take it, without arming
 * anything (pure: no state, thread-safe). Returns 0, or -1 with the one-line reason the
 * mock would answer in err. */
int mock_fault_spec_check(const cJSON *spec, char *err, size_t errlen);

#endif
