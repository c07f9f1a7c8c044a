#!/usr/bin/env bash
# Makes lt's media samples from Debian tools; nothing is downloaded. Run from anywhere:
#   apt-get install espeak-ng opus-tools ffmpeg      (as root)
#   lt/samples/make-samples.sh            writes the samples here
#   lt/samples/make-samples.sh --check    makes them in a temporary folder and compares them with these
# The output is the same byte for byte on every run (fixed Ogg serial number, single-threaded VP8 encoding
# in "good" mode: libvpx's realtime mode adapts to the machine's speed), so --check tells whether the
# committed files are what this script makes with the installed tools (Debian 12: espeak-ng 1.51,
# opus-tools 0.2 with libopus 1.3.1, ffmpeg 5.1).
# speech_0.ogg     Opus, 48 kHz mono, 20 ms frames, hard CBR 80 kbit/s: espeak-ng reading speech.txt
# speech_0.levels  one RFC 6464 audio level (-dBov, 0..127) per 20 ms frame of speech_0.ogg (levels.mjs)
# screen_h.ivf     VP8, 1280x720 at 15 fps, ~1.6 Mbit/s, a keyframe every 2 s: ffmpeg's testsrc2 pattern
#                  (moving shapes, a counter and colour bars) with a scrolling text overlay, 10 s
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here
if [ "${1:-}" = "--check" ]; then
  out=$(mktemp -d)
fi
for tool in espeak-ng opusenc ffmpeg node; do
  command -v "$tool" >/dev/null || { echo "make-samples: $tool is missing (apt-get install espeak-ng opus-tools ffmpeg)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ "$out" = "$here" ] || rm -rf "$out"' EXIT

# Speech: synthesised, padded with 0.5 s of silence at both ends (the loop then has natural pauses).
espeak-ng -v en-us -s 155 -w "$tmp/voice.wav" -f "$here/speech.txt"
ffmpeg -loglevel error -y -i "$tmp/voice.wav" -af "adelay=500,apad=pad_dur=0.5" -ar 48000 -ac 1 -c:a pcm_s16le "$tmp/speech48.wav"
opusenc --quiet --serial 1 --bitrate 80 --hard-cbr --framesize 20 --comp 10 "$tmp/speech48.wav" "$out/speech_0.ogg"
ffmpeg -loglevel error -y -i "$tmp/speech48.wav" -f s16le -ar 48000 -ac 1 "$tmp/speech.raw"
node "$here/levels.mjs" "$out/speech_0.levels" < "$tmp/speech.raw"

# Screen: a test pattern as a screen share would look (mostly static areas, moving parts), VP8 in IVF.
ffmpeg -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=15" -t 10 \
  -vf "drawtext=text='Calls load test  -  screen share sample':fontcolor=white:fontsize=36:x=w-mod(t*120\,w+tw):y=h-60:box=1:boxcolor=black@0.6" \
  -c:v libvpx -threads 1 -b:v 1600k -minrate 1600k -maxrate 1600k -bufsize 800k -g 30 -keyint_min 30 -deadline good -cpu-used 4 \
  -auto-alt-ref 0 -lag-in-frames 0 -error-resilient 1 -fflags +bitexact -flags +bitexact -f ivf "$out/screen_h.ivf"

if [ "$out" = "$here" ]; then
  ls -l "$here"/speech_0.ogg "$here"/speech_0.levels "$here"/screen_h.ivf
  exit 0
fi
status=0
for f in speech_0.ogg speech_0.levels screen_h.ivf; do
  if cmp -s "$out/$f" "$here/$f"; then echo "$f: same"; else echo "$f: DIFFERS from what this script makes" >&2; status=1; fi
done
exit $status
