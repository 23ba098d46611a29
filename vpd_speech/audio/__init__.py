"""Sound in: decoding and checks, speech/silence, the caller's acoustic arousal."""
