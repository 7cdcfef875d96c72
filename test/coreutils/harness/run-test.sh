#!/bin/sh
# Runs one pinned coreutils test against PROGRAM, called NAME in the test.
#   run-test.sh PROGRAM NAME TEST [HELPER]...
# e.g. run-test.sh /usr/bin/nohup nohup tests/misc/nohup.sh
#      run-test.sh "$PWD/bin/tnohup" tnohup tests/misc/invalid-opt.pl
# When NAME is not nohup, the word nohup in the test becomes NAME (but not in
# nohup.out): the program name is the only thing normalised. The test runs in
# a fresh directory under $TMPDIR, which is removed afterwards; the output of
# the test is shown, and its status is this script's.
set -u
program=$1 name=$2 test=$3
shift 3
# HELPERs are installed coreutils programs that a test needs among the
# "built" ones (help-version-getopt.sh checks for yes, io-errors.sh for env).
here=$(cd "$(dirname "$0")" && pwd)
pinned=$(dirname "$here")
work=$(mktemp -d "${TMPDIR:-/tmp}/coreutils-test.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
cp -R "$pinned/tests" "$pinned/init.cfg" "$work/" || exit 99
mkdir "$work/src" "$work/bin"
ln -s "$program" "$work/src/$name"
cp "$here/getlimits" "$work/bin/getlimits"
if [ "$name" != nohup ]; then
  sed 's/\(^\|[^A-Za-z0-9]\)nohup\($\|[^.A-Za-z0-9]\)/\1'"$name"'\2/g' "$pinned/$test" > "$work/$test" || exit 99
fi
version=$("$program" --version | sed -n '1s/.* //p;q')
cd "$work" || exit 99
export srcdir="$work" built_programs="$name${1:+ $*}" VERSION="$version" EXEEXT= host_os=linux-gnu SHELL=/bin/sh
# As coreutils' make check does: the program under test first on PATH.
export PATH="$work/src:$work/bin:$PATH" LC_ALL=C
unset POSIXLY_CORRECT VERBOSE DEBUG
case $test in
  *.pl)
    base=$(basename "$test" .pl)
    exec 9>&2
    perl -w -I"$work/tests" -MCuSkip -MCoreutils -M"CuTmpdir qw($base)" "$test"
    ;;
  *) exec 9>&2; /bin/sh "$test" ;;
esac
