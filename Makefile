# svc: build, test, install.  See README.md.
VERSION   = 0.1.0
PREFIX    = /usr/local
MANPREFIX = $(PREFIX)/share/man
COMPDIR   = $(PREFIX)/share/bash-completion/completions
DESTDIR   =
CC       ?= cc
CSTD      = -std=c11
WARN      = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
OPT       = -O2 -g
ifeq ($(SANITIZE),1)
BUILD     = build/asan
OPT       = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDSAN     = -fsanitize=address,undefined
else
BUILD     = build
endif
CPPFLAGS += -D_GNU_SOURCE -DSVC_VERSION='"$(VERSION)"' -Ilib
CFLAGS   += $(CSTD) $(WARN) $(OPT) -pthread
LDLIBS    = -lcsv -lsqlite3 -lnettle -lm -pthread

PROGS   = svc svc-import svc-route svc-sla svc-escalate svc-report svc-db svc-measure svc-approve
LIBSRC  = $(wildcard lib/*.c)
LIBOBJ  = $(LIBSRC:lib/%.c=$(BUILD)/obj/%.o)
BINS    = $(PROGS:%=$(BUILD)/bin/%)
UNITSRC = $(wildcard tests/unit/t_*.c)
UNITS   = $(UNITSRC:tests/unit/%.c=$(BUILD)/unit/%)
FUZZERS = reader time cond tsv
REPLAYS = $(FUZZERS:%=$(BUILD)/fuzz/replay-%)
FUZZ_SECONDS = 60
MANS    = $(PROGS:%=man/%.1) man/svc.7
STAMP   = $(BUILD)/.deps

all: $(BINS)

$(STAMP):
	@scripts/install-deps
	@mkdir -p $(BUILD)/obj $(BUILD)/bin $(BUILD)/unit
	@touch $@

$(BUILD)/obj/%.o: lib/%.c lib/*.h $(STAMP)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/libsvc.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)

$(BUILD)/bin/%: cmd/%.c $(BUILD)/libsvc.a $(STAMP)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libsvc.a $(LDSAN) $(LDLIBS)

$(BUILD)/unit/%: tests/unit/%.c tests/unit/tap.h $(BUILD)/libsvc.a $(STAMP)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libsvc.a $(LDSAN) $(LDLIBS)

# the fuzz harnesses over their committed seed corpus, without libFuzzer
$(BUILD)/fuzz/replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(BUILD)/libsvc.a $(STAMP)
	@mkdir -p $(BUILD)/fuzz
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/libsvc.a $(LDSAN) $(LDLIBS)

# make check: C unit tests, the fuzz corpus replayed, the reliability
# harnesses' short profile and the Bats suite, one summary line at the end.
check: $(BINS) $(UNITS) $(REPLAYS)
	@SVC_BIN=$(CURDIR)/$(BUILD)/bin SVC_UNIT=$(CURDIR)/$(BUILD)/unit \
	    SVC_FUZZ=$(CURDIR)/$(BUILD)/fuzz scripts/run-tests $(UNITS)

# make check-long: the long reliability profile (200k-row crash tests,
# 60 s of concurrency, ...) and the Bats subset under valgrind memcheck.
check-long: $(BINS)
	@scripts/install-deps --long
	@SVC_BIN=$(CURDIR)/$(BUILD)/bin tests/reliability/run long
	@SVC_BIN=$(CURDIR)/$(BUILD)/bin tests/reliability/valgrind

# make fuzz: each libFuzzer harness (clang) for FUZZ_SECONDS, from the seed
# corpus; a crash, leak or timeout stops it with the input saved.
fuzz:
	@scripts/install-deps --fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz $(FUZZERS)

unit: $(UNITS)
	@for t in $(UNITS); do $$t || exit 1; done

lint-man:
	@scripts/check-man $(MANS)

demo: $(BINS)
	@SVC_BIN=$(CURDIR)/$(BUILD)/bin scripts/demo

bench: $(BINS)
	@SVC_BIN=$(CURDIR)/$(BUILD)/bin scripts/bench

install: $(BINS)
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 $(DESTDIR)$(MANPREFIX)/man7
	cp -f $(BINS) $(DESTDIR)$(PREFIX)/bin/
	cd $(DESTDIR)$(PREFIX)/bin && chmod 755 $(PROGS)
	for p in $(PROGS); do cp -f man/$$p.1 $(DESTDIR)$(MANPREFIX)/man1/ && chmod 644 $(DESTDIR)$(MANPREFIX)/man1/$$p.1; done
	cp -f man/svc.7 $(DESTDIR)$(MANPREFIX)/man7/ && chmod 644 $(DESTDIR)$(MANPREFIX)/man7/svc.7
	mkdir -p $(DESTDIR)$(COMPDIR)
	for p in $(PROGS); do cp -f scripts/svc-completion.bash $(DESTDIR)$(COMPDIR)/$$p && chmod 644 $(DESTDIR)$(COMPDIR)/$$p; done

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(PREFIX)/bin/$$p $(DESTDIR)$(MANPREFIX)/man1/$$p.1; done
	rm -f $(DESTDIR)$(MANPREFIX)/man7/svc.7
	for p in $(PROGS); do rm -f $(DESTDIR)$(COMPDIR)/$$p; done

clean:
	rm -rf build

.PHONY: all check check-long fuzz unit lint-man demo bench install uninstall clean
.PRECIOUS: $(BUILD)/obj/%.o
