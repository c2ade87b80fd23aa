# schemac — a compiler for PostgreSQL schemas.  `make help` lists targets.

CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Werror -Wswitch
CPPFLAGS := -Isrc -Isrc/common -D_DEFAULT_SOURCE
LIBS     := -lpg_query
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)

BUILD    := build
VERSION  := 0.1.0

# make install: the compiler, the runtime it links executables with, the
# Supabase stand-in, man pages, shell completion and the Vim syntax.
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR    = $(PREFIX)/bin
RTLIBDIR  = $(PREFIX)/lib/schemac
RTINCDIR  = $(PREFIX)/include/schemac
DATADIR   = $(PREFIX)/share/schemac
MANDIR    = $(PREFIX)/share/man
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  = $(PREFIX)/share/zsh/site-functions
VIMDIR    = $(PREFIX)/share/vim/vimfiles
MAN1     := man/schemac.1 man/schemactl.1
MAN5     := man/schemac.5
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=all

# src/common: what the compiler and the runtime share (object kinds,
# statement shapes, identifier quoting), compiled into both.
COMMON_SRC := $(wildcard src/common/*.c)
# schemac import (src/import*.c) reads a live database: libpq, and the
# runtime's throwaway server and Supabase stand-in, linked into bin/schemac
# alone; its pure parts (names, privileges) are in the library for the
# unit tests.  The server check (src/server_check.c) likewise.
IMPORT_SRC := $(filter-out src/import_names.c src/import_acl.c,\
                $(wildcard src/import*.c))
IMPORT_OBJ  = $(IMPORT_SRC:src/%.c=$(BUILD)/imp/%.o)
LIB_SRC  := $(filter-out src/main.c src/server_check.c $(IMPORT_SRC),\
              $(wildcard src/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o) \
            $(COMMON_SRC:src/common/%.c=$(BUILD)/obj/common_%.o)
SAN_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/san/%.o) \
            $(COMMON_SRC:src/common/%.c=$(BUILD)/san/common_%.o)
TEST_SRC := $(wildcard tests/unit/*.c)
PROJECTS := $(notdir $(patsubst %/,%,$(wildcard schema/*/)))
PROJECT_BINS := $(PROJECTS:%=bin/%)
ACCESS_MDS := $(PROJECTS:%=generated/%.access.md)
SCHEMA_FILES := $(shell find schema -name '*.schema' 2>/dev/null)

