/* Small assertions shared by unit tests (they fail the running cmocka test). */
#ifndef TLSCOPE_TESTS_CHECK_H
#define TLSCOPE_TESTS_CHECK_H

/* Fails the test, showing text, unless text contains needle. */
void check_contains(const char *text, const char *needle);

#endif
