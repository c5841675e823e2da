#!/usr/bin/env bash
# Proves the package works as a dependency: `npm pack`, install the tarball into an empty project with
# the README's install line; type-check and run an ES module app, a CommonJS app under tsx and a plain
# require(); run the bin. Then an app without @effect/platform-node loads the root and every entry
# point but effect-flags/node.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
npm run -s build
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
peer() { node -p "require('$root/node_modules/$1/package.json').version"; }
# the README's install line, run as it is written; `effect-flags` is the tarball, named in package.json
install_line="npm install effect-flags effect@^3.22 @effect/platform@^0.97 @effect/platform-node@^0.108"
grep -qxF "$install_line" README.md || { echo "pack-check: README's install line is not: $install_line"; exit 1; }
app() {
  mkdir "$work/$1" && cd "$work/$1"
  echo "{ \"name\": \"pack-check-$1\", \"private\": true, \"type\": \"module\", \"dependencies\": { \"effect-flags\": \"file:../$tarball\" } }" > package.json
}
quiet=(--no-audit --no-fund --prefer-offline --loglevel=error)
app app
cp "$root/scripts/pack-check/app.ts" "$root/scripts/pack-check/primes.ts" "$root/scripts/pack-check/tsconfig.json" .
$install_line "${quiet[@]}"
npm install "${quiet[@]}" "typescript@$(peer typescript)" "@types/node@$(peer @types/node)" "tsx@$(peer tsx)"
# an ES module app, type-checked and compiled by tsc
npx --no-install tsc -p .
node app.js
# a CommonJS app (what `npm init -y` makes): in TypeScript under tsx, and plain node with require()
mkdir cjs && cp "$root"/scripts/pack-check/cjs/* cjs/
echo '{ "name": "pack-check-cjs", "version": "1.0.0", "type": "commonjs" }' > cjs/package.json
npx --no-install tsc -p cjs
(cd cjs && npx --no-install tsx app.ts && node plain.js)
node primes.js
npx --no-install flags --version
npx --no-install flags spin --seconds 0.2 --message packed
npx --no-install flags download -d flags-cli BR JP
test -f flags-cli/BR.png
npx --no-install flags primes -w 2 7919 1_000_003 > primes.txt
grep -q "^2 checks in" primes.txt
# no @effect/platform-node: the root and each entry point but effect-flags/node, imported and required
app no-node
cp "$root"/scripts/pack-check/no-node/* .
npm install "${quiet[@]}" effect-flags effect@^3.22 @effect/platform@^0.97
test ! -e node_modules/@effect/platform-node
node app.mjs
node app.cjs
echo "pack-check: ok ($tarball)"
