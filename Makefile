# cptunits: a plain Makefile.
#
#   make            build ./cptunits
#   make deps       install the Debian packages that are missing (apt-get)
#   make run        set up and run the main job on a bundled example
#   make check      set up and run every test
#   make check-asan the tests again, built with AddressSanitizer + UBSan
#   make check-valgrind  the tests again, under valgrind
#   make check-tsan the tests again, built with ThreadSanitizer
#   make bench      speed and memory, beside wc -l, libcsv and libical alone
#   make fuzz       each libFuzzer harness for FUZZ_SECONDS
#   make install    PREFIX=/usr/local DESTDIR= (binary, man page, rules file)
#
# User CFLAGS are added to the project's warning flags, never replace them.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/cptunits
SYSCONFDIR ?= /etc

CC ?= cc
B ?= build
BIN ?= ./cptunits
VERSION = 0.1.0

# CI adds WERROR=-Werror.
WERROR ?=
WARN = -std=c11 -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes \
       -Wstrict-prototypes -Wwrite-strings -Wno-format-nonliteral $(WERROR)
OPT ?= -O2 -g
CPPFLAGS_ALL = -D_GNU_SOURCE -Iinclude -I$(B) -I/usr/include/iniparser \
       -DCPTUNITS_VERSION='"$(VERSION)"' -DSYSCONFDIR='"$(SYSCONFDIR)"' \
       $(if $(XLSX_LIB),-DXLSX_LIB='"$(XLSX_LIB)"') \
       $(if $(MHD_LIB),-DMHD_LIB='"$(MHD_LIB)"') $(CPPFLAGS)
CFLAGS_ALL = $(WARN) $(OPT) $(SAN) $(CFLAGS)
# libxlsxwriter and libmicrohttpd are loaded when a workbook is written or
# the server starts (src/dynlib.c), by the names their packages give them
LIBS = -liniparser -ljansson -lcsv -lical -lpthread -ldl
soname = $(shell readelf -d "$$($(CC) -print-file-name=lib$(1).so)" 2>/dev/null | \
	sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
XLSX_LIB := $(call soname,xlsxwriter)
MHD_LIB := $(call soname,microhttpd)
LDFLAGS_ALL = $(SAN) $(LDFLAGS)

# Every module but main goes into a library that the tests link against.
MODULES = annotate auth cli commands csvread date diag dynlib ics icsline logread outfile output pool recur zone \
          report rules rulesload serve strutil thread tz units xlsx builtin_rules \
          windows_zones web_assets
OBJS = $(MODULES:%=$(B)/%.o)
TESTS = test_units test_rules test_date test_manpage test_recur test_report test_zone \
        test_thread
TESTBINS = $(TESTS:%=$(B)/%)

DEBIAN_PACKAGES = build-essential pkg-config libical-dev libiniparser-dev \
        libjansson-dev libcsv-dev libcmocka-dev libxlsxwriter-dev \
        libmicrohttpd-dev tzdata mandoc valgrind clang libclang-rt-14-dev \
        python3 curl chromium

all: $(BIN)

$(BIN): $(B)/main.o $(B)/libcptunits.a
	$(CC) $(LDFLAGS_ALL) -o $@ $(B)/main.o $(B)/libcptunits.a $(LIBS)

$(B)/libcptunits.a: $(OBJS)
	rm -f $@
	ar rcs $@ $(OBJS)

$(B)/%.o: src/%.c include/*.h | $(B)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -c -o $@ $<

# The shipped rules file, compiled in as the built-in default.
$(B)/builtin_rules.c: config/cptunits.ini | $(B)
	{ printf '/* Generated from config/cptunits.ini by the Makefile. */\n'; \
	  printf '#include "rules.h"\nconst char rules_builtin[] =\n'; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' config/cptunits.ini; \
	  printf ';\n'; } > $@.tmp && mv $@.tmp $@

$(B)/builtin_rules.o: $(B)/builtin_rules.c include/rules.h
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -c -o $@ $<

# The page of `serve` (web/) and the bundled examples, compiled in.
WEB_ASSETS = web/index.html web/app.js web/style.css examples/sessions.csv \
        examples/sessions.ics
