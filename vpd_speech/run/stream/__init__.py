"""Live calls: audio streamed in over a WebSocket, escalation events out while the call goes on.

protocol.py   the messages (start, PCM frames, end; utterance, level_change, alert, error, final)
live.py       one call: streaming VAD per channel, transcripts as utterances end, events, final result
server.py     `vpd stream serve`: the WebSocket server, shared models, queues, security defaults
alerts.py     alert delivery to a webhook and/or a JSON-lines log, in the background
client.py     `vpd stream send`: stream a recording and print the events
"""
