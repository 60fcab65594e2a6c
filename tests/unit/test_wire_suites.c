/* The cipher suite names table is searched by halving (wire_names.c cipher_find, and
 * wire_suite_at skipping the signalling values): every entry must be found by its code and
 * listed once, which holds only while the table stays sorted by code. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "wire/suites.h"
#include "wire/wire.h"

/* Codes strictly ascending, each one known and named (not its hex form). */
static void test_every_suite_found(void **state)
{
    (void)state;
    size_t n = wire_suite_count();
    assert_true(n > 300);
    uint16_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        uint16_t code = wire_suite_at(i);
        if (i > 0 && code <= prev)
            fail_msg("suite %zu: 0x%04X after 0x%04X: the table must stay sorted", i, code, prev);
        prev = code;
        if (wire_cipher_is_scsv(code))
            fail_msg("suite %zu: 0x%04X is a signalling value, not a suite", i, code);
        char buf[WIRE_NAME_BUF];
        const char *name = wire_cipher_name(code, buf, sizeof buf);
        if (!wire_cipher_known(code) || name == buf)
            fail_msg("suite 0x%04X (entry %zu) is not found by its code", code, i);
    }
    /* the two signalling values are in the same table */
    assert_true(wire_cipher_known(0x00FF));
    assert_true(wire_cipher_known(0x5600));
    assert_int_equal(wire_suite_at(n), 0); /* past the end */
}

/* Codes around and between the entries: unknown ones give their hex form. */
static void test_unknown_codes(void **state)
{
    (void)state;
    char buf[WIRE_NAME_BUF];
    assert_string_equal(wire_cipher_name(0x1301, buf, sizeof buf), "TLS_AES_128_GCM_SHA256");
    assert_string_equal(wire_cipher_name(0xC02F, buf, sizeof buf),
                        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assert_false(wire_cipher_known(0xFFFF));
    assert_string_equal(wire_cipher_name(0xFFFF, buf, sizeof buf), "0xFFFF");
    assert_false(wire_cipher_known(0x1399));
    assert_string_equal(wire_cipher_name(0x1399, buf, sizeof buf), "0x1399");
    assert_string_equal(wire_cipher_name(0x0A0A, buf, sizeof buf), "GREASE");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_suite_found),
        cmocka_unit_test(test_unknown_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
