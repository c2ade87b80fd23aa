# schemac — a compiler for PostgreSQL schemas.  `make help` lists targets.

CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Werror -Wswitch
CPPFLAGS := -Isrc -D_DEFAULT_SOURCE
LIBS     := -lpg_query
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)

BUILD    := build
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=all

LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
SAN_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/san/%.o)
TEST_SRC := $(wildcard tests/unit/*.c)
PROJECTS := $(notdir $(patsubst %/,%,$(wildcard schema/*/)))
GENERATED := $(PROJECTS:%=generated/%.sql)

.PHONY: all help deps run test unit unit-asan golden bad integration \
        generated check-generated clean

all: bin/schemac generated

help:
	@echo "make            build bin/schemac and regenerate generated/*.sql"
	@echo "make run        the main job: install what is missing, compile every"
	@echo "                project in schema/, apply it to a throwaway PostgreSQL"
	@echo "                and print a report"
	@echo "make test       install what is missing, then every test: unit tests"
	@echo "                (plain and under ASan/UBSan), golden files, the bad-input"
	@echo "                corpus, stale generated/ check, catalog comparisons"
	@echo "make unit       unit tests only (Check)"
	@echo "make unit-asan  unit tests under AddressSanitizer and UBSan"
	@echo "make golden     golden tests: tests/golden/*.schema against .sql/.err"
	@echo "make bad        bad-input corpus: expected positions, no crash"
	@echo "make integration  compiled SQL vs hand-written SQL, catalogs compared"
	@echo "make deps       install missing Debian packages (apt-get)"
	@echo "make clean      remove build/ and bin/"

deps:
	@scripts/install-deps.sh

# ------------------------------------------------------------------ build

$(BUILD)/obj/%.o: src/%.c src/schemac.h | $(BUILD)/obj
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -c $< -o $@

$(BUILD)/san/%.o: src/%.c src/schemac.h | $(BUILD)/san
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) -c $< -o $@

$(BUILD)/obj $(BUILD)/san bin:
	mkdir -p $@

$(BUILD)/libschemac.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

bin/schemac: src/main.c $(BUILD)/libschemac.a | bin
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) $< $(BUILD)/libschemac.a $(LIBS) -o $@

# generated/ is committed: written whole, then renamed, never half-written.
generated/%.sql: bin/schemac $(shell find schema -name '*.schema' 2>/dev/null)
	@mkdir -p generated
	bin/schemac sql schema/$* > $@.tmp && mv $@.tmp $@ || { rm -f $@.tmp; exit 1; }

generated: $(GENERATED)

check-generated: bin/schemac
	@for p in $(PROJECTS); do \
	  bin/schemac sql schema/$$p | cmp -s - generated/$$p.sql || \
	    { echo "generated/$$p.sql is stale: run make and commit it"; exit 1; }; \
	done; echo "ok: generated/ is up to date"

# ------------------------------------------------------------------ tests

$(BUILD)/unit-tests: $(TEST_SRC) $(BUILD)/libschemac.a
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) $(TEST_SRC) $(BUILD)/libschemac.a \
	  $(LIBS) $(CHECK_LIBS) -o $@

$(BUILD)/unit-tests-asan: $(TEST_SRC) $(SAN_OBJ)
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) $(TEST_SRC) $(SAN_OBJ) \
	  $(LIBS) $(CHECK_LIBS) -o $@

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

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
	$(MAKE) bin/schemac
	$(MAKE) unit
	$(MAKE) unit-asan
	$(MAKE) golden
	$(MAKE) bad
	$(MAKE) check-generated
	$(MAKE) integration

# ------------------------------------------------------------------ main job

run: deps
	$(MAKE) bin/schemac
	scripts/run-main.sh $(PROJECTS)

clean:
	rm -rf $(BUILD) bin
