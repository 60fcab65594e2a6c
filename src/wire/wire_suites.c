/* Cipher suite attributes (see suites.h). The table below holds, per suite, OpenSSL's name
 * and the bulk cipher, its bits and the MAC, as OpenSSL's cipher list and testssl.sh's
 * cipher mapping give them; key exchange and authentication are read from the IANA name. */
#include "wire/suites.h"

#include <string.h>

#include "wire/wire.h"

struct suite_row {
    uint16_t code;
    const char *openssl;
    const char *enc;
    int bits;
    const char *mac;
    bool exportable;
};

static const struct suite_row rows[] = {
    {0x0000, "NULL", "None", 0, "Null", false},
    {0x0001, "NULL-MD5", "None", 0, "MD5", false},
    {0x0002, "NULL-SHA", "None", 0, "SHA1", false},
    {0x0003, "EXP-RC4-MD5", "RC4", 40, "MD5", true},
    {0x0004, "RC4-MD5", "RC4", 128, "MD5", false},
    {0x0005, "RC4-SHA", "RC4", 128, "SHA1", false},
    {0x0006, "EXP-RC2-CBC-MD5", "RC2", 40, "MD5", true},
    {0x0007, "IDEA-CBC-SHA", "IDEA", 128, "SHA1", false},
    {0x0008, "EXP-DES-CBC-SHA", "DES", 40, "SHA1", true},
    {0x0009, "DES-CBC-SHA", "DES", 56, "SHA1", false},
    {0x000A, "DES-CBC3-SHA", "3DES", 168, "SHA1", false},
    {0x000B, "EXP-DH-DSS-DES-CBC-SHA", "DES", 40, "SHA1", true},
    {0x000C, "DH-DSS-DES-CBC-SHA", "DES", 56, "SHA1", false},
    {0x000D, "DH-DSS-DES-CBC3-SHA", "3DES", 168, "SHA1", false},
    {0x000E, "EXP-DH-RSA-DES-CBC-SHA", "DES", 40, "SHA1", true},
    {0x000F, "DH-RSA-DES-CBC-SHA", "DES", 56, "SHA1", false},
    {0x0010, "DH-RSA-DES-CBC3-SHA", "3DES", 168, "SHA1", false},
    {0x0011, "EXP-EDH-DSS-DES-CBC-SHA", "DES", 40, "SHA1", true},
    {0x0012, "EDH-DSS-DES-CBC-SHA", "DES", 56, "SHA1", false},
    {0x0013, "EDH-DSS-DES-CBC3-SHA", "3DES", 168, "SHA1", false},
    {0x0014, "EXP-EDH-RSA-DES-CBC-SHA", "DES", 40, "SHA1", true},
    {0x0015, "EDH-RSA-DES-CBC-SHA", "DES", 56, "SHA1", false},
    {0x0016, "EDH-RSA-DES-CBC3-SHA", "3DES", 168, "SHA1", false},
    {0x0017, "EXP-ADH-RC4-MD5", "RC4", 40, "MD5", true},
    {0x0018, "ADH-RC4-MD5", "RC4", 128, "MD5", false},
    {0x0019, "EXP-ADH-DES-CBC-SHA", "DES", 40, "SHA1", true},
    {0x001A, "ADH-DES-CBC-SHA", "DES", 56, "SHA1", false},
    {0x001B, "ADH-DES-CBC3-SHA", "3DES", 168, "SHA1", false},
    {0x001E, "KRB5-DES-CBC-SHA", "DES", 56, "SHA1", false},
    {0x001F, "KRB5-DES-CBC3-SHA", "3DES", 168, "SHA1", false},
    {0x0020, "KRB5-RC4-SHA", "RC4", 128, "SHA1", false},
    {0x0021, "KRB5-IDEA-CBC-SHA", "IDEA", 128, "SHA1", false},
    {0x0022, "KRB5-DES-CBC-MD5", "DES", 56, "MD5", false},
    {0x0023, "KRB5-DES-CBC3-MD5", "3DES", 168, "MD5", false},
    {0x0024, "KRB5-RC4-MD5", "RC4", 128, "MD5", false},
    {0x0025, "KRB5-IDEA-CBC-MD5", "IDEA", 128, "MD5", false},
    {0x0026, "EXP-KRB5-DES-CBC-SHA", "DES", 40, "SHA1", true},
    {0x0027, "EXP-KRB5-RC2-CBC-SHA", "RC2", 40, "SHA1", true},
    {0x0028, "EXP-KRB5-RC4-SHA", "RC4", 40, "SHA1", true},
    {0x0029, "EXP-KRB5-DES-CBC-MD5", "DES", 40, "MD5", true},
    {0x002A, "EXP-KRB5-RC2-CBC-MD5", "RC2", 40, "MD5", true},
    {0x002B, "EXP-KRB5-RC4-MD5", "RC4", 40, "MD5", true},
    {0x002C, "PSK-NULL-SHA", "None", 0, "SHA1", false},
    {0x002D, "DHE-PSK-NULL-SHA", "None", 0, "SHA1", false},
    {0x002E, "RSA-PSK-NULL-SHA", "None", 0, "SHA1", false},
    {0x002F, "AES128-SHA", "AES", 128, "SHA1", false},
    {0x0030, "DH-DSS-AES128-SHA", "AES", 128, "SHA1", false},
    {0x0031, "DH-RSA-AES128-SHA", "AES", 128, "SHA1", false},
    {0x0032, "DHE-DSS-AES128-SHA", "AES", 128, "SHA1", false},
    {0x0033, "DHE-RSA-AES128-SHA", "AES", 128, "SHA1", false},
    {0x0034, "ADH-AES128-SHA", "AES", 128, "SHA1", false},
    {0x0035, "AES256-SHA", "AES", 256, "SHA1", false},
    {0x0036, "DH-DSS-AES256-SHA", "AES", 256, "SHA1", false},
    {0x0037, "DH-RSA-AES256-SHA", "AES", 256, "SHA1", false},
    {0x0038, "DHE-DSS-AES256-SHA", "AES", 256, "SHA1", false},
    {0x0039, "DHE-RSA-AES256-SHA", "AES", 256, "SHA1", false},
    {0x003A, "ADH-AES256-SHA", "AES", 256, "SHA1", false},
    {0x003B, "NULL-SHA256", "None", 0, "SHA256", false},
    {0x003C, "AES128-SHA256", "AES", 128, "SHA256", false},
    {0x003D, "AES256-SHA256", "AES", 256, "SHA256", false},
    {0x003E, "DH-DSS-AES128-SHA256", "AES", 128, "SHA256", false},
    {0x003F, "DH-RSA-AES128-SHA256", "AES", 128, "SHA256", false},
    {0x0040, "DHE-DSS-AES128-SHA256", "AES", 128, "SHA256", false},
    {0x0041, "CAMELLIA128-SHA", "Camellia", 128, "SHA1", false},
    {0x0042, "DH-DSS-CAMELLIA128-SHA", "Camellia", 128, "SHA1", false},
    {0x0043, "DH-RSA-CAMELLIA128-SHA", "Camellia", 128, "SHA1", false},
    {0x0044, "DHE-DSS-CAMELLIA128-SHA", "Camellia", 128, "SHA1", false},
    {0x0045, "DHE-RSA-CAMELLIA128-SHA", "Camellia", 128, "SHA1", false},
    {0x0046, "ADH-CAMELLIA128-SHA", "Camellia", 128, "SHA1", false},
    {0x0060, "EXP1024-RC4-MD5", "RC4", 56, "MD5", true},
    {0x0061, "EXP1024-RC2-CBC-MD5", "RC2", 56, "MD5", true},
    {0x0062, "EXP1024-DES-CBC-SHA", "DES", 56, "SHA1", true},
    {0x0063, "EXP1024-DHE-DSS-DES-CBC-SHA", "DES", 56, "SHA1", true},
    {0x0064, "EXP1024-RC4-SHA", "RC4", 56, "SHA1", true},
    {0x0065, "EXP1024-DHE-DSS-RC4-SHA", "RC4", 56, "SHA1", true},
    {0x0066, "DHE-DSS-RC4-SHA", "RC4", 128, "SHA1", false},
    {0x0067, "DHE-RSA-AES128-SHA256", "AES", 128, "SHA256", false},
    {0x0068, "DH-DSS-AES256-SHA256", "AES", 256, "SHA256", false},
    {0x0069, "DH-RSA-AES256-SHA256", "AES", 256, "SHA256", false},
    {0x006A, "DHE-DSS-AES256-SHA256", "AES", 256, "SHA256", false},
    {0x006B, "DHE-RSA-AES256-SHA256", "AES", 256, "SHA256", false},
    {0x006C, "ADH-AES128-SHA256", "AES", 128, "SHA256", false},
    {0x006D, "ADH-AES256-SHA256", "AES", 256, "SHA256", false},
    {0x0080, "GOST94-GOST89-GOST89", "GOST", 256, "GOST89IMIT", false},
    {0x0081, "GOST2001-GOST89-GOST89", "GOST", 256, "GOST89IMIT", false},
    {0x0082, "GOST94-NULL-GOST94", "None", 0, "GOSTR3411", false},
    {0x0083, "GOST2001-NULL-GOST94", "None", 0, "GOST94", false},
    {0x0084, "CAMELLIA256-SHA", "Camellia", 256, "SHA1", false},
    {0x0085, "DH-DSS-CAMELLIA256-SHA", "Camellia", 256, "SHA1", false},
    {0x0086, "DH-RSA-CAMELLIA256-SHA", "Camellia", 256, "SHA1", false},
    {0x0087, "DHE-DSS-CAMELLIA256-SHA", "Camellia", 256, "SHA1", false},
    {0x0088, "DHE-RSA-CAMELLIA256-SHA", "Camellia", 256, "SHA1", false},
    {0x0089, "ADH-CAMELLIA256-SHA", "Camellia", 256, "SHA1", false},
    {0x008A, "PSK-RC4-SHA", "RC4", 128, "SHA1", false},
    {0x008B, "PSK-3DES-EDE-CBC-SHA", "3DES", 168, "SHA1", false},
    {0x008C, "PSK-AES128-CBC-SHA", "AES", 128, "SHA1", false},
    {0x008D, "PSK-AES256-CBC-SHA", "AES", 256, "SHA1", false},
    {0x008E, "DHE-PSK-RC4-SHA", "RC4", 128, "SHA1", false},
    {0x008F, "DHE-PSK-3DES-EDE-CBC-SHA", "3DES", 168, "SHA1", false},
    {0x0090, "DHE-PSK-AES128-CBC-SHA", "AES", 128, "SHA1", false},
    {0x0091, "DHE-PSK-AES256-CBC-SHA", "AES", 256, "SHA1", false},
    {0x0092, "RSA-PSK-RC4-SHA", "RC4", 128, "SHA1", false},
    {0x0093, "RSA-PSK-3DES-EDE-CBC-SHA", "3DES", 168, "SHA1", false},
    {0x0094, "RSA-PSK-AES128-CBC-SHA", "AES", 128, "SHA1", false},
    {0x0095, "RSA-PSK-AES256-CBC-SHA", "AES", 256, "SHA1", false},
    {0x0096, "SEED-SHA", "SEED", 128, "SHA1", false},
    {0x0097, "DH-DSS-SEED-SHA", "SEED", 128, "SHA1", false},
    {0x0098, "DH-RSA-SEED-SHA", "SEED", 128, "SHA1", false},
    {0x0099, "DHE-DSS-SEED-SHA", "SEED", 128, "SHA1", false},
    {0x009A, "DHE-RSA-SEED-SHA", "SEED", 128, "SHA1", false},
    {0x009B, "ADH-SEED-SHA", "SEED", 128, "SHA1", false},
    {0x009C, "AES128-GCM-SHA256", "AESGCM", 128, "AEAD", false},
    {0x009D, "AES256-GCM-SHA384", "AESGCM", 256, "AEAD", false},
    {0x009E, "DHE-RSA-AES128-GCM-SHA256", "AESGCM", 128, "AEAD", false},
    {0x009F, "DHE-RSA-AES256-GCM-SHA384", "AESGCM", 256, "AEAD", false},
    {0x00A0, "DH-RSA-AES128-GCM-SHA256", "AESGCM", 128, "AEAD", false},
    {0x00A1, "DH-RSA-AES256-GCM-SHA384", "AESGCM", 256, "AEAD", false},
    {0x00A2, "DHE-DSS-AES128-GCM-SHA256", "AESGCM", 128, "AEAD", false},
    {0x00A3, "DHE-DSS-AES256-GCM-SHA384", "AESGCM", 256, "AEAD", false},
    {0x00A4, "DH-DSS-AES128-GCM-SHA256", "AESGCM", 128, "AEAD", false},
    {0x00A5, "DH-DSS-AES256-GCM-SHA384", "AESGCM", 256, "AEAD", false},
    {0x00A6, "ADH-AES128-GCM-SHA256", "AESGCM", 128, "AEAD", false},
    {0x00A7, "ADH-AES256-GCM-SHA384", "AESGCM", 256, "AEAD", false},
    {0x00A8, "PSK-AES128-GCM-SHA256", "AESGCM", 128, "AEAD", false},
    {0x00A9, "PSK-AES256-GCM-SHA384", "AESGCM", 256, "AEAD", false},
    {0x00AA, "DHE-PSK-AES128-GCM-SHA256", "AESGCM", 128, "AEAD", false},
    {0x00AB, "DHE-PSK-AES256-GCM-SHA384", "AESGCM", 256, "AEAD", false},
    {0x00AC, "RSA-PSK-AES128-GCM-SHA256", "AESGCM", 128, "AEAD", false},
    {0x00AD, "RSA-PSK-AES256-GCM-SHA384", "AESGCM", 256, "AEAD", false},
    {0x00AE, "PSK-AES128-CBC-SHA256", "AES", 128, "SHA256", false},
    {0x00AF, "PSK-AES256-CBC-SHA384", "AES", 256, "SHA384", false},
    {0x00B0, "PSK-NULL-SHA256", "None", 0, "SHA256", false},
    {0x00B1, "PSK-NULL-SHA384", "None", 0, "SHA384", false},
    {0x00B2, "DHE-PSK-AES128-CBC-SHA256", "AES", 128, "SHA256", false},
    {0x00B3, "DHE-PSK-AES256-CBC-SHA384", "AES", 256, "SHA384", false},
    {0x00B4, "DHE-PSK-NULL-SHA256", "None", 0, "SHA256", false},
    {0x00B5, "DHE-PSK-NULL-SHA384", "None", 0, "SHA384", false},
    {0x00B6, "RSA-PSK-AES128-CBC-SHA256", "AES", 128, "SHA256", false},
    {0x00B7, "RSA-PSK-AES256-CBC-SHA384", "AES", 256, "SHA384", false},
    {0x00B8, "RSA-PSK-NULL-SHA256", "None", 0, "SHA256", false},
    {0x00B9, "RSA-PSK-NULL-SHA384", "None", 0, "SHA384", false},
    {0x00BA, "CAMELLIA128-SHA256", "Camellia", 128, "SHA256", false},
    {0x00BB, "DH-DSS-CAMELLIA128-SHA256", "Camellia", 128, "SHA256", false},
    {0x00BC, "DH-RSA-CAMELLIA128-SHA256", "Camellia", 128, "SHA256", false},
    {0x00BD, "DHE-DSS-CAMELLIA128-SHA256", "Camellia", 128, "SHA256", false},
    {0x00BE, "DHE-RSA-CAMELLIA128-SHA256", "Camellia", 128, "SHA256", false},
    {0x00BF, "ADH-CAMELLIA128-SHA256", "Camellia", 128, "SHA256", false},
    {0x00C0, "CAMELLIA256-SHA256", "Camellia", 256, "SHA256", false},
    {0x00C1, "DH-DSS-CAMELLIA256-SHA256", "Camellia", 256, "SHA256", false},
    {0x00C2, "DH-RSA-CAMELLIA256-SHA256", "Camellia", 256, "SHA256", false},
    {0x00C3, "DHE-DSS-CAMELLIA256-SHA256", "Camellia", 256, "SHA256", false},
    {0x00C4, "DHE-RSA-CAMELLIA256-SHA256", "Camellia", 256, "SHA256", false},
    {0x00C5, "ADH-CAMELLIA256-SHA256", "Camellia", 256, "SHA256", false},
    {0x1301, "TLS_AES_128_GCM_SHA256", "AESGCM", 128, "AEAD", false},
    {0x1302, "TLS_AES_256_GCM_SHA384", "AESGCM", 256, "AEAD", false},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256", "ChaCha20", 256, "AEAD", false},
    {0x1304, "TLS_AES_128_CCM_SHA256", "AESCCM", 128, "AEAD", false},
    {0x1305, "TLS_AES_128_CCM_8_SHA256", "AESCCM8", 128, "AEAD", false},
    {0x16B7, NULL, "ChaCha20", 256, "AEAD", false},
    {0x16B8, NULL, "ChaCha20", 256, "AEAD", false},
    {0x16B9, NULL, "AESGCM", 256, "AEAD", false},
    {0x16BA, NULL, "AESGCM", 256, "AEAD", false},
    {0xC001, "ECDH-ECDSA-NULL-SHA", "None", 0, "SHA1", false},
    {0xC002, "ECDH-ECDSA-RC4-SHA", "RC4", 128, "SHA1", false},
    {0xC003, "ECDH-ECDSA-DES-CBC3-SHA", "3DES", 168, "SHA1", false},
    {0xC004, "ECDH-ECDSA-AES128-SHA", "AES", 128, "SHA1", false},
    {0xC005, "ECDH-ECDSA-AES256-SHA", "AES", 256, "SHA1", false},
    {0xC006, "ECDHE-ECDSA-NULL-SHA", "None", 0, "SHA1", false},
    {0xC007, "ECDHE-ECDSA-RC4-SHA", "RC4", 128, "SHA1", false},
    {0xC008, "ECDHE-ECDSA-DES-CBC3-SHA", "3DES", 168, "SHA1", false},
    {0xC009, "ECDHE-ECDSA-AES128-SHA", "AES", 128, "SHA1", false},
    {0xC00A, "ECDHE-ECDSA-AES256-SHA", "AES", 256, "SHA1", false},
    {0xC00B, "ECDH-RSA-NULL-SHA", "None", 0, "SHA1", false},
    {0xC00C, "ECDH-RSA-RC4-SHA", "RC4", 128, "SHA1", false},
    {0xC00D, "ECDH-RSA-DES-CBC3-SHA", "3DES", 168, "SHA1", false},
    {0xC00E, "ECDH-RSA-AES128-SHA", "AES", 128, "SHA1", false},
    {0xC00F, "ECDH-RSA-AES256-SHA", "AES", 256, "SHA1", false},
    {0xC010, "ECDHE-RSA-NULL-SHA", "None", 0, "SHA1", false},
    {0xC011, "ECDHE-RSA-RC4-SHA", "RC4", 128, "SHA1", false},
    {0xC012, "ECDHE-RSA-DES-CBC3-SHA", "3DES", 168, "SHA1", false},
    {0xC013, "ECDHE-RSA-AES128-SHA", "AES", 128, "SHA1", false},
    {0xC014, "ECDHE-RSA-AES256-SHA", "AES", 256, "SHA1", false},
    {0xC015, "AECDH-NULL-SHA", "None", 0, "SHA1", false},
    {0xC016, "AECDH-RC4-SHA", "RC4", 128, "SHA1", false},
    {0xC017, "AECDH-DES-CBC3-SHA", "3DES", 168, "SHA1", false},
    {0xC018, "AECDH-AES128-SHA", "AES", 128, "SHA1", false},
    {0xC019, "AECDH-AES256-SHA", "AES", 256, "SHA1", false},
    {0xC01A, "SRP-3DES-EDE-CBC-SHA", "3DES", 168, "SHA1", false},
    {0xC01B, "SRP-RSA-3DES-EDE-CBC-SHA", "3DES", 168, "SHA1", false},
    {0xC01C, "SRP-DSS-3DES-EDE-CBC-SHA", "3DES", 168, "SHA1", false},
    {0xC01D, "SRP-AES-128-CBC-SHA", "AES", 128, "SHA1", false},
    {0xC01E, "SRP-RSA-AES-128-CBC-SHA", "AES", 128, "SHA1", false},
    {0xC01F, "SRP-DSS-AES-128-CBC-SHA", "AES", 128, "SHA1", false},
    {0xC020, "SRP-AES-256-CBC-SHA", "AES", 256, "SHA1", false},
    {0xC021, "SRP-RSA-AES-256-CBC-SHA", "AES", 256, "SHA1", false},
    {0xC022, "SRP-DSS-AES-256-CBC-SHA", "AES", 256, "SHA1", false},
    {0xC023, "ECDHE-ECDSA-AES128-SHA256", "AES", 128, "SHA256", false},
    {0xC024, "ECDHE-ECDSA-AES256-SHA384", "AES", 256, "SHA384", false},
    {0xC025, "ECDH-ECDSA-AES128-SHA256", "AES", 128, "SHA256", false},
    {0xC026, "ECDH-ECDSA-AES256-SHA384", "AES", 256, "SHA384", false},
    {0xC027, "ECDHE-RSA-AES128-SHA256", "AES", 128, "SHA256", false},
    {0xC028, "ECDHE-RSA-AES256-SHA384", "AES", 256, "SHA384", false},
    {0xC029, "ECDH-RSA-AES128-SHA256", "AES", 128, "SHA256", false},
    {0xC02A, "ECDH-RSA-AES256-SHA384", "AES", 256, "SHA384", false},
    {0xC02B, "ECDHE-ECDSA-AES128-GCM-SHA256", "AESGCM", 128, "AEAD", false},
    {0xC02C, "ECDHE-ECDSA-AES256-GCM-SHA384", "AESGCM", 256, "AEAD", false},
    {0xC02D, "ECDH-ECDSA-AES128-GCM-SHA256", "AESGCM", 128, "AEAD", false},
    {0xC02E, "ECDH-ECDSA-AES256-GCM-SHA384", "AESGCM", 256, "AEAD", false},
    {0xC02F, "ECDHE-RSA-AES128-GCM-SHA256", "AESGCM", 128, "AEAD", false},
    {0xC030, "ECDHE-RSA-AES256-GCM-SHA384", "AESGCM", 256, "AEAD", false},
    {0xC031, "ECDH-RSA-AES128-GCM-SHA256", "AESGCM", 128, "AEAD", false},
    {0xC032, "ECDH-RSA-AES256-GCM-SHA384", "AESGCM", 256, "AEAD", false},
    {0xC033, "ECDHE-PSK-RC4-SHA", "RC4", 128, "SHA1", false},
    {0xC034, "ECDHE-PSK-3DES-EDE-CBC-SHA", "3DES", 168, "SHA1", false},
    {0xC035, "ECDHE-PSK-AES128-CBC-SHA", "AES", 128, "SHA1", false},
    {0xC036, "ECDHE-PSK-AES256-CBC-SHA", "AES", 256, "SHA1", false},
    {0xC037, "ECDHE-PSK-AES128-CBC-SHA256", "AES", 128, "SHA256", false},
    {0xC038, "ECDHE-PSK-AES256-CBC-SHA384", "AES", 256, "SHA384", false},
    {0xC039, "ECDHE-PSK-NULL-SHA", "None", 0, "SHA1", false},
    {0xC03A, "ECDHE-PSK-NULL-SHA256", "None", 0, "SHA256", false},
    {0xC03B, "ECDHE-PSK-NULL-SHA384", "None", 0, "SHA384", false},
    {0xC03C, "ARIA128-CBC-SHA256", "ARIA", 128, "SHA256", false},
    {0xC03D, "ARIA256-CBC-SHA384", "ARIA", 256, "SHA384", false},
    {0xC03E, NULL, "ARIA", 128, "SHA256", false},
    {0xC03F, NULL, "ARIA", 256, "SHA384", false},
    {0xC040, NULL, "ARIA", 128, "SHA256", false},
    {0xC041, NULL, "ARIA", 256, "SHA384", false},
    {0xC042, "DHE-DSS-ARIA128-CBC-SHA256", "ARIA", 128, "SHA256", false},
    {0xC043, "DHE-DSS-ARIA256-CBC-SHA384", "ARIA", 256, "SHA384", false},
    {0xC044, "DHE-RSA-ARIA128-CBC-SHA256", "ARIA", 128, "SHA256", false},
    {0xC045, "DHE-RSA-ARIA256-CBC-SHA384", "ARIA", 256, "SHA384", false},
    {0xC046, "DH-anon-ARIA128-CBC-SHA256", "ARIA", 128, "SHA256", false},
    {0xC047, "DH-anon-ARIA256-CBC-SHA384", "ARIA", 256, "SHA384", false},
    {0xC048, "ECDHE-ECDSA-ARIA128-CBC-SHA256", "ARIA", 128, "SHA256", false},
    {0xC049, "ECDHE-ECDSA-ARIA256-CBC-SHA384", "ARIA", 256, "SHA384", false},
    {0xC04A, NULL, "ARIA", 128, "SHA256", false},
    {0xC04B, NULL, "ARIA", 256, "SHA384", false},
    {0xC04C, "ECDHE-RSA-ARIA128-CBC-SHA256", "ARIA", 128, "SHA256", false},
    {0xC04D, "ECDHE-RSA-ARIA256-CBC-SHA384", "ARIA", 256, "SHA384", false},
    {0xC04E, NULL, "ARIA", 128, "SHA256", false},
    {0xC04F, NULL, "ARIA", 256, "SHA384", false},
    {0xC050, "ARIA128-GCM-SHA256", "ARIAGCM", 128, "AEAD", false},
    {0xC051, "ARIA256-GCM-SHA384", "ARIAGCM", 256, "AEAD", false},
    {0xC052, "DHE-RSA-ARIA128-GCM-SHA256", "ARIAGCM", 128, "AEAD", false},
    {0xC053, "DHE-RSA-ARIA256-GCM-SHA384", "ARIAGCM", 256, "AEAD", false},
    {0xC054, "DH-RSA-ARIA128-GCM-SHA256", "ARIAGCM", 128, "AEAD", false},
    {0xC055, "DH-RSA-ARIA256-GCM-SHA384", "ARIAGCM", 256, "AEAD", false},
    {0xC056, "DHE-DSS-ARIA128-GCM-SHA256", "ARIAGCM", 128, "AEAD", false},
    {0xC057, "DHE-DSS-ARIA256-GCM-SHA384", "ARIAGCM", 256, "AEAD", false},
    {0xC058, "DH-DSS-ARIA128-GCM-SHA256", "ARIAGCM", 128, "AEAD", false},
    {0xC059, "DH-DSS-ARIA256-GCM-SHA384", "ARIAGCM", 256, "AEAD", false},
    {0xC05A, "ADH-ARIA128-GCM-SHA256", "ARIAGCM", 128, "AEAD", false},
    {0xC05B, "ADH-ARIA256-GCM-SHA384", "ARIAGCM", 256, "AEAD", false},
    {0xC05C, "ECDHE-ECDSA-ARIA128-GCM-SHA256", "ARIAGCM", 128, "AEAD", false},
    {0xC05D, "ECDHE-ECDSA-ARIA256-GCM-SHA384", "ARIAGCM", 256, "AEAD", false},
    {0xC05E, "ECDH-ECDSA-ARIA128-GCM-SHA256", "ARIAGCM", 128, "AEAD", false},
    {0xC05F, "ECDH-ECDSA-ARIA256-GCM-SHA384", "ARIAGCM", 256, "AEAD", false},
    {0xC060, "ECDHE-ARIA128-GCM-SHA256", "ARIAGCM", 128, "AEAD", false},
    {0xC061, "ECDHE-ARIA256-GCM-SHA384", "ARIAGCM", 256, "AEAD", false},
    {0xC062, "ECDH-ARIA128-GCM-SHA256", "ARIAGCM", 128, "AEAD", false},
    {0xC063, "ECDH-ARIA256-GCM-SHA384", "ARIAGCM", 256, "AEAD", false},
    {0xC064, NULL, "ARIA", 128, "SHA256", false},
    {0xC065, NULL, "ARIA", 256, "SHA384", false},
    {0xC066, NULL, "ARIA", 128, "SHA256", false},
    {0xC067, NULL, "ARIA", 256, "SHA384", false},
    {0xC068, NULL, "ARIA", 128, "SHA256", false},
    {0xC069, NULL, "ARIA", 256, "SHA384", false},
    {0xC06A, "PSK-ARIA128-GCM-SHA256", "ARIAGCM", 128, "AEAD", false},
    {0xC06B, "PSK-ARIA256-GCM-SHA384", "ARIAGCM", 256, "AEAD", false},
    {0xC06C, "DHE-PSK-ARIA128-GCM-SHA256", "ARIAGCM", 128, "AEAD", false},
    {0xC06D, "DHE-PSK-ARIA256-GCM-SHA384", "ARIAGCM", 256, "AEAD", false},
    {0xC06E, "RSA-PSK-ARIA128-GCM-SHA256", "ARIAGCM", 128, "AEAD", false},
    {0xC06F, "RSA-PSK-ARIA256-GCM-SHA384", "ARIAGCM", 256, "AEAD", false},
    {0xC070, NULL, "ARIA", 128, "SHA256", false},
    {0xC071, NULL, "ARIA", 256, "SHA384", false},
    {0xC072, "ECDHE-ECDSA-CAMELLIA128-SHA256", "Camellia", 128, "SHA256", false},
    {0xC073, "ECDHE-ECDSA-CAMELLIA256-SHA384", "Camellia", 256, "SHA384", false},
    {0xC074, "ECDH-ECDSA-CAMELLIA128-SHA256", "Camellia", 128, "SHA256", false},
    {0xC075, "ECDH-ECDSA-CAMELLIA256-SHA384", "Camellia", 256, "SHA384", false},
    {0xC076, "ECDHE-RSA-CAMELLIA128-SHA256", "Camellia", 128, "SHA256", false},
    {0xC077, "ECDHE-RSA-CAMELLIA256-SHA384", "Camellia", 256, "SHA384", false},
    {0xC078, "ECDH-RSA-CAMELLIA128-SHA256", "Camellia", 128, "SHA256", false},
    {0xC079, "ECDH-RSA-CAMELLIA256-SHA384", "Camellia", 256, "SHA384", false},
    {0xC07A, NULL, "CamelliaGCM", 128, "AEAD", false},
    {0xC07B, NULL, "CamelliaGCM", 256, "AEAD", false},
    {0xC07C, NULL, "CamelliaGCM", 128, "AEAD", false},
    {0xC07D, NULL, "CamelliaGCM", 256, "AEAD", false},
    {0xC07E, NULL, "CamelliaGCM", 128, "AEAD", false},
    {0xC07F, NULL, "CamelliaGCM", 256, "AEAD", false},
    {0xC080, NULL, "CamelliaGCM", 128, "AEAD", false},
    {0xC081, NULL, "CamelliaGCM", 256, "AEAD", false},
    {0xC082, NULL, "CamelliaGCM", 128, "AEAD", false},
    {0xC083, NULL, "CamelliaGCM", 256, "AEAD", false},
    {0xC084, NULL, "CamelliaGCM", 128, "AEAD", false},
    {0xC085, NULL, "CamelliaGCM", 256, "AEAD", false},
    {0xC086, NULL, "CamelliaGCM", 128, "AEAD", false},
    {0xC087, NULL, "CamelliaGCM", 256, "AEAD", false},
    {0xC088, NULL, "CamelliaGCM", 128, "AEAD", false},
    {0xC089, NULL, "CamelliaGCM", 256, "AEAD", false},
    {0xC08A, NULL, "CamelliaGCM", 128, "AEAD", false},
    {0xC08B, NULL, "CamelliaGCM", 256, "AEAD", false},
    {0xC08C, NULL, "CamelliaGCM", 128, "AEAD", false},
    {0xC08D, NULL, "CamelliaGCM", 256, "AEAD", false},
    {0xC08E, NULL, "CamelliaGCM", 128, "AEAD", false},
    {0xC08F, NULL, "CamelliaGCM", 256, "AEAD", false},
    {0xC090, NULL, "CamelliaGCM", 128, "AEAD", false},
    {0xC091, NULL, "CamelliaGCM", 256, "AEAD", false},
    {0xC092, NULL, "CamelliaGCM", 128, "AEAD", false},
    {0xC093, NULL, "CamelliaGCM", 256, "AEAD", false},
    {0xC094, "PSK-CAMELLIA128-SHA256", "Camellia", 128, "SHA256", false},
    {0xC095, "PSK-CAMELLIA256-SHA384", "Camellia", 256, "SHA384", false},
    {0xC096, "DHE-PSK-CAMELLIA128-SHA256", "Camellia", 128, "SHA256", false},
    {0xC097, "DHE-PSK-CAMELLIA256-SHA384", "Camellia", 256, "SHA384", false},
    {0xC098, "RSA-PSK-CAMELLIA128-SHA256", "Camellia", 128, "SHA256", false},
    {0xC099, "RSA-PSK-CAMELLIA256-SHA384", "Camellia", 256, "SHA384", false},
    {0xC09A, "ECDHE-PSK-CAMELLIA128-SHA256", "Camellia", 128, "SHA256", false},
    {0xC09B, "ECDHE-PSK-CAMELLIA256-SHA384", "Camellia", 256, "SHA384", false},
    {0xC09C, "AES128-CCM", "AESCCM", 128, "AEAD", false},
    {0xC09D, "AES256-CCM", "AESCCM", 256, "AEAD", false},
    {0xC09E, "DHE-RSA-AES128-CCM", "AESCCM", 128, "AEAD", false},
    {0xC09F, "DHE-RSA-AES256-CCM", "AESCCM", 256, "AEAD", false},
    {0xC0A0, "AES128-CCM8", "AESCCM8", 128, "AEAD", false},
    {0xC0A1, "AES256-CCM8", "AESCCM8", 256, "AEAD", false},
    {0xC0A2, "DHE-RSA-AES128-CCM8", "AESCCM8", 128, "AEAD", false},
    {0xC0A3, "DHE-RSA-AES256-CCM8", "AESCCM8", 256, "AEAD", false},
    {0xC0A4, "PSK-AES128-CCM", "AESCCM", 128, "AEAD", false},
    {0xC0A5, "PSK-AES256-CCM", "AESCCM", 256, "AEAD", false},
    {0xC0A6, "DHE-PSK-AES128-CCM", "AESCCM", 128, "AEAD", false},
    {0xC0A7, "DHE-PSK-AES256-CCM", "AESCCM", 256, "AEAD", false},
    {0xC0A8, "PSK-AES128-CCM8", "AESCCM8", 128, "AEAD", false},
    {0xC0A9, "PSK-AES256-CCM8", "AESCCM8", 256, "AEAD", false},
    {0xC0AA, "DHE-PSK-AES128-CCM8", "AESCCM8", 128, "AEAD", false},
    {0xC0AB, "DHE-PSK-AES256-CCM8", "AESCCM8", 256, "AEAD", false},
    {0xC0AC, "ECDHE-ECDSA-AES128-CCM", "AESCCM", 128, "AEAD", false},
    {0xC0AD, "ECDHE-ECDSA-AES256-CCM", "AESCCM", 256, "AEAD", false},
    {0xC0AE, "ECDHE-ECDSA-AES128-CCM8", "AESCCM8", 128, "AEAD", false},
    {0xC0AF, "ECDHE-ECDSA-AES256-CCM8", "AESCCM8", 256, "AEAD", false},
    {0xCC13, "ECDHE-RSA-CHACHA20-POLY1305-OLD", "ChaCha20", 256, "AEAD", false},
    {0xCC14, "ECDHE-ECDSA-CHACHA20-POLY1305-OLD", "ChaCha20", 256, "AEAD", false},
    {0xCC15, "DHE-RSA-CHACHA20-POLY1305-OLD", "ChaCha20", 256, "AEAD", false},
    {0xCCA8, "ECDHE-RSA-CHACHA20-POLY1305", "ChaCha20", 256, "AEAD", false},
    {0xCCA9, "ECDHE-ECDSA-CHACHA20-POLY1305", "ChaCha20", 256, "AEAD", false},
    {0xCCAA, "DHE-RSA-CHACHA20-POLY1305", "ChaCha20", 256, "AEAD", false},
    {0xCCAB, "PSK-CHACHA20-POLY1305", "ChaCha20", 256, "AEAD", false},
    {0xCCAC, "ECDHE-PSK-CHACHA20-POLY1305", "ChaCha20", 256, "AEAD", false},
    {0xCCAD, "DHE-PSK-CHACHA20-POLY1305", "ChaCha20", 256, "AEAD", false},
    {0xCCAE, "RSA-PSK-CHACHA20-POLY1305", "ChaCha20", 256, "AEAD", false},
    {0xFEFE, NULL, "DES", 56, "SHA1", false},
    {0xFEFF, NULL, "3DES", 168, "SHA1", false},
    {0xFF00, "GOST-MD5", "GOST", 256, "MD5", false},
    {0xFF01, "GOST-GOST94", "GOST", 256, "GOST94", false},
    {0xFF02, "GOST-GOST89MAC", "GOST", 256, "GOST89IMIT", false},
    {0xFF03, "GOST-GOST89STREAM", "GOST", 256, "GOST89IMIT", false},
    {0xFF85, "GOST2012256-GOST89-GOST89", "GOST", 256, "GOST89IMIT", false},
    {0xFF87, "GOST2012256-NULL-STREEBOG256", "None", 0, "STREEBOG256", false},
    {0xFFE0, NULL, "3DES", 168, "SHA1", false},
    {0xFFE1, NULL, "DES", 56, "SHA1", false},
};