# The runtime linked into every executable schemac builds (src/runtime).
PGINC    = $(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
RT_C     := $(wildcard src/runtime/*.c)
RT_PGC   := $(wildcard src/runtime/*.pgc)
RT_OBJ   := $(RT_C:src/runtime/%.c=$(BUILD)/rt/%.o) \
            $(RT_PGC:src/runtime/%.pgc=$(BUILD)/rt/%_pgc.o) \
            $(COMMON_SRC:src/common/%.c=$(BUILD)/rt/common_%.o) \
            $(BUILD)/rt/supabase_sql.o

.PHONY: all help deps run test unit unit-asan golden bad integration \
        runtime-tests e2e bench bench-peers check-generated clean install uninstall \
        deb deb-test ecosystem fmt-test lint server-tests \
        fuzz fuzz-replay fuzz-deps

all: bin/schemac $(BUILD)/libschemactl.a $(PROJECT_BINS) $(ACCESS_MDS)

help:
	@echo "make            build bin/schemac, the runtime, and one executable per"
	@echo "                project in schema/ (bin/NAME), regenerating generated/"
	@echo "                (NAME.sql and the access matrix NAME.access.md) and pgc/"
	@echo "make run        the main job: install what is missing, compile every"
	@echo "                project in schema/, apply, verify and test it on a"
	@echo "                throwaway PostgreSQL, and print a report per project"
	@echo "make test       install what is missing, then every test: unit tests"
	@echo "                (plain and under ASan/UBSan), golden files, the bad-input"
	@echo "                corpus, lint cases, the server check's cases, stale"
	@echo "                generated/ check (SQL, access matrices,"
	@echo "                pgc), catalog comparisons, the runtime's tests against"
	@echo "                real servers (runtime-tests), e2e, fmt-test, ecosystem"
	@echo "                and, as root, deb-test"
	@echo "make unit       unit tests only (Check)"
	@echo "make unit-asan  unit tests under AddressSanitizer and UBSan"
	@echo "make golden     golden tests: tests/golden/*.schema against .sql/.err"
	@echo "make bad        bad-input corpus: expected positions, no crash"
	@echo "make lint       each lint rule fires on its case and not on the fixed"
	@echo "                one (tests/lint); the projects pass check --strict"
	@echo "                (lint only: --no-server, no PostgreSQL needed)"
	@echo "make server-tests  the server check: each mistake PostgreSQL rejects at"
	@echo "                apply reported by check at its line, on a throwaway"
	@echo "                server and with --db (tests/server)"
	@echo "make fuzz-replay  the fuzz corpus (fuzz/corpus) under ASan/UBSan"
	@echo "make fuzz       libFuzzer (clang) on the compiler for FUZZ_SECONDS"
	@echo "                (default 600); crashes in build/fuzz-crashes;"
	@echo "                FUZZ_TARGET=cache: the runtime's cache reader;"
	@echo "                FUZZ_ENGINE=afl: AFL++ instead, one afl-fuzz, output"
	@echo "                and fuzzer_stats in build/afl-out-TARGET"
	@echo "make integration  compiled SQL vs hand-written SQL, catalogs compared"
	@echo "make runtime-tests  the runtime's Check tests against real servers"
	@echo "make e2e        executables against a real PostgreSQL: apply, verify,"
	@echo "                tamper, verify again, repair; access tests; the access"
	@echo "                matrix of each project proven by the tests it emits;"
	@echo "                schema changes over rows (evolve.sh); each project's"
	@echo "                HTML report rendered by headless Chromium; renames"
	@echo "                (renamed from) on a database with rows; migration files"
	@echo "                (schemac diff) run by psql, and rollback; undeclared"
	@echo "                objects dropped or ignored, locks shown, NOT VALID +"
	@echo "                VALIDATE, --online, lock timeouts; the verify fast path"
	@echo "                against a tamper of each kind; faults (signals, kill -9,"
	@echo "                a silent server, privileges); what the schema declares"
	@echo "                on Supabase's own tables, the platform left alone;"
	@echo "                publications, replica identity, sequences, procedures"
	@echo "                and data rows tampered and repaired (objects.sh);"
	@echo "                comments on constraints, indexes, policies and"
	@echo "                triggers tampered, repaired, imported (comments.sh); a"
	@echo "                tampered normal-form cache row not used; one-line"
	@echo "                connection errors, counts, the generated functions' privileges"
	@echo "                schemac import of the projects and the integration"
	@echo "                cases, round-tripped to the same pg_dump, and its bad"
	@echo "                input (import.sh)"
	@echo "make fmt-test   schemac fmt over every .schema: same SQL, idempotent"
	@echo "make ecosystem  make install into a temporary prefix (moved, then used"
	@echo "                from another directory), uninstall, CLI conventions,"
	@echo "                man --warnings, bash completion, Vim syntax"
	@echo "make install    bin/schemac, its runtime and headers, the Supabase"
	@echo "                stand-in, man pages, completion, Vim syntax; PREFIX"
	@echo "                (/usr/local) and DESTDIR as usual; make uninstall"
	@echo "make deb        schemac_VERSION_ARCH.deb (dpkg-deb); make deb-test"
	@echo "                installs it with apt, uses it and removes it (root)"
	@echo "make bench      compile/build/apply/verify/plan times for 100, 1,000 and"
	@echo "                10,000 tables, beside psql -1 -f (BENCH_BASELINE=other"
	@echo "                schemac beside it, BENCH_SIZES, BENCH_REPEAT); check of"
	@echo "                schema/thorbis with and without the server check; the"
	@echo "                time schemac import takes on a 1,000-table database"
	@echo "make bench-peers  sqitch verify, pgTAP schema tests and drizzle-kit"
	@echo "                pull beside schemac verify at 1,000 tables; installs"
	@echo "                them (BENCH_PEERS_TABLES)"
	@echo "make deps       install missing Debian packages (apt-get)"
	@echo "make clean      remove build/ and bin/"

deps:
	@scripts/install-deps.sh

# ------------------------------------------------------------------ build

$(BUILD)/obj/%.o: src/%.c src/schemac.h | $(BUILD)/obj
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -c $< -o $@

$(BUILD)/san/%.o: src/%.c src/schemac.h | $(BUILD)/san
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) -c $< -o $@

$(BUILD)/obj/common_%.o: src/common/%.c src/common/objects.h src/common/serial.h | $(BUILD)/obj
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -c $< -o $@

$(BUILD)/san/common_%.o: src/common/%.c src/common/objects.h src/common/serial.h | $(BUILD)/san
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) -c $< -o $@

$(BUILD)/obj $(BUILD)/san $(BUILD)/imp $(BUILD)/rt bin: | $(BUILD)/deps-found
	mkdir -p $@

# On a fresh machine the headers and ecpg are missing: one line saying what
# to run beats a compiler error about pg_query.h.  Checked once per build/.
$(BUILD)/deps-found:
	@printf '#include <pg_query.h>\n#include <libpq-fe.h>\n#include <check.h>\n' \
	  | $(CC) -I$(PGINC) -E -x c - >/dev/null 2>&1 && command -v ecpg >/dev/null \
	  || { echo "make: libpg_query, libpq, ecpg or Check is missing; run make deps first (make test and make run do)" >&2; exit 2; }
	@mkdir -p $(BUILD) && touch $@

$(BUILD)/libschemac.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

# The server check and import run SQL on the runtime's throwaway server:
# the compiler links the runtime's archive and libpq.
bin/schemac: src/main.c $(BUILD)/obj/server_check.o $(IMPORT_OBJ) \
             $(BUILD)/libschemac.a $(BUILD)/libschemactl.a Makefile | bin
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -DSCHEMAC_VERSION='"$(VERSION)"' \
	  $< $(BUILD)/obj/server_check.o $(IMPORT_OBJ) $(BUILD)/libschemac.a \
	  $(BUILD)/libschemactl.a $(LIBS) -lpq -o $@

$(BUILD)/obj/server_check.o: CPPFLAGS += -Isrc/runtime -I$(PGINC)
$(BUILD)/obj/server_check.o: src/runtime/schemactl.h

$(BUILD)/imp/%.o: src/%.c src/schemac.h src/import.h src/import_table.h \
                  src/runtime/schemactl.h | $(BUILD)/imp
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -I$(PGINC) -Isrc/runtime -c $< -o $@

# check --format and verify --format write one document (diag_doc.c).
$(BUILD)/obj/diag_format.o $(BUILD)/san/diag_format.o $(BUILD)/obj/common_diag_doc.o \
  $(BUILD)/san/common_diag_doc.o $(BUILD)/rt/common_diag_doc.o: src/common/diag_doc.h
$(RT_C:src/runtime/%.c=$(BUILD)/rt/%.o): src/common/diag_doc.h src/runtime/commands.h

# The lint rules share lint.h.
$(filter $(BUILD)/obj/lint%,$(LIB_OBJ)) $(filter $(BUILD)/san/lint%,$(SAN_OBJ)): src/lint.h
# The checker's passes share sema.h, the parser's files parse.h.
$(filter $(BUILD)/obj/sema%,$(LIB_OBJ)) $(filter $(BUILD)/san/sema%,$(SAN_OBJ)): src/sema.h
$(filter $(BUILD)/obj/parse%,$(LIB_OBJ)) $(filter $(BUILD)/san/parse%,$(SAN_OBJ)): src/parse.h

RT_INC   = -Isrc/runtime -Isrc/common -I$(PGINC)
RT_HDR   := src/runtime/schemactl.h src/runtime/commands.h src/runtime/plan.h \
            src/common/objects.h src/common/serial.h

$(BUILD)/rt/%.o: src/runtime/%.c $(RT_HDR) | $(BUILD)/rt
	$(CC) $(WARN) $(CFLAGS) -D_DEFAULT_SOURCE $(RT_INC) -c $< -o $@

# The executables say which schemac built them (--version).
$(BUILD)/rt/main.o: RT_INC += -DSCHEMAC_VERSION='"$(VERSION)"'
$(BUILD)/rt/main.o: Makefile

$(BUILD)/rt/common_%.o: src/common/%.c $(RT_HDR) | $(BUILD)/rt
	$(CC) $(WARN) $(CFLAGS) -D_DEFAULT_SOURCE $(RT_INC) -c $< -o $@

$(BUILD)/rt/%_pgc.c: src/runtime/%.pgc $(RT_HDR) | $(BUILD)/rt
	ecpg -Isrc/runtime -Isrc/common -o $@ $<

# ecpg's own output is not ours to keep warning-free.
$(BUILD)/rt/%_pgc.o: $(BUILD)/rt/%_pgc.c
	$(CC) -std=c11 $(CFLAGS) -D_DEFAULT_SOURCE $(RT_INC) -c $< -o $@

$(BUILD)/rt/supabase_sql.c: src/platform/supabase.sql scripts/embed-text.sh | $(BUILD)/rt
	scripts/embed-text.sh sctl_supabase_sql $< $@

$(BUILD)/libschemactl.a: $(RT_OBJ)
	rm -f $@ && ar rcs $@ $^

# One executable per project; it also rewrites generated/ and pgc/, which
# are committed (written whole, then renamed).
$(PROJECT_BINS): bin/%: bin/schemac $(BUILD)/libschemactl.a $(SCHEMA_FILES)
	bin/schemac build schema/$* -o $@

# The access matrix of each project, for review beside its SQL.
$(ACCESS_MDS): generated/%.access.md: bin/schemac $(SCHEMA_FILES)
	@t=$$(mktemp generated/.$*.XXXXXX) && \
	  { bin/schemac matrix schema/$* > $$t && chmod 644 $$t && mv $$t $@; } || \
	  { rm -f $$t; exit 1; }

check-generated: bin/schemac
	@for p in $(PROJECTS); do \
	  bin/schemac sql schema/$$p | cmp -s - generated/$$p.sql || \
	    { echo "generated/$$p.sql is stale: run make and commit it"; exit 1; }; \
	  bin/schemac matrix schema/$$p | cmp -s - generated/$$p.access.md || \
	    { echo "generated/$$p.access.md is stale: run make and commit it"; exit 1; }; \
	  bin/schemac pgc schema/$$p -o $$p | cmp -s - pgc/$$p.pgc || \
	    { echo "pgc/$$p.pgc is stale: run make and commit it"; exit 1; }; \
	done; echo "ok: generated/ and pgc/ are up to date"

# ------------------------------------------------------------------ tests

$(BUILD)/unit-tests: $(TEST_SRC) $(BUILD)/libschemac.a
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) $(TEST_SRC) $(BUILD)/libschemac.a \
	  $(LIBS) $(CHECK_LIBS) -o $@

$(BUILD)/unit-tests-asan: $(TEST_SRC) $(SAN_OBJ)
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) $(TEST_SRC) $(SAN_OBJ) \
	  $(LIBS) $(CHECK_LIBS) -o $@

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

# The runtime against real servers (they start their own).
$(BUILD)/rt/probe_test.c: tests/runtime/probe.pgc | $(BUILD)/rt
	ecpg -o $@ $<

$(BUILD)/runtime-tests: tests/runtime/test_runtime.c $(BUILD)/rt/probe_test.c \
                        $(BUILD)/libschemactl.a
	$(CC) $(WARN) $(CFLAGS) -D_DEFAULT_SOURCE $(RT_INC) \
	  tests/runtime/test_runtime.c $(BUILD)/rt/probe_test.c \
	  $(BUILD)/libschemactl.a -lecpg -lpq $(CHECK_LIBS) -o $@

$(BUILD)/facets-tests: tests/runtime/test_facets.c $(BUILD)/libschemactl.a
	$(CC) $(WARN) $(CFLAGS) -D_DEFAULT_SOURCE $(RT_INC) \
	  tests/runtime/test_facets.c $(BUILD)/libschemactl.a -lecpg -lpq \
	  $(CHECK_LIBS) -o $@

$(BUILD)/hazards-tests: tests/runtime/test_hazards.c $(BUILD)/libschemactl.a
	$(CC) $(WARN) $(CFLAGS) -D_DEFAULT_SOURCE $(RT_INC) \
	  tests/runtime/test_hazards.c $(BUILD)/libschemactl.a -lecpg -lpq \
	  $(CHECK_LIBS) -o $@

$(BUILD)/cache-tests: tests/runtime/test_cache.c $(BUILD)/libschemactl.a
	$(CC) $(WARN) $(CFLAGS) -D_DEFAULT_SOURCE $(RT_INC) \
	  tests/runtime/test_cache.c $(BUILD)/libschemactl.a -lecpg -lpq \
	  $(CHECK_LIBS) -o $@

runtime-tests: $(BUILD)/runtime-tests $(BUILD)/facets-tests \
               $(BUILD)/hazards-tests $(BUILD)/cache-tests
	$(BUILD)/cache-tests
	$(BUILD)/runtime-tests
	$(BUILD)/facets-tests
	$(BUILD)/hazards-tests

unit-asan: $(BUILD)/unit-tests-asan
	CK_FORK=no ASAN_OPTIONS=detect_leaks=1 \
	  LSAN_OPTIONS=suppressions=tests/unit/lsan.supp $(BUILD)/unit-tests-asan

golden: bin/schemac
	tests/golden/run.sh

# Fuzzing (fuzz/): `make fuzz` runs libFuzzer (clang) for FUZZ_SECONDS on
# a copy of the committed corpus, crashes kept in build/fuzz-crashes (add
# each to fuzz/corpus/TARGET, and a compiler one to tests/bad); `make
# fuzz-replay`, part of make test, runs both corpora under ASan/UBSan.
FUZZ_SECONDS ?= 600
FUZZ_SRC := fuzz/fuzz_compile.c $(LIB_SRC) $(COMMON_SRC)
FUZZ_CACHE_SRC := fuzz/fuzz_cache.c src/runtime/cache.c src/runtime/facets.c \
                  src/common/sha256.c

$(BUILD)/fuzz-replay: fuzz/fuzz_compile.c fuzz/replay.c $(SAN_OBJ)
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) fuzz/fuzz_compile.c \
	  fuzz/replay.c $(SAN_OBJ) $(LIBS) -o $@

$(BUILD)/fuzz-replay-cache: fuzz/replay.c $(FUZZ_CACHE_SRC) $(RT_HDR) \
                           $(BUILD)/libschemactl.a
	$(CC) $(WARN) -O1 -g $(SAN) -D_DEFAULT_SOURCE $(RT_INC) fuzz/replay.c \
	  $(FUZZ_CACHE_SRC) $(BUILD)/libschemactl.a -lecpg -lpq -o $@

fuzz-replay: $(BUILD)/fuzz-replay $(BUILD)/fuzz-replay-cache
	ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=tests/unit/lsan.supp \
	  $(BUILD)/fuzz-replay fuzz/corpus/compile
	ASAN_OPTIONS=detect_leaks=1 $(BUILD)/fuzz-replay-cache fuzz/corpus/cache

$(BUILD)/fuzz-compile: $(FUZZ_SRC) $(wildcard src/*.h src/common/*.h)
	clang $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined $(CPPFLAGS) \
	  $(FUZZ_SRC) $(LIBS) -o $@

# FUZZ_ENGINE=afl: AFL++ (Debian's afl++) instead, one afl-fuzz process,
# on the compiler (FUZZ_TARGET=compile) or on the runtime's cache reader
# (FUZZ_TARGET=cache); findings in build/afl-out-TARGET/default/{crashes,
# hangs}, figures in build/afl-out-TARGET/default/fuzzer_stats.
FUZZ_ENGINE ?= libfuzzer
FUZZ_TARGET ?= compile
AFL_CC   := AFL_USE_ASAN=1 AFL_USE_UBSAN=1 AFL_QUIET=1 afl-clang-fast

$(BUILD)/afl-compile: $(FUZZ_SRC) $(wildcard src/*.h src/common/*.h) | $(BUILD)/obj
	$(AFL_CC) $(WARN) -O1 -g -fsanitize=fuzzer $(CPPFLAGS) $(FUZZ_SRC) \
	  $(LIBS) -o $@

# The cache reader's files instrumented; what they call from the rest of
# the runtime (never reached from a row: the catalog queries) comes
# uninstrumented from the library.
$(BUILD)/afl-cache: $(FUZZ_CACHE_SRC) $(RT_HDR) $(BUILD)/libschemactl.a
	$(AFL_CC) $(WARN) -O1 -g -fsanitize=fuzzer -D_DEFAULT_SOURCE \
	  $(RT_INC) $(FUZZ_CACHE_SRC) $(BUILD)/libschemactl.a -lecpg -lpq -o $@

$(BUILD)/fuzz-cache: $(FUZZ_CACHE_SRC) $(RT_HDR) $(BUILD)/libschemactl.a
	clang $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined \
	  -D_DEFAULT_SOURCE $(RT_INC) $(FUZZ_CACHE_SRC) \
	  $(BUILD)/libschemactl.a -lecpg -lpq -o $@

# clang and afl++ are installed for this alone (not for make test).
fuzz-deps:
	@scripts/install-deps.sh --fuzz

$(BUILD)/fuzz-compile $(BUILD)/fuzz-cache $(BUILD)/afl-compile \
$(BUILD)/afl-cache: | fuzz-deps

ifeq ($(FUZZ_ENGINE),afl)
fuzz: $(BUILD)/afl-$(FUZZ_TARGET)
	mkdir -p $(BUILD)/afl-$(FUZZ_TARGET)-seeds
	find fuzz/corpus/$(FUZZ_TARGET) -type f -size -4k \
	  -exec cp -n {} $(BUILD)/afl-$(FUZZ_TARGET)-seeds/ \;
	AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 AFL_AUTORESUME=1 \
	  ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0 \
	  afl-fuzz -V $(FUZZ_SECONDS) -t 2000 -m none \
	  -i $(BUILD)/afl-$(FUZZ_TARGET)-seeds -o $(BUILD)/afl-out-$(FUZZ_TARGET) \
	  -- $(BUILD)/afl-$(FUZZ_TARGET)
	@cat $(BUILD)/afl-out-$(FUZZ_TARGET)/default/fuzzer_stats
else
fuzz: $(BUILD)/fuzz-$(FUZZ_TARGET)
	mkdir -p $(BUILD)/fuzz-$(FUZZ_TARGET)-corpus $(BUILD)/fuzz-crashes
	cp -n fuzz/corpus/$(FUZZ_TARGET)/* $(BUILD)/fuzz-$(FUZZ_TARGET)-corpus/
	LSAN_OPTIONS=suppressions=tests/unit/lsan.supp \
	  $(BUILD)/fuzz-$(FUZZ_TARGET) -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	  -rss_limit_mb=4096 -artifact_prefix=$(BUILD)/fuzz-crashes/ \
	  $(BUILD)/fuzz-$(FUZZ_TARGET)-corpus
endif

bad: bin/schemac
	tests/bad/run.sh

lint: bin/schemac
	tests/lint/run.sh
	@for p in $(PROJECTS); do bin/schemac check --strict --no-server schema/$$p 2>&1 | \
	  tail -1 | grep -q '^lint: .* 0 findings' || \
	  { echo "schema/$$p: check --strict finds something"; exit 1; }; \
	done; echo "ok: the projects pass check --strict"

integration: bin/schemac
	env -u PGHOST -u PGPORT tests/integration/run.sh

server-tests: bin/schemac
	env -u PGHOST -u PGPORT tests/server/run.sh

test: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) unit-asan
	$(MAKE) golden
	$(MAKE) bad
	$(MAKE) lint
	$(MAKE) server-tests
	$(MAKE) fuzz-replay
	$(MAKE) check-generated
	$(MAKE) integration
	$(MAKE) runtime-tests
	$(MAKE) e2e
	$(MAKE) fmt-test
	$(MAKE) ecosystem
	$(MAKE) deb-test

# ------------------------------------------------------------------ main job

run: deps
	$(MAKE) all
	scripts/run-main.sh $(PROJECTS)

e2e: all
	tests/e2e/run.sh
	tests/e2e/access.sh
	tests/e2e/names.sh
	tests/e2e/matrix.sh
	tests/e2e/evolve.sh
	tests/e2e/report.sh
	tests/e2e/renames.sh
	tests/e2e/migrate.sh
	tests/e2e/faults.sh
	tests/e2e/online.sh
	tests/e2e/fastpath.sh
	tests/e2e/platform.sh
	tests/e2e/objects.sh
	tests/e2e/comments.sh
	tests/e2e/verify_format.sh
	tests/e2e/cache.sh
	tests/e2e/messages.sh
	tests/e2e/import.sh

bench: all
	tests/bench/run.sh

bench-peers: all
	tests/bench/peers.sh

# ------------------------------------------------------------------ install

install: bin/schemac $(BUILD)/libschemactl.a
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(RTLIBDIR) \
	  $(DESTDIR)$(RTINCDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(BASHCOMPDIR) \
	  $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(VIMDIR)/syntax \
	  $(DESTDIR)$(VIMDIR)/ftdetect
	install -m 755 bin/schemac $(DESTDIR)$(BINDIR)/schemac
	install -m 644 $(BUILD)/libschemactl.a $(DESTDIR)$(RTLIBDIR)/
	install -m 644 src/runtime/schemactl.h src/common/objects.h \
	  $(DESTDIR)$(RTINCDIR)/
	install -m 644 src/platform/supabase.sql $(DESTDIR)$(DATADIR)/
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	install -m 644 completion/schemac.bash $(DESTDIR)$(BASHCOMPDIR)/schemac
	install -m 644 completion/_schemac $(DESTDIR)$(ZSHCOMPDIR)/_schemac
	install -m 644 editors/vim/syntax/schema.vim $(DESTDIR)$(VIMDIR)/syntax/
	install -m 644 editors/vim/ftdetect/schema.vim $(DESTDIR)$(VIMDIR)/ftdetect/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/schemac \
	  $(DESTDIR)$(RTLIBDIR)/libschemactl.a \
	  $(DESTDIR)$(RTINCDIR)/schemactl.h $(DESTDIR)$(RTINCDIR)/objects.h \
	  $(DESTDIR)$(DATADIR)/supabase.sql \
	  $(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%) \
	  $(MAN5:man/%=$(DESTDIR)$(MANDIR)/man5/%) \
	  $(DESTDIR)$(BASHCOMPDIR)/schemac $(DESTDIR)$(ZSHCOMPDIR)/_schemac \
	  $(DESTDIR)$(VIMDIR)/syntax/schema.vim \
	  $(DESTDIR)$(VIMDIR)/ftdetect/schema.vim
	-rmdir $(DESTDIR)$(RTLIBDIR) $(DESTDIR)$(RTINCDIR) $(DESTDIR)$(DATADIR) \
	  2>/dev/null

# A Debian package of `make install PREFIX=/usr` (scripts/make-deb.sh).
deb: bin/schemac $(BUILD)/libschemactl.a
	scripts/make-deb.sh $(VERSION)

# The package installed with apt on this machine, used, and removed (root).
deb-test: deb
	tests/ecosystem/deb.sh schemac_$(VERSION)_$$(dpkg --print-architecture).deb

# install/uninstall into a temporary prefix, conventions, man pages,
# completion, Vim syntax.
ecosystem: all
	tests/ecosystem/run.sh

fmt-test: bin/schemac
	tests/fmt/run.sh

clean:
	rm -rf $(BUILD) bin schemac_*.deb
