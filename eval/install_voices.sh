#!/usr/bin/env bash
# Install the TTS tools for eval/synth.py on Debian bookworm (run as root; safe to run again).
# MBROLA and its Dutch voices live in contrib/non-free, so add those components in a separate
# deb822 source next to the stock debian.sources instead of editing it.
set -euo pipefail

src=/etc/apt/sources.list.d/vpd-contrib-non-free.sources
if [ ! -f "$src" ]; then
    cat > "$src" <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends espeak-ng sox mbrola mbrola-nl2 mbrola-nl3

# Smoke test: both Dutch MBROLA voices speak through espeak-ng.
for voice in mb-nl2 mb-nl3; do
    espeak-ng -v "$voice" -w /tmp/vpd-voice-check.wav "hallo" 2>/dev/null
done
rm -f /tmp/vpd-voice-check.wav
echo "MBROLA Dutch voices OK"
