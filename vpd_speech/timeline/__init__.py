"""Escalation timeline of one call: caller levels over time, events, werkinstructie check and meldadvies.

Input: the call's utterances sorted by start, each classified (caller: norm-matrix label; agent: act of
the werkinstructie). Output: a `Timeline` document (`build.build_timeline`). Only the caller's text levels
drive the conclusions; caller arousal (see `prosody.py`) is attached as supporting evidence and never
changes a level.

Rules, in short (see `options.TimelineOptions` for the numbers; the module that applies each rule is
named in brackets):

- Guards (`levels.py`). A caller utterance is *low_confidence* when no_speech_prob > 0.6, avg_logprob
  < -1.0 or the mean word probability < 0.4; it is *borderline* when the probability of its label is
  < 0.6. Such an utterance never raises the level on its own: its counted level is at most the level of
  an adjacent caller utterance (previous or next, within 30 s) that supports it. Support for a
  low_confidence utterance must come from a reliable one; a borderline one may also be supported by
  another borderline one (so only a *single* borderline utterance is discounted). A level 3/4 utterance
  that is not counted at its own level becomes a `possible_norm_crossed` / `possible_threat` event.
- Addressing (`events.py`). After a counted level >= 3, the first agent act in `address_acts`
  (gedrag_benoemen or grens_stellen) addresses it. Caller utterances at <= 2 after that:
  `caller_corrected`; any counted level >= 3 after an address: `repeated_after_correction`.
- Caller hung up (`events.py`): the last utterance of the call is the caller's at counted level >= 3,
  the audio ends within `hangup_gap_s` after it, and the agent did not end the call before it.
- Episodes (`episodes.py`): from the first counted level >= 1 until the caller stays at a calm level
  (<= 1 after a peak of 2+, 0 after a peak of 1) for `calm_window_s`; `calm_restored` marks that for
  peaks of 2+. A caller silence of `episode_gap_s` between two raised utterances also separates
  episodes (no calm event). Each episode gets the werkinstructie check of its approach (`check.py`).
- Meldadvies (`advice.py`; counted levels only; possible events are listed in the reasons, never
  counted): level 4 anywhere: melden. Level 3: niet_melden only when the crossing was addressed, the
  caller went on at <= 2 and no level >= 3 followed the address; melden when it was not addressed,
  when it came back after the address, or when the caller said nothing more. Levels 0-2: niet_melden.
  Levels 1-3 niet_melden carry the note that a pattern across calls can still lead to melden
  (coordinator).
"""
