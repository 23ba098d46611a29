"""Judgements to a call's escalation timeline, werkinstructie check and meldadvies."""
