#!/usr/bin/env bash
# Renders a chaff report.html in headless Chromium at desktop and phone widths and checks
# that each screenshot actually shows a page (not blank, not an error page).
#
# Usage: scripts/screenshot_report.sh REPORT_DIR [OUT_DIR]
#   REPORT_DIR  an audit folder with report.html (`chaff report DIR --html`)
#   OUT_DIR     where the PNGs go (default: REPORT_DIR/screenshots)
#
# Needs chromium (Debian: `apt-get install -y chromium`). Not part of CI: a manual check of
# how the page looks. The network is not needed: report.html references nothing external.
set -euo pipefail

dir=${1:?usage: scripts/screenshot_report.sh REPORT_DIR [OUT_DIR]}
out=${2:-$dir/screenshots}
html=$(realpath "$dir/report.html")
browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$browser" ] || { echo "chromium not found (apt-get install -y chromium)" >&2; exit 2; }
mkdir -p "$out"

shoot() { # name width height
  local png="$out/$1.png" profile
  profile=$(mktemp -d)
  "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" \
    --screenshot="$png" --window-size="$2,$3" "file://$html" >/dev/null 2>&1 || true
  rm -rf "$profile"
  [ -s "$png" ] || { echo "no screenshot written: $png" >&2; exit 1; }
  check "$png"
}

# A screenshot is non-trivial when a good share of its pixels are not background and it
# has many distinct colours (text, chart bars, table shading). Pure Python: no PIL here.
check() {
  python3 - "$1" <<'PY'
import struct, sys, zlib
path = sys.argv[1]
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, hdr = 8, b"", None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        hdr = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
w, h, depth, ctype, _, _, interlace = hdr
assert depth == 8 and ctype in (2, 6) and interlace == 0, f"unsupported PNG {hdr}"
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
ink = 0
colours = set()
i = 0
for y in range(h):
    f = raw[i]; i += 1
    line = bytearray(raw[i:i + stride]); i += stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp * 2):
        px = bytes(line[x:x + 3])
        if px != b"\xff\xff\xff":
            ink += 1
        if len(colours) < 5000:
            colours.add(px)
    prev = line
sampled = (w // 2) * h
share = ink / max(1, sampled)
print(f"{path}: {w}x{h}, {share:.1%} non-white pixels, {len(colours)} colours")
if share < 0.02 or len(colours) < 16:
    sys.exit(f"{path}: looks blank")
PY
}

shoot desktop 1200 3000
shoot phone 390 3000
