# opsdeck — build, test, demo. `make` builds build/opsdeck and build/opsdeck-sandbox.

BUILD    ?= build
VERSION  ?= 0.1.0
CC       ?= cc
PKGS      = ncursesw libcurl jansson yaml-0.1 libgit2 openssl
SBX_PKGS  = libmicrohttpd gnutls jansson yaml-0.1 openssl libgit2
WARN      = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wwrite-strings -Werror
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -DOPSDECK_VERSION=\"$(VERSION)\" -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) \
             $(SANITIZE) -I. -MMD -MP
LDLIBS_OPSDECK = $(shell pkg-config --libs $(PKGS)) -lpthread
LDLIBS_SANDBOX = $(shell pkg-config --libs $(SBX_PKGS)) -lpthread
LDLIBS_TEST    = $(shell pkg-config --libs cmocka $(PKGS) $(SBX_PKGS)) -lpthread

LIB_SRC   = $(wildcard core/*.c clients/*.c tui/*.c views/*.c)
CORE_SRC  = $(wildcard core/*.c)
SBX_SRC   = $(filter-out sandbox/main.c,$(wildcard sandbox/*.c))
TEST_SRC  = $(wildcard tests/unit/test_*.c)
SUPPORT_SRC = $(wildcard tests/support/*.c)

EMBED_SRC = $(sort $(wildcard keymaps/*.yaml themes/*.yaml thresholds/*.yaml))

LIB_OBJ   = $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/embedded.o
CORE_OBJ  = $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
SBX_OBJ   = $(SBX_SRC:%.c=$(BUILD)/obj/%.o)
TEST_BIN  = $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
SUPPORT_OBJ = $(SUPPORT_SRC:%.c=$(BUILD)/obj/%.o)

.SECONDARY:
.PHONY: all deps test tests unit integration kubectl-suite asan demo clean bench fuzz fuzz-replay fuzz-bins
all: $(BUILD)/opsdeck $(BUILD)/opsdeck-sandbox

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# keymaps/, themes/ and thresholds/ compiled in: the defaults a user's files override.
$(BUILD)/gen/embedded.c: $(EMBED_SRC) scripts/embed.sh Makefile
	@mkdir -p $(dir $@)
	sh scripts/embed.sh $@ $(EMBED_SRC)

$(BUILD)/obj/gen/embedded.o: $(BUILD)/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libopsdeck.a: $(LIB_OBJ)
	@rm -f $@; ar rcs $@ $^

$(BUILD)/libsandbox.a: $(SBX_OBJ) $(CORE_OBJ)
	@rm -f $@; ar rcs $@ $^

$(BUILD)/opsdeck: $(BUILD)/obj/main.o $(BUILD)/libopsdeck.a
	$(CC) $(SANITIZE) -o $@ $^ $(LDLIBS_OPSDECK)

$(BUILD)/opsdeck-sandbox: $(BUILD)/obj/sandbox/main.o $(BUILD)/libsandbox.a
	$(CC) $(SANITIZE) -o $@ $^ $(LDLIBS_SANDBOX)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(SUPPORT_OBJ) $(BUILD)/libsandbox.a $(BUILD)/libopsdeck.a
	@mkdir -p $(dir $@)
	$(CC) $(SANITIZE) -o $@ $^ $(LDLIBS_TEST)

deps:
	@sh scripts/deps.sh

# Everything a fresh Debian machine needs, then every test; ends with "N passed, N failed".
test: deps
	@$(MAKE) --no-print-directory all tests fuzz-replay
	@$(MAKE) --no-print-directory asan
	@sh tests/run.sh $(BUILD)

tests: $(TEST_BIN)

asan:
	@$(MAKE) --no-print-directory BUILD=build/asan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=undefined" all tests fuzz-replay

# ---- fuzzing (tests/fuzz/README.md) ----
# make fuzz: each target under libFuzzer (clang) for FUZZ_TIME seconds, one at a time;
# new inputs go to build/fuzz/corpus, crashes to build/fuzz/crashes. make test replays
# tests/fuzz/corpus and tests/fuzz/regress with replay_* built by $(CC).
FUZZ_TIME    ?= 60
FUZZ_CC      ?= clang
FUZZ_TARGETS ?= $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
REPLAY_BIN    = $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)

$(BUILD)/fuzz/replay_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/replay.o $(BUILD)/libopsdeck.a
	@mkdir -p $(dir $@)
	$(CC) $(SANITIZE) -o $@ $^ $(LDLIBS_OPSDECK)

$(BUILD)/fuzz/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/libopsdeck.a
	@mkdir -p $(dir $@)
	$(CC) $(SANITIZE) -fsanitize=fuzzer -o $@ $^ $(LDLIBS_OPSDECK)

fuzz-replay: $(REPLAY_BIN)
fuzz-bins: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)

fuzz:
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=$(FUZZ_CC) CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SANITIZE="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" fuzz-bins
	@sh tests/fuzz/fuzz.sh build/fuzz $(FUZZ_TIME) $(FUZZ_TARGETS)

# side-by-side ratios against kubectl and the raw fetch (bench/pods.sh, bench/logs.sh); not part of test
bench: all
	@sh bench/pods.sh $(BUILD)
	@sh bench/logs.sh $(BUILD)

demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh $(BUILD)

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
