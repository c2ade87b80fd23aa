# schemac — a compiler for PostgreSQL schemas.  `make help` lists targets.

CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Werror -Wswitch
CPPFLAGS := -Isrc -Isrc/common -D_DEFAULT_SOURCE
LIBS     := -lpg_query
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)

BUILD    := build
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=all

# src/common: what the compiler and the runtime share (object kinds,
# statement shapes, identifier quoting), compiled into both.
COMMON_SRC := $(wildcard src/common/*.c)
LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*.c))
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
        runtime-tests e2e bench check-generated clean

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
	@echo "                corpus, stale generated/ check (SQL, access matrices,"
	@echo "                pgc), catalog comparisons, e2e"
	@echo "make unit       unit tests only (Check)"
	@echo "make unit-asan  unit tests under AddressSanitizer and UBSan"
	@echo "make golden     golden tests: tests/golden/*.schema against .sql/.err"
	@echo "make bad        bad-input corpus: expected positions, no crash"
	@echo "make integration  compiled SQL vs hand-written SQL, catalogs compared"
	@echo "make runtime-tests  the runtime's Check tests against real servers"
	@echo "make e2e        executables against a real PostgreSQL: apply, verify,"
	@echo "                tamper, verify again, repair; access tests; the access"
	@echo "                matrix of each project proven by the tests it emits;"
	@echo "                schema changes over rows (evolve.sh); each project's"
	@echo "                HTML report rendered by headless Chromium;"
	@echo "                renames (renamed from) on a database with rows;"
	@echo "                migration files (schemac diff) run by psql, and"
	@echo "                rollback"
	@echo "make bench      compile/build/apply/verify times for 1,000 and 10,000"
	@echo "                tables, beside psql -1 -f"
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

$(BUILD)/obj $(BUILD)/san bin:
	mkdir -p $@

$(BUILD)/libschemac.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

bin/schemac: src/main.c $(BUILD)/libschemac.a | bin
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) $< $(BUILD)/libschemac.a $(LIBS) -o $@

# `schemac build` finds the runtime in the tree it was built from.
$(BUILD)/obj/build.o: CPPFLAGS += -DSCHEMAC_HOME='"$(CURDIR)"'
$(BUILD)/obj/build.o: Makefile

$(BUILD)/rt:
	mkdir -p $@

RT_INC   = -Isrc/runtime -Isrc/common -I$(PGINC)
RT_HDR   := src/runtime/schemactl.h src/common/objects.h src/common/serial.h

$(BUILD)/rt/%.o: src/runtime/%.c $(RT_HDR) | $(BUILD)/rt
	$(CC) $(WARN) $(CFLAGS) -D_DEFAULT_SOURCE $(RT_INC) -c $< -o $@

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

runtime-tests: $(BUILD)/runtime-tests $(BUILD)/facets-tests
	$(BUILD)/runtime-tests
	$(BUILD)/facets-tests

unit-asan: $(BUILD)/unit-tests-asan
	CK_FORK=no ASAN_OPTIONS=detect_leaks=1 \
	  LSAN_OPTIONS=suppressions=tests/unit/lsan.supp $(BUILD)/unit-tests-asan

golden: bin/schemac
	tests/golden/run.sh

bad: bin/schemac
	tests/bad/run.sh

integration: bin/schemac
	env -u PGHOST -u PGPORT tests/integration/run.sh

test: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) unit-asan
	$(MAKE) golden
	$(MAKE) bad
	$(MAKE) check-generated
	$(MAKE) integration
	$(MAKE) runtime-tests
	$(MAKE) e2e

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

bench: all
	tests/bench/run.sh

clean:
	rm -rf $(BUILD) bin
