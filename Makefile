# tlscope — one non-recursive Makefile. `make help` lists the targets.
#   make            build build/tlscope
#   make run        install missing dependencies, build, start (HOST=... ARGS=...)
#   make test       install missing dependencies, build, run every test (SAN=1: under ASan+UBSan)
#   V=1             show full commands

VERSION  := 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
PKG_CONFIG ?= pkg-config

SAN ?= 0
ifeq ($(SAN),1)
B := build/asan
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
B := build
SANFLAGS :=
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

# ncursesw, falling back to ncurses. Evaluated lazily so `make deps` can install first.
NCURSES_PC = $(shell $(PKG_CONFIG) --exists ncursesw && echo ncursesw || echo ncurses)
PKGS = openssl yaml-0.1 jansson $(NCURSES_PC)
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
            -Wwrite-strings -Werror
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) $(SANFLAGS) \
             -Isrc -DTLSCOPE_VERSION='"$(VERSION)"' \
             -DTLSCOPE_DATADIR='"$(PREFIX)/share/tlscope"' $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS) -pthread

SRC      := $(shell find src -name '*.c' | sort)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/obj/%.o)
MAIN_OBJ := $(B)/obj/src/main.o
LIB      := $(B)/libtlscope.a
BIN      := $(B)/tlscope

