#!/usr/bin/env bash
# Proves the package works as a dependency: `npm pack`, install the tarball into an empty project next
# to its peers; type-check and run an ES module app, a CommonJS app under tsx and a plain require();
# run the bin.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
npm run -s build
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
peer() { node -p "require('$root/node_modules/$1/package.json').version"; }
mkdir "$work/app" && cd "$work/app"
cp "$root/scripts/pack-check/app.ts" "$root/scripts/pack-check/primes.ts" "$root/scripts/pack-check/tsconfig.json" .
echo '{ "name": "pack-check-app", "private": true, "type": "module" }' > package.json
npm install --no-audit --no-fund --prefer-offline --loglevel=error "$work/$tarball" \
  "effect@$(peer effect)" "@effect/platform@$(peer @effect/platform)" \
  "@effect/platform-node@$(peer @effect/platform-node)" "@effect/cli@$(peer @effect/cli)" \
  "typescript@$(peer typescript)" "@types/node@$(peer @types/node)" "tsx@$(peer tsx)"
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
echo "pack-check: ok ($tarball)"
