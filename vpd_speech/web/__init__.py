"""The web app (`vpd serve`): a driver over the call store and the out folder, for agents, quality teams and coordinators.

app.py        the routes (Starlette) and the server (uvicorn); pages from templates/, assets from static/
auth.py       session cookies, CSRF tokens, login rate limiting
live.py       the live board: the stream server's monitor events relayed to browsers (server-sent events)
"""
