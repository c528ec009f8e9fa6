#!/usr/bin/env bash
# The package as a registry would receive it: remove dist/, pack afresh (the prepack script builds
# dist/ first, as it must on a fresh clone), then lint the tarball itself with publint (warnings
# count as errors) and arethetypeswrong (every entry point under node10, node16 from CJS and ESM,
# and bundler resolution). Needs no network: both tools are devDependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

pack_dir="$(mktemp -d)"
trap 'rm -rf "$pack_dir"' EXIT

rm -rf dist
npm pack --silent --pack-destination "$pack_dir" >/dev/null
tarball="$(ls "$pack_dir"/*.tgz)"

# What a fresh `npm pack` must contain: the licence, and the built entries with their types.
listing="$(tar -tzf "$tarball")"
for file in package/LICENSE package/README.md package/dist/index.js package/dist/index.cjs package/dist/index.d.ts package/dist/index.d.cts \
  package/dist/presets.js package/dist/server.js package/dist/testing.js; do
  grep -qx "$file" <<<"$listing" || { echo "check-package: $file is missing from the packed tarball" >&2; exit 1; }
done
echo "check-package: $(wc -l <<<"$listing") files in $(basename "$tarball")"

npx --no-install publint run "$tarball" --strict
npx --no-install attw "$tarball" --profile strict
