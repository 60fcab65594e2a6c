/* The demo lab: local TLS servers on loopback, each showing one situation (a good chain, an
 * expired certificate, ...), with a PKI generated in memory at start. The servers run in a
 * child process that dies with its parent; lab_stop ends it. */
#ifndef TLSCOPE_LAB_LAB_H
#define TLSCOPE_LAB_LAB_H

#include <stddef.h>
#include <stdint.h>

struct lab_target {
    const char *name;        /* "good", "expired", ... (stable, lower case) */
    const char *title;       /* "Good chain" */
    const char *description; /* one line: what it shows and what to look for */
    const char *expect;      /* "verified", "not verified", "handshake fails" */
    uint16_t port;           /* on 127.0.0.1 (and ::1 when available); host name localhost */
};

struct lab;

/* Generates the PKI, starts the servers, waits until each accepts TCP (bounded). */
int lab_start(struct lab **out, char *err, size_t errlen);
size_t lab_count(const struct lab *l);
const struct lab_target *lab_target_at(const struct lab *l, size_t i);
/* PEM file of the lab's root CA (in a private temp dir): pass as ca_file to trust the lab. */
const char *lab_ca_file(const struct lab *l);
/* Client certificate and key files for the client-certificate target. */
const char *lab_client_cert_file(const struct lab *l);
const char *lab_client_key_file(const struct lab *l);
/* Stops the servers (by PID) and removes the temp files. NULL is fine. */
void lab_stop(struct lab *l);

#endif
