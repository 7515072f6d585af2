#!/usr/bin/env bash
# Builds FerretDB (a MongoDB-wire-compatible server on SQLite) into .tools/ferretdb for the
# MongoDB contract tests, unless a binary of the pinned version is already there.
# Needs only Go and the Go module proxy. Idempotent; run by `npm test` (pretest).
set -euo pipefail

VERSION=v1.24.2
MODULE=github.com/FerretDB/FerretDB
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/.tools/ferretdb"

# (Not `--version | grep -q`: with pipefail, grep quitting early can SIGPIPE ferretdb.)
if [[ -x "$OUT" && "$("$OUT" --version 2>/dev/null || true)" == *"version: $VERSION"* ]]; then
  echo "ferretdb: $OUT is $VERSION, nothing to build"
  exit 0
fi

GO="$(command -v go || true)"
[[ -z "$GO" && -x /usr/local/go/bin/go ]] && GO=/usr/local/go/bin/go
if [[ -z "$GO" ]]; then
  echo "ferretdb: Go is needed to build FerretDB $VERSION for the MongoDB tests, but 'go' is" >&2
  echo "ferretdb: not on PATH (nor at /usr/local/go/bin/go). Install Go from https://go.dev/dl/" >&2
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ferretdb-build.XXXXXX")"
trap 'rm -rf "$WORK" "$OUT.tmp.$$"' EXIT
cd "$WORK"  # outside any Go module, so `go mod download` is not tied to one

# `go install ...@version` fails behind proxies that refuse the @v/list lookup, so fetch the
# exact module version and build it from a writable copy instead.
echo "ferretdb: building $VERSION with $("$GO" version) (first time: a few minutes)"
SRC="$("$GO" mod download -json "$MODULE@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
if [[ -z "$SRC" || ! -d "$SRC" ]]; then
  echo "ferretdb: 'go mod download $MODULE@$VERSION' gave no source directory" >&2
  exit 1
fi
cp -R "$SRC" "$WORK/src"
chmod -R u+w "$WORK/src"
echo "$VERSION" > "$WORK/src/build/version/version.txt"  # the binary panics at start-up without it

mkdir -p "$(dirname "$OUT")"
(cd "$WORK/src" && "$GO" build -buildvcs=false -o "$OUT.tmp.$$" ./cmd/ferretdb)
mv -f "$OUT.tmp.$$" "$OUT"  # atomic: a concurrent run never sees a half-written binary
echo "ferretdb: built $VERSION at $OUT"
