#!/bin/sh
# Rebuild the console map's glyphs (MapLibre's signed-distance-field PBFs) from Noto Sans as shipped
# in the npm package @geops/mapbox-gl-fonts (SIL OFL 1.1), rendered by the npm package fontnik
# (BSD, with a prebuilt linux-x64 module). Only the ranges place and street names of Los Angeles
# need are kept: Basic Latin and Latin-1 (0-255), Latin Extended-A/B (256-767) and General
# Punctuation (8192-8447: dashes, quotes). Needs node and npm; writes
# console/static/vendor/fonts/<font>/<range>.pbf.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent @geops/mapbox-gl-fonts@3.0.0 fontnik@0.7.7 >/dev/null
mkdir fonts fontnik
tar xzf geops-mapbox-gl-fonts-3.0.0.tgz -C fonts
tar xzf fontnik-0.7.7.tgz -C fontnik
OUT="$ROOT/console/static/vendor/fonts"
for face in Regular Bold; do
    mkdir -p "$OUT/NotoSans-$face"
    cp fonts/package/noto-sans/LICENSE "$OUT/LICENSE"
    node -e '
        const fontnik = require(process.argv[1]);
        const fs = require("fs");
        const font = fs.readFileSync(process.argv[2]);
        for (const start of [0, 256, 512, 8192]) {
            fontnik.range({ font, start, end: start + 255 }, (err, data) => {
                if (err) { console.error(String(err)); process.exit(1); }
                fs.writeFileSync(`${process.argv[3]}/${start}-${start + 255}.pbf`, data);
            });
        }' "$WORK/fontnik/package/index.js" "fonts/package/noto-sans/NotoSans-$face.ttf" "$OUT/NotoSans-$face"
done
