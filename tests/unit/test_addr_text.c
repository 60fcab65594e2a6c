/* transport_addr_text: the address words every report, error and JSON field uses. IPv4 takes
 * a path of its own (no inet_ntop/sprintf per call); it must say exactly what inet_ntop says. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine/transport.h"

static void test_ipv4_like_inet_ntop(void **state)
{
    (void)state;
    static const char *const addrs[] = {"0.0.0.0",        "127.0.0.1",    "255.255.255.255",
                                        "10.0.0.1",       "1.2.3.4",      "100.64.9.99",
                                        "192.168.100.10", "9.99.100.199", "203.0.113.250"};
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        struct sockaddr_in sa = {.sin_family = AF_INET};
        assert_int_equal(inet_pton(AF_INET, addrs[i], &sa.sin_addr), 1);
        char buf[64], want[64];
        transport_addr_text((struct sockaddr *)&sa, 0, buf, sizeof buf);
        assert_string_equal(buf, addrs[i]);
        transport_addr_text((struct sockaddr *)&sa, 443, buf, sizeof buf);
        snprintf(want, sizeof want, "%s:443", addrs[i]);
        assert_string_equal(buf, want);
    }
    /* every octet value */
    for (unsigned v = 0; v < 256; v++) {
        struct sockaddr_in sa = {.sin_family = AF_INET};
        sa.sin_addr.s_addr = htonl(v << 24 | v << 16 | (255 - v) << 8 | v);
        char buf[INET6_ADDRSTRLEN + 2], want[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &sa.sin_addr, want, sizeof want);
        transport_addr_text((struct sockaddr *)&sa, 0, buf, sizeof buf);
        assert_string_equal(buf, want);
    }
}

static void test_small_buffer_and_ipv6(void **state)
{
    (void)state;
    struct sockaddr_in sa = {.sin_family = AF_INET};
    inet_pton(AF_INET, "192.168.100.200", &sa.sin_addr);
    char buf[8];
    transport_addr_text((struct sockaddr *)&sa, 0, buf, sizeof buf);
    assert_string_equal(buf, "192.168"); /* cut, still terminated */
    transport_addr_text((struct sockaddr *)&sa, 8443, buf, sizeof buf);
    assert_string_equal(buf, "192.168");
    struct sockaddr_in6 s6 = {.sin6_family = AF_INET6};
    inet_pton(AF_INET6, "::1", &s6.sin6_addr);
    char b6[64];
    transport_addr_text((struct sockaddr *)&s6, 443, b6, sizeof b6);
    assert_string_equal(b6, "[::1]:443");
    transport_addr_text((struct sockaddr *)&s6, 0, b6, sizeof b6);
    assert_string_equal(b6, "::1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_like_inet_ntop),
        cmocka_unit_test(test_small_buffer_and_ipv6),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