TEST_LIB_SRC := $(wildcard tests/lib/*.c)
TEST_LIB_OBJ := $(TEST_LIB_SRC:%.c=$(B)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
INTEG_SRC := $(wildcard tests/integration/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/unit/%)
INTEG_BIN := $(INTEG_SRC:tests/integration/%.c=$(B)/tests/integration/%)
TOOLS_SRC := $(wildcard tests/tools/*.c)
TOOLS_BIN := $(TOOLS_SRC:tests/tools/%.c=$(B)/tests/tools/%)
BENCH_BIN := $(B)/bench/conns $(B)/bench/stamps.so $(B)/bench/replay

.PHONY: all run test test-build asan install uninstall clean check-layers format format-check \
        deps deps-test bench help
.DEFAULT_GOAL := all
.SECONDARY:

all: $(BIN)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(if $(filter tests/%,$<),$(CMOCKA_CFLAGS) -Itests) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# Test binaries link tests/lib/*.o, whose pty.c needs forkpty: -lutil (in libc since glibc
# 2.34; the stub library keeps older systems linking).
$(B)/tests/unit/%: $(B)/obj/tests/unit/%.o $(TEST_LIB_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS) -lm -lutil

$(B)/tests/integration/%: $(B)/obj/tests/integration/%.o $(TEST_LIB_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS) -lm -lutil

# test_conns counts the engine's recv(), getsockopt() and setsockopt() calls through link-time
# wrappers
$(B)/tests/integration/test_conns: ALL_LDFLAGS += -Wl,--wrap=recv,--wrap=getsockopt,--wrap=setsockopt

$(B)/tests/tools/%: $(B)/obj/tests/tools/%.o $(TEST_LIB_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(PKG_LIBS) -lm -lutil

$(B)/bench/conns: $(B)/obj/bench/conns.o $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# replays a scan's probes one at a time (bench/scan.sh's floor); plain sockets, no tlscope code
$(B)/bench/replay: bench/replay.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $<

# an LD_PRELOAD shim that timestamps a client's phases (bench/phases.sh); not part of tlscope
$(B)/bench/stamps.so: bench/stamps.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) -std=c11 -O2 -fPIC -shared -Wall -Wextra -Werror -o $@ $< -ldl

asan:
	$(Q)$(MAKE) --no-print-directory SAN=1 all

deps:
	$(Q)sh scripts/deps.sh

deps-test:
	$(Q)sh scripts/deps.sh --test

# `make run` installs what is missing, builds, and starts tlscope.
# HOST=host[:port] connects at once; ARGS passes further options.
run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(if $(HOST),./$(BIN) $(ARGS) $(HOST),./$(BIN) --demo $(ARGS))

test-build: $(BIN) $(UNIT_BIN) $(INTEG_BIN) $(TOOLS_BIN) $(BENCH_BIN)

test: deps-test
	$(Q)$(MAKE) --no-print-directory test-build
	$(Q)sh tests/run.sh $(B)

# Benchmarks (figures, not pass/fail): bench/explore.sh (one explore vs openssl s_client),
# bench/phases.sh (where one explore's time goes, vs s_client), bench/conns.sh (100 raw-hello
# connections in one poll loop). RUNS= sets the runs of explore.sh and phases.sh.
RUNS ?= 30
bench: all $(BENCH_BIN) $(B)/tests/tools/mkpki $(B)/tests/tools/relay $(B)/tests/tools/scanpairs
	$(Q)bash bench/explore.sh $(BIN) $(RUNS)
	$(Q)bash bench/phases.sh $(BIN) $(RUNS)
	$(Q)bash bench/conns.sh $(B)/bench/conns
	$(Q)bash bench/scan.sh $(BIN)

# check-layers also reads the call graph between the UI's objects (no circle of three files).
check-layers: $(filter $(B)/obj/src/ui/%,$(LIB_OBJ))
	$(Q)sh scripts/check-layers.sh
	$(Q)sh scripts/check-ui-calls.sh --self-test
	$(Q)sh scripts/check-ui-calls.sh $(B)/obj/src/ui

format:
	$(Q)clang-format -i $(shell find src tests -name '*.[ch]')

format-check:
	$(Q)clang-format --dry-run -Werror $(shell find src tests -name '*.[ch]')
	$(Q)sh scripts/editorconfig-check.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/tlscope/profiles $(DESTDIR)$(PREFIX)/share/tlscope/themes \
	    $(DESTDIR)$(PREFIX)/share/tlscope/data
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/tlscope
	install -m 644 docs/tlscope.1 $(DESTDIR)$(PREFIX)/share/man/man1/tlscope.1
	for f in profiles/*.yaml; do [ -e "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(PREFIX)/share/tlscope/profiles/ || true; done
	for f in themes/*.yaml; do [ -e "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(PREFIX)/share/tlscope/themes/ || true; done
	install -m 644 data/ct_logs.cnf $(DESTDIR)$(PREFIX)/share/tlscope/data/ct_logs.cnf

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/tlscope $(DESTDIR)$(PREFIX)/share/man/man1/tlscope.1
	rm -rf $(DESTDIR)$(PREFIX)/share/tlscope

clean:
	rm -rf build

help:
	@echo "targets: all run test asan install uninstall clean check-layers format format-check bench"
	@echo "         fuzz fuzz-run (FUZZ_SECONDS=N) memcheck"
	@echo "vars:    SAN=1 (ASan+UBSan)  V=1 (show commands)  PREFIX DESTDIR  HOST= ARGS="

-include $(shell find build -name '*.d' 2>/dev/null)

# ---- memcheck: valgrind (0 errors, 0 definitely lost) over headless runs, a UI session driven
# by tmux (every pane, the editor, the diff screen) and the --demo lab, against a local
# s_server; see scripts/memcheck.sh. The plain build: valgrind and ASan do not mix.
.PHONY: memcheck
memcheck: $(BIN) $(B)/tests/tools/mkpki
	$(if $(filter 1,$(SAN)),$(error memcheck runs valgrind on the plain build: drop SAN=1))
	$(Q)bash scripts/memcheck.sh $(B)

# ---- fuzzing: each tests/fuzz/fuzz_NAME.c is a libFuzzer target, seeded from
# tests/fuzz/corpus/NAME/ (wire and diff seeds: build/tests/tools/fuzz_seeds tests/fuzz/corpus).
# Needs clang with libFuzzer (not part of `make test`).
#   make fuzz                        build build/fuzz/fuzz_NAME (libFuzzer + ASan + UBSan)
#   make fuzz-run FUZZ_SECONDS=30    run each for that long on build/fuzz/corpus/NAME, a copy
#                                    of the seeds that also keeps what earlier runs found;
#                                    crashing inputs are saved as build/fuzz/artifacts/NAME-*
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 30
FUZZ_B       := build/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                -fno-omit-frame-pointer
FUZZ_CFLAGS   = $(filter-out $(CFLAGS) $(SANFLAGS),$(ALL_CFLAGS)) -g -O1 $(FUZZ_SAN) \
                -fsanitize=fuzzer-no-link -Itests
FUZZ_LIB_SRC  = $(filter-out src/main.c src/ui/%,$(SRC))
FUZZ_LIB_OBJ  = $(FUZZ_LIB_SRC:%.c=$(FUZZ_B)/obj/%.o)
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_B)/%)

.PHONY: fuzz fuzz-run

fuzz: $(FUZZ_BIN)

$(FUZZ_B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_B)/fuzz_%: $(FUZZ_B)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ)
	@$(if $(Q),echo "  FUZZLD  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) -lm -pthread

fuzz-run: fuzz
	$(Q)for bin in $(FUZZ_BIN); do \
	    name=$${bin##*/fuzz_}; corpus=$(FUZZ_B)/corpus/$$name; log=$(FUZZ_B)/$$name.log; \
	    mkdir -p "$$corpus" $(FUZZ_B)/artifacts || exit 1; \
	    if [ -d "tests/fuzz/corpus/$$name" ]; then cp -R "tests/fuzz/corpus/$$name/." "$$corpus/"; fi; \
	    echo "  FUZZ    $$bin for $(FUZZ_SECONDS) s (log: $$log)"; \
	    if ! "$$bin" -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
	        -artifact_prefix=$(FUZZ_B)/artifacts/$$name- "$$corpus" >"$$log" 2>&1; then \
	        tail -n 60 "$$log"; echo "fuzz: $$name failed; the input is in $(FUZZ_B)/artifacts/"; \
	        exit 1; \
	    fi; \
	    execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' "$$log"); \
	    added=$$(sed -n 's/^stat::new_units_added: *//p' "$$log"); \
	    echo "fuzz: $$name: $$execs executions in $(FUZZ_SECONDS) s, $$added new inputs, no crash"; \
	done
