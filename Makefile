# Linli build. `make run` builds and serves; `make test` builds and runs every test.
# Sources are found by directory: every src/**/*.c except src/main.c is a module
# linked into both the binary and the unit tests, so adding a module needs no edit here.

PKGS     := libmicrohttpd sqlite3 libsodium jansson libcurl vips
BUILD    ?= build
SAN      ?=
OPT      ?= -O2
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wno-format-nonliteral -Wvla
HARDEN   := -fstack-protector-strong -D_FORTIFY_SOURCE=2
CFLAGS   := -std=c17 $(OPT) -g $(WARN) $(HARDEN) -D_GNU_SOURCE -Isrc $(SAN) \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
LDFLAGS  := $(SAN)

SRCS     := $(shell find src -name '*.c' ! -path src/main.c | sort)
OBJS     := $(SRCS:%.c=$(BUILD)/%.o)
TESTSRCS := $(shell find tests/unit -name 'test_*.c' | sort)
TESTBINS := $(TESTSRCS:%.c=$(BUILD)/%)
TESTCOMMON := $(BUILD)/tests/unit/support.o

DATA     ?= ./data
LISTEN   ?= 127.0.0.1:8080

.PHONY: all run deps test unit api-test web-test asan asan-test bench fmt clean
all: $(BUILD)/linli

$(BUILD)/linli: $(OBJS) $(BUILD)/src/main.o
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/unit/%: tests/unit/%.c $(OBJS) $(TESTCOMMON)
	@mkdir -p $(dir $@)
	@echo "  TEST-LD $@"
	@$(CC) $(CFLAGS) -Itests/unit -MMD -MP -o $@ $< $(OBJS) $(TESTCOMMON) $(LDFLAGS) $(LDLIBS) -lcmocka

$(TESTCOMMON): tests/unit/support.c tests/unit/support.h
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS) -Itests/unit -MMD -MP -c -o $@ $<

# header dependencies of every object and test (a changed struct rebuilds all its users)
-include $(OBJS:.o=.d) $(BUILD)/src/main.d $(TESTCOMMON:.o=.d) $(TESTBINS:=.d)

# Installs the Debian and npm packages the build and the tests need (idempotent).
deps:
	@scripts/deps.sh

run: deps all
	$(BUILD)/linli serve --listen $(LISTEN) --data $(DATA)

unit: $(TESTBINS)
	@scripts/run-unit.sh $(TESTBINS)

api-test: all
	LINLI_BIN=$(abspath $(BUILD)/linli) node --test tests/api/

web-test: all
	scripts/web-deps.sh
	LINLI_BIN=$(abspath $(BUILD)/linli) node --test tests/web/

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
asan-test:
	$(MAKE) BUILD=build-asan OPT=-O1 \
	  SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  unit api-test

test: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) api-test
	$(MAKE) web-test
	$(MAKE) asan-test

bench: deps all
	bench/run.sh

fmt:
	clang-format -i $(SRCS) src/main.c $(shell find src tests/unit -name '*.h')

clean:
	rm -rf build build-asan
