"""Speech to words: how a call is heard (windows, arrangements), Whisper, speakers and utterances."""