$(B)/web_assets.c: $(WEB_ASSETS) | $(B)
	{ printf '/* Generated from web/ and examples/ by the Makefile. */\n'; \
	  for f in $(WEB_ASSETS); do \
	    n=$$(basename $$f | sed 's/^sessions/example/; s/[^a-z]/_/g'); \
	    printf 'extern const char serve_%s[];\nconst char serve_%s[] =\n' $$n $$n; \
	    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\r$$/\\r/' -e 's/^/"/' -e 's/$$/\\n"/' $$f; \
	    printf ';\n'; \
	  done; } > $@.tmp && mv $@.tmp $@

$(B)/web_assets.o: $(B)/web_assets.c
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -c -o $@ $<

# Windows time zone names -> IANA (CLDR windowsZones.xml), compiled in.
$(B)/windows_zones.c: data/windows-zones.txt | $(B)
	{ printf '/* Generated from data/windows-zones.txt by the Makefile. */\n'; \
	  printf 'extern const char ics_windows_zones[];\nconst char ics_windows_zones[] =\n'; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\t/\\t/g' -e 's/^/"/' -e 's/$$/\\n"/' data/windows-zones.txt; \
	  printf ';\n'; } > $@.tmp && mv $@.tmp $@

$(B)/windows_zones.o: $(B)/windows_zones.c
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -c -o $@ $<

$(B)/test_%: tests/unit/test_%.c $(B)/libcptunits.a
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< \
	    $(B)/libcptunits.a $(LIBS) -lcmocka

$(B):
	mkdir -p $(B)

# Install only what is missing; say what is done.
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; \
	else echo "deps: installing$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; fi

# The bundled example, billed by the built-in rules (CPTUNITS_CONFIG empty
# and a scratch HOME, so no rules file of the machine interferes).
RUN = env -u CPTUNITS_CONFIG HOME=/nonexistent $(BIN)
run: deps
	@$(MAKE) --no-print-directory $(BIN)
	$(RUN) -f table log examples/sessions.csv
	$(RUN) -f csv log examples/sessions.csv
	$(RUN) -f table ics examples/sessions.ics

$(B)/warncheck: tests/tools/warncheck.c | $(B)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< -ljansson

tests: $(BIN) $(TESTBINS) $(B)/warncheck

check: deps
	@$(MAKE) --no-print-directory tests
	mandoc -Tlint -W warning man/cptunits.1
	@BIN=$(BIN) B=$(B) sh tests/run.sh

check-asan:
	@$(MAKE) --no-print-directory B=build/asan BIN=build/asan/cptunits CC=clang \
	    OPT='-O1 -g -fno-omit-frame-pointer' \
	    SAN='-fsanitize=address,undefined -fno-sanitize-recover=all' tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    BIN=build/asan/cptunits B=build/asan sh tests/run.sh

# Threads (the log's reader, its billing and the writer's helper) under
# ThreadSanitizer: a race is a report on standard error, and a failed test.
check-tsan:
	@$(MAKE) --no-print-directory B=build/tsan BIN=build/tsan/cptunits CC=clang \
	    OPT='-O1 -g' SAN='-fsanitize=thread' tests
	@TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
	    BIN=build/tsan/cptunits B=build/tsan sh tests/run.sh

check-valgrind: tests
	@VALGRIND='valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=99' \
	    BIN=$(BIN) B=$(B) sh tests/run.sh

# Speed and memory, beside the floors (tests/bench.sh); BENCH_FLAT="1000000
# 10000000" for the ten-million-row figure.
$(B)/runstat: tests/bench/runstat.c | $(B)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $<

$(B)/csvcount: tests/bench/csvcount.c $(B)/libcptunits.a
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< \
	    $(B)/libcptunits.a $(LIBS)

$(B)/csvfloor: tests/bench/csvfloor.c | $(B)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< -lcsv

$(B)/icsfloor: tests/bench/icsfloor.c | $(B)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< -lical

bench: deps
	@$(MAKE) --no-print-directory $(BIN) $(B)/runstat $(B)/csvcount \
	    $(B)/csvfloor $(B)/icsfloor
	@B=$(B) sh tests/bench.sh

# libFuzzer harnesses (tests/fuzz), linked against the product's own
# objects built with clang and the sanitizers; `make fuzz` runs each for
# FUZZ_SECONDS.
FUZZERS = fuzz_log fuzz_rules fuzz_ics fuzz_time fuzz_auth fuzz_serve fuzz_csv
FUZZ_SECONDS ?= 60
FB = build/fuzz
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all

fuzz-build:
	@$(MAKE) --no-print-directory B=$(FB) CC=clang OPT='-O1 -g' \
	    SAN='-fsanitize=fuzzer-no-link $(FUZZ_SAN)' $(FB)/libcptunits.a
	@for f in $(FUZZERS); do \
	  clang $(CPPFLAGS_ALL) $(WARN) -O1 -g -fsanitize=fuzzer $(FUZZ_SAN) \
	    -o $(FB)/$$f tests/fuzz/$$f.c $(FB)/libcptunits.a $(LIBS) || exit 1; \
	done

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@FB=$(FB) sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)

lint:
	mandoc -Tlint -W warning man/cptunits.1

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/cptunits
	install -m 644 man/cptunits.1 $(DESTDIR)$(MANDIR)/man1/cptunits.1
	install -m 644 config/cptunits.ini $(DESTDIR)$(DATADIR)/cptunits.ini

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/cptunits $(DESTDIR)$(MANDIR)/man1/cptunits.1 \
	    $(DESTDIR)$(DATADIR)/cptunits.ini

clean:
	rm -rf build cptunits

.PHONY: all deps run tests check check-asan check-tsan check-valgrind bench fuzz \
	fuzz-build lint install uninstall clean
