# Sourced by run_corpus.sh: broken media files, each an item of one run
# through the local engines (Tesseract for images, PocketSphinx for audio),
# which must record an error naming the file for each and keep the good item.
new_project "$WORK/media"
mkdir -p data/media
python3 - data/media <<'PY'
import struct, sys, zlib
d = sys.argv[1]

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

def png(w, h, rows=None, ihdr=None):
    raw = rows if rows is not None else b"".join(b"\0" + b"\xff" * w for _ in range(h))
    head = ihdr if ihdr is not None else struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

def wav(samples, rate=16000, channels=1, bits=16, data_size=None):
    data = struct.pack("<%dh" % len(samples), *samples)
    size = len(data) if data_size is None else data_size
    return (b"RIFF" + struct.pack("<I", 36 + size) + b"WAVEfmt " +
            struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * channels * bits // 8,
                        channels * bits // 8, bits) + b"data" + struct.pack("<I", size) + data)

good = png(64, 32)
cases = {
    "empty.png": b"",
    "text.png": b"not an image at all\n",
    "signature_only.png": good[:8],
    "truncated_header.png": good[:20],
    "truncated_idat.png": good[:len(good) // 2],
    "no_iend.png": good[:-12],
    "bad_crc.png": good[:29] + b"\0\0\0\0" + good[33:],
    "zero_size.png": png(0, 0, rows=b""),
    "huge_claimed.png": png(100000, 100000, rows=b"\0"),
    "short_rows.png": png(64, 32, rows=b"\0" * 10),
    "bad_bit_depth.png": png(4, 4, ihdr=struct.pack(">IIBBBBB", 4, 4, 7, 0, 0, 0, 0)),
    "jpeg_garbage.jpg": b"\xff\xd8\xff\xe0" + b"\0" * 100,
    "gif_header.gif": b"GIF89a" + b"\0" * 10,
    "png_named_jpg.jpg": b"\x89PNG\r\n\x1a\n" + b"\0" * 50,
    "random.png": bytes((i * 7919) % 256 for i in range(5000)),
    "empty.wav": b"",
    "text.wav": b"RIFF but not really\n",
    "header_only.wav": wav([])[:44],
    "truncated.wav": wav([0] * 100)[:30],
    "huge_data_size.wav": wav([0] * 100, data_size=0x7fffffff),
    "zero_rate.wav": wav([0] * 100, rate=0),
    "eight_channels.wav": wav([0] * 800, channels=8),
    "odd_bits.wav": wav([0] * 100, bits=3),
    "garbage.mp3": b"ID3" + b"\xff" * 200,
    "random.wav": bytes((i * 104729) % 256 for i in range(5000)),
}
for name, data in cases.items():
    open(f"{d}/{name}", "wb").write(data)
open(f"{d}/good.png", "wb").write(good)
PY
# Broken JPEGs from mmgate's own encoder (perturb jpeg:50 of the good PNG):
# cut short, and with a bad marker in the scan. libjpeg warns on both.
printf '{"id": "g", "modality": "image", "media": [{"type": "image", "path": "media/good.png"}], "reference": "a"}\n' >data/g.jsonl
printf 'name: g\nmodality: image\ndataset: data/g.jsonl\nmetric: exact\n' >g.yaml
"$MMGATE" perturb -s g.yaml --kinds jpeg:50 -o "$WORK/jpeg-src" >/dev/null
python3 - "$(ls "$WORK"/jpeg-src/media/*.jpg | head -1)" data/media <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
mid = len(b) // 2
open(sys.argv[2] + "/truncated.jpg", "wb").write(b[:mid])
open(sys.argv[2] + "/bad_marker.jpg", "wb").write(b[:mid] + b"\xff\x01" + b[mid + 2:])
PY
rm -f data/g.jsonl g.yaml
mkdir -p data/media/dir.png
ln -s /dev/zero data/media/dev_zero.png
media_files=()
for f in data/media/*; do
  name=$(basename "$f")
  [ "$name" = good.png ] || media_files+=("$name")
done
{
  for name in good.png "${media_files[@]}"; do
    case "$name" in *.wav | *.mp3) type=audio modality=audio ;; *) type=image modality=image ;; esac
    printf '{"id": "%s", "modality": "%s", "media": [{"type": "%s", "path": "media/%s"}], "reference": "a"}\n' \
      "$name" "$modality" "$type" "$name"
  done
} >data/media.jsonl
grep '"image"' data/media.jsonl >data/images.jsonl
grep '"audio"' data/media.jsonl >data/audio.jsonl
cat >mmgate.yaml <<'YAML'
models:
  ocr: {provider: tesseract, psm: 3}
  asr: {provider: pocketsphinx}
  both: {provider: route, image: ocr, audio: asr}
suites:
  - {name: images, modality: image, dataset: data/images.jsonl, metric: exact}
  - {name: audio, modality: audio, dataset: data/audio.jsonl, metric: wer}
YAML
if run_case "media run" "media" "$MMGATE" run -m both --run-id r -j 2; then
  [ "$(sql "SELECT COUNT(*) FROM responses WHERE run_id='r'")" = "$((${#media_files[@]} + 1))" ] ||
    fail media "not every item recorded"
  for name in "${media_files[@]}"; do
    cases=$((cases + 1))
    row=$(sql "SELECT COALESCE(error, '') FROM responses WHERE run_id='r' AND item_id='$name'")
    if [ -n "$row" ] && ! grep -qF "$name" <<<"$row"; then
      fail "media/$name" "error does not name the file: $row"
    fi
  done
  grep -q "libpng error" "$WORK/err" && fail media "libpng wrote to stderr: $(grep libpng "$WORK/err" | head -3)"
  # libjpeg's own lines ("Premature end of JPEG file") name no file.
  grep -i "jpeg" "$WORK/err" | grep -v "\.jpg" | grep -q . &&
    fail media "a JPEG message names no file: $(grep -i jpeg "$WORK/err" | grep -v '\.jpg' | head -3)"
fi
# Perturbing a suite whose one image is broken: an error naming the item.
for name in "${media_files[@]}"; do
  case "$name" in *.wav | *.mp3) kind=gsm ;; *) kind=rotate:5 ;; esac
  grep -F "\"id\": \"$name\"" data/media.jsonl >"data/one.jsonl"
  printf 'name: one\nmodality: image\ndataset: data/one.jsonl\nmetric: exact\n' >one.yaml
  case "$name" in *.wav | *.mp3) sed -i 's/modality: image/modality: audio/' one.yaml ;; esac
  run_case "perturb media/$name" "$name" "$MMGATE" perturb -s one.yaml --kinds "$kind" \
    -o "$WORK/perturbed/$name" &&
    grep -i "libpng\|JPEG file\|JPEG data" "$WORK/err" | grep -vF "$name" | grep -q . &&
    fail "perturb media/$name" "a codec wrote to stderr: $(cat "$WORK/err")"
done