#define N_ROWS (sizeof(rows) / sizeof(rows[0]))

static const struct suite_row *row_find(uint16_t code)
{
    size_t lo = 0, hi = N_ROWS;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (rows[mid].code == code)
            return &rows[mid];
        if (rows[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *wire_suite_openssl_name(uint16_t code)
{
    const struct suite_row *r = row_find(code);
    return r ? r->openssl : NULL;
}

/* "TLS_<KX>[_<AUTH>]_WITH_..." → kx and auth; TLS 1.3 names have no _WITH_. */
static void kx_auth(const char *iana, struct wire_suite_info *in)
{
    static const struct {
        const char *prefix, *kx, *auth;
    } map[] = {
        {"TLS_ECDHE_ECDSA_", "ECDHE", "ECDSA"},
        {"TLS_ECDHE_RSA_", "ECDHE", "RSA"},
        {"TLS_ECDHE_PSK_", "ECDHE", "PSK"},
        {"TLS_ECDH_anon_", "ECDH", "anon"},
        {"TLS_ECDH_ECDSA_", "ECDH", "ECDSA"},
        {"TLS_ECDH_RSA_", "ECDH", "RSA"},
        {"TLS_ECCPWD_", "ECCPWD", "ECCPWD"},
        {"TLS_DHE_DSS_", "DHE", "DSS"},
        {"TLS_DHE_RSA_", "DHE", "RSA"},
        {"TLS_DHE_PSK_", "DHE", "PSK"},
        {"TLS_DH_anon_", "DH", "anon"},
        {"TLS_DH_DSS_", "DH", "DSS"},
        {"TLS_DH_RSA_", "DH", "RSA"},
        {"TLS_RSA_PSK_", "RSA", "PSK"},
        {"TLS_RSA_", "RSA", "RSA"},
        {"TLS_PSK_", "PSK", "PSK"},
        {"TLS_SRP_SHA_RSA_", "SRP", "RSA"},
        {"TLS_SRP_SHA_DSS_", "SRP", "DSS"},
        {"TLS_SRP_", "SRP", "SRP"},
        {"TLS_KRB5_", "KRB5", "KRB5"},
        {"TLS_ECCPWD", "ECCPWD", "ECCPWD"},
        {"TLS_GOSTR341112_256_", "GOST", "GOST"},
        {"TLS_NULL_", "NULL", "NULL"},
        {"TLS_SHA", "any", "any"},
        {"TLS_ECDHE_", "ECDHE", "ECDHE"},
    };
    in->kx = in->auth = "unknown";
    if (!strstr(iana, "_WITH_") && strncmp(iana, "TLS_GOST", 8) != 0 && in->tls13) {
        in->kx = in->auth = "any";
        return;
    }
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strncmp(iana, map[i].prefix, strlen(map[i].prefix))) {
            in->kx = map[i].kx;
            in->auth = map[i].auth;
            return;
        }
}

bool wire_suite_info(uint16_t code, struct wire_suite_info *in)
{
    memset(in, 0, sizeof *in);
    in->code = code;
    in->iana = wire_cipher_name(code, in->buf, sizeof in->buf);
    bool known = wire_cipher_known(code);
    in->tls13 = (code >> 8) == 0x13 || code == 0xC0B4 || code == 0xC0B5;
    kx_auth(in->iana, in);
    const struct suite_row *r = row_find(code);
    in->openssl = r ? r->openssl : NULL;
    in->enc = r ? r->enc : "unknown";
    in->bits = r ? r->bits : 0;
    in->mac = r ? r->mac : "unknown";
    in->exportable = (r && r->exportable) || strstr(in->iana, "EXPORT") != NULL;
    in->aead = (r && !strcmp(r->mac, "AEAD")) || strstr(in->iana, "_GCM") ||
               strstr(in->iana, "_CCM") || strstr(in->iana, "CHACHA20_POLY1305");
    in->null_cipher = strstr(in->iana, "_WITH_NULL_") != NULL || (r && !strcmp(r->enc, "None"));
    in->anonymous = !strcmp(in->auth, "anon") || !strcmp(in->auth, "NULL");
    in->forward_secret = !strcmp(in->kx, "ECDHE") || !strcmp(in->kx, "DHE") ||
                         !strcmp(in->kx, "any") || !strcmp(in->kx, "ECCPWD");
    if (!r && known) { /* not in the table: the bits from the name */
        static const struct {
            const char *part;
            int bits;
        } b[] = {{"_256_", 256}, {"_128_", 128}, {"_3DES_", 112}, {"_DES40_", 40},
                 {"_40_", 40},   {"_DES_", 56},  {"_IDEA_", 128}, {"_SEED_", 128}};
        for (size_t i = 0; i < sizeof b / sizeof b[0] && !in->bits; i++)
            if (strstr(in->iana, b[i].part))
                in->bits = b[i].bits;
    }
    return known;
}

static const struct {
    uint32_t spec;
    const char *name, *openssl;
    int bits;
} ssl2[] = {
    {0x010080, "SSL_CK_RC4_128_WITH_MD5", "RC4-MD5", 128},
    {0x020080, "SSL_CK_RC4_128_EXPORT40_WITH_MD5", "EXP-RC4-MD5", 40},
    {0x030080, "SSL_CK_RC2_128_CBC_WITH_MD5", "RC2-CBC-MD5", 128},
    {0x040080, "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5", "EXP-RC2-CBC-MD5", 40},
    {0x050080, "SSL_CK_IDEA_128_CBC_WITH_MD5", "IDEA-CBC-MD5", 128},
    {0x060040, "SSL_CK_DES_64_CBC_WITH_MD5", "DES-CBC-MD5", 56},
    {0x0700C0, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5", "DES-CBC3-MD5", 112},
};

const uint32_t wire_ssl2_specs[7] = {0x010080, 0x020080, 0x030080, 0x040080,
                                     0x050080, 0x060040, 0x0700C0};

bool wire_ssl2_spec_info(uint32_t spec, const char **name, const char **openssl, int *bits)
{
    for (size_t i = 0; i < sizeof ssl2 / sizeof ssl2[0]; i++)
        if (ssl2[i].spec == spec) {
            *name = ssl2[i].name, *openssl = ssl2[i].openssl, *bits = ssl2[i].bits;
            return true;
        }
    *name = "unknown", *openssl = NULL, *bits = 0;
    return false;
}
